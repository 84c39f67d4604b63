// The avx512 kernel family with VNNI and GFNI: kernels_avx512vnni.cpp's
// family compiled with -mgfni as well, so the K-quant decode (quant_decode_k.h)
// moves each group of bits of a byte with one vgf2p8affineqb instead of a shift
// and a mask. Chosen at run time only on CPUs with both (Ice Lake and later,
// Zen 4; Cascade Lake has VNNI without GFNI).
#include "backend/cpu/simd_avx512.h"
#define NEOX_CPU_QUANT_GEMM_AVX512
#define NEOX_CPU_QUANT_DECODE_AVX512
#define NEOX_CPU_QUANT_DECODE_K
#include "backend/cpu/kernel_templates.h"

namespace neox::cpu {

const Kernels& kernels_avx512_vnni_gfni() {
  return kKernels;
}

}  // namespace neox::cpu
