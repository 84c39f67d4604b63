// The avx2 kernel family: kernel_templates.h compiled over simd_avx2.h.
#include "backend/cpu/simd_avx2.h"
// (order matters: the templates use the Simd struct defined above)
#include "backend/cpu/kernel_templates.h"

namespace neox::cpu {

const Kernels& kernels_avx2() { return kKernels; }

}  // namespace neox::cpu
