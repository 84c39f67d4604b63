#include "neox/cpu_features.h"

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace neox {
namespace {

#if defined(__x86_64__) || defined(__i386__)
uint64_t read_xcr0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  f.sse2 = (d >> 26) & 1;
  bool osxsave = (c >> 27) & 1;
  bool avx_hw = (c >> 28) & 1;
  bool fma_hw = (c >> 12) & 1;
  bool f16c_hw = (c >> 29) & 1;
  uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  bool os_ymm = (xcr0 & 0x6) == 0x6;            // SSE and AVX state
  bool os_zmm = os_ymm && (xcr0 & 0xe0) == 0xe0;  // opmask, ZMM_Hi256, Hi16_ZMM
  f.avx = avx_hw && os_ymm;
  f.fma = fma_hw && os_ymm;
  f.f16c = f16c_hw && os_ymm;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, a, b, c, d);
  f.avx2 = ((b >> 5) & 1) && os_ymm;
  f.avx512f = ((b >> 16) & 1) && os_zmm;
  f.avx512dq = ((b >> 17) & 1) && os_zmm;
  f.avx512bw = ((b >> 30) & 1) && os_zmm;
  f.avx512vl = ((b >> 31) & 1) && os_zmm;
  f.avx512_vnni = ((c >> 11) & 1) && os_zmm;
  f.gfni = ((c >> 8) & 1) && os_ymm;
  f.avx512_fp16 = ((d >> 23) & 1) && os_zmm;
  unsigned max_sub = a;
  if (max_sub >= 1) {
    __cpuid_count(7, 1, a, b, c, d);
    f.avx512_bf16 = ((a >> 5) & 1) && os_zmm;
  }
  return f;
}
#else
CpuFeatures detect() { return {}; }
#endif

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

bool cpu_supports(CpuIsa isa) {
  const CpuFeatures& f = cpu_features();
  switch (isa) {
    case CpuIsa::kScalar:
      return true;
    case CpuIsa::kAvx2:
      return f.avx2 && f.fma && f.f16c;
    case CpuIsa::kAvx512:
      return cpu_supports(CpuIsa::kAvx2) && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq;
  }
  return false;
}

CpuIsa best_cpu_isa() {
  if (cpu_supports(CpuIsa::kAvx512)) return CpuIsa::kAvx512;
  if (cpu_supports(CpuIsa::kAvx2)) return CpuIsa::kAvx2;
  return CpuIsa::kScalar;
}

const char* cpu_isa_name(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::kScalar:
      return "scalar";
    case CpuIsa::kAvx2:
      return "avx2";
    case CpuIsa::kAvx512:
      return "avx512";
  }
  return "unknown";
}

std::optional<CpuIsa> parse_cpu_isa(const std::string& name) {
  for (CpuIsa isa : {CpuIsa::kScalar, CpuIsa::kAvx2, CpuIsa::kAvx512})
    if (name == cpu_isa_name(isa)) return isa;
  return std::nullopt;
}

}  // namespace neox
