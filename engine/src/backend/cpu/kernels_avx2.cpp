// The avx2 kernel family: kernel_templates.h compiled over simd_avx2.h.
#include "backend/cpu/simd_avx2.h"
// and the K-quant decode loops (quant_decode_k.h)
#define NEOX_CPU_QUANT_DECODE_K
// (order matters: the templates use the Simd struct defined above)
#include "backend/cpu/kernel_templates.h"

namespace neox::cpu {

const Kernels& kernels_avx2() { return kKernels; }

}  // namespace neox::cpu
