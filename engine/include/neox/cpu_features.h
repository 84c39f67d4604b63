// What the CPU we run on can execute, read once with cpuid (and xgetbv, so a
// feature the OS does not save registers for counts as missing).
#pragma once

#include <optional>
#include <string>

namespace neox {

struct CpuFeatures {
  bool sse2 = false;
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512dq = false;
  bool avx512_fp16 = false;
  bool avx512_bf16 = false;
  bool avx512_vnni = false;
  bool gfni = false;  // Galois-field instructions (vgf2p8affineqb), here on ymm registers
};

const CpuFeatures& cpu_features();

// Kernel families of the CPU backend, ordered from most to least portable.
enum class CpuIsa { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

// The widest family this CPU runs: AVX2 needs AVX2+FMA+F16C, AVX-512 needs
// F/BW/VL/DQ on top.
CpuIsa best_cpu_isa();
bool cpu_supports(CpuIsa isa);
const char* cpu_isa_name(CpuIsa isa);  // "scalar", "avx2", "avx512"
std::optional<CpuIsa> parse_cpu_isa(const std::string& name);

}  // namespace neox
