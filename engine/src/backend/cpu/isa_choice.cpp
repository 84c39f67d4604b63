// Which kernel family the CPU backend runs, chosen at run time so one binary
// is safe on any x86-64 CPU and fast on a recent one.
#include <cstdlib>

#include "backend/cpu/cpu_backend.h"
#include "neox/error.h"

namespace neox::cpu {

CpuIsa choose_cpu_isa(const CpuBackendOptions& options) {
  std::string requested = options.isa;
  std::string source = "CpuBackendOptions::isa";
  if (requested.empty()) {
    if (const char* env = std::getenv("NEOX_CPU_ISA"); env && *env) {
      requested = env;
      source = "NEOX_CPU_ISA";
    }
  }
  if (requested.empty()) return best_cpu_isa();
  auto isa = parse_cpu_isa(requested);
  if (!isa)
    throw Error(source + "=" + requested + " is not a CPU kernel family (use scalar, avx2 or avx512)");
  if (!cpu_supports(*isa))
    throw Error(source + "=" + requested + ": this CPU cannot run " + requested + " kernels (best: " +
                cpu_isa_name(best_cpu_isa()) + ")");
  return *isa;
}

const Kernels& kernels_for(CpuIsa isa, bool vnni, bool gfni) {
  switch (isa) {
    case CpuIsa::kAvx512:
      if (!vnni || !cpu_features().avx512_vnni) return kernels_avx512();
      return gfni && cpu_features().gfni ? kernels_avx512_vnni_gfni() : kernels_avx512_vnni();
    case CpuIsa::kAvx2:
      return kernels_avx2();
    case CpuIsa::kScalar:
      break;
  }
  return kernels_scalar();
}

}  // namespace neox::cpu
