// The avx512 kernel family with VNNI: kernel_templates.h compiled over
// simd_avx512.h with -mavx512vnni, so the integer dot products of quantized
// weights are one vpdpbusd each. Chosen at run time on CPUs with VNNI but
// without GFNI (Cascade Lake), or when CpuBackendOptions::gfni is off; with
// both, kernels_avx512vnni_gfni.cpp's family runs.
#include "backend/cpu/simd_avx512.h"
// with the int8 matrix-matrix product for prefill (quant_gemm_avx512.h)
#define NEOX_CPU_QUANT_GEMM_AVX512
// and the 512-bit Q4_0 decode loop (quant_decode_avx512.h)
#define NEOX_CPU_QUANT_DECODE_AVX512
// and the K-quant decode loops (quant_decode_k.h)
#define NEOX_CPU_QUANT_DECODE_K
// (order matters: the templates use the Simd struct defined above)
#include "backend/cpu/kernel_templates.h"

namespace neox::cpu {

const Kernels& kernels_avx512_vnni() {
  return kKernels;
}

}  // namespace neox::cpu
