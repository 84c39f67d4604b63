// The scalar kernel family: kernel_templates.h compiled over simd_scalar.h.
#include "backend/cpu/simd_scalar.h"
// (order matters: the templates use the Simd struct defined above)
#include "backend/cpu/kernel_templates.h"

namespace neox::cpu {

const Kernels& kernels_scalar() { return kKernels; }

}  // namespace neox::cpu
