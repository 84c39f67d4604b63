// The per-instruction-set kernels of the CPU backend: one table of function
// pointers per family (scalar, AVX2, AVX-512), filled by kernels_<isa>.cpp
// from the same templates (kernel_templates.h). The op drivers (op_*.cpp)
// split work across threads and call these on their share.
#pragma once

#include <cstdint>

#include "neox/cpu_features.h"
#include "neox/dtype.h"

namespace neox::cpu {

// Activations of n tokens quantized for the integer dot kernels, per token of
// k elements (k a multiple of 32): q[k] int8 codes, d[k/32] the scale of each
// 32-element chunk, dsum16[k/16] = d · Σq of each 16-element half chunk and
// dsum32[k/32] of each chunk. Token t's rows start at q + t*k, d + t*k/32,
// dsum16 + t*k/16, dsum32 + t*k/32.
struct QuantizedActs {
  const int8_t* q;
  const float* d;
  const float* d16;  // [k/16]: d of the chunk each half belongs to
  const float* dsum16;
  const float* dsum32;
};

// Activations of n tokens quantized per 256-element superblock, for the
// K-quant decode kernels (quant_decode_k.h): q[k] int8 codes, d[k/256] one
// scale per superblock, bsum16[k/16] = Σq of each 16 elements. Token t's rows
// start at q + t*k, d + t*k/256, bsum16 + t*k/16.
struct SuperblockActs {
  const int8_t* q;
  const float* d;
  const int16_t* bsum16;
};

struct Kernels {
  CpuIsa isa;
  bool vnni;  // integer dot products with AVX-512 VNNI (vpdpbusd)
  bool gfni;  // bit unpacking with GFNI (vgf2p8affineqb)
  // Most tokens dot_rows handles in one pass over the weights; above this the
  // matmul converts weight tiles to f32 and reuses them across tokens.
  int max_stream_tokens;
  // Weight rows panel_matmul takes at once (a multiple of the vector width).
  int64_t panel_rows;

  // y[t*ldy + r] = x[t*ldx .. +k] · w[r*k .. +k] (+ bias[r]) for t in [0, n),
  // r in [r0, r1). w: F32/F16/BF16 rows of k elements. The hot loop of matmul.
  void (*dot_rows)(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const float* x,
                   int64_t ldx, int64_t n, float* y, int64_t ldy, const float* bias);
  // dst[0..n) = src[0..n) converted to f32 (src F32/F16/BF16, or a block-
  // quantized row with n a multiple of its block size).
  void (*to_f32)(DType type, const void* src, float* dst, int64_t n);
  // Quantizes one token's activations x[0..k) (k a multiple of 32) into
  // q[k], d[k/32], d16[k/16], dsum16[k/16], dsum32[k/32] (see QuantizedActs).
  void (*quantize_acts)(const float* x, int64_t k, int8_t* q, float* d, float* d16, float* dsum16, float* dsum32);
  // y[t*ldy + r] = x_t · w_r (+ bias[r]) for t in [0, n), r in [r0, r1), w
  // block-quantized rows of k elements, x quantized activations of n tokens.
  void (*quant_dot_rows)(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const QuantizedActs& x,
                         int64_t n, float* y, int64_t ldy, const float* bias);
  // Decode with Q4_K, Q5_K or Q6_K weights against activations quantized per
  // superblock (null in families without them): quantize_superblocks fills
  // one token's q[k], d[k/256], bsum16[k/16] (k a multiple of 256), and
  // k_quant_dot_rows computes as quant_dot_rows does.
  void (*quantize_superblocks)(const float* x, int64_t k, int8_t* q, float* d, int16_t* bsum16);
  void (*k_quant_dot_rows)(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const SuperblockActs& x,
                           int64_t n, float* y, int64_t ldy, const float* bias);
  // Prefill with block-quantized weights as an int8 matrix-matrix product
  // (null in families without one): y[t*ldy + r] = x_t · w_r (+ bias[r]) for
  // t in [0, n), r in [r0, r1), decoding rows [r0, r1) once into `scratch`
  // (quant_gemm_scratch_floats(k, r1 - r0) floats). Returns false, computing
  // nothing, for a type or k it does not take; with r0 == r1 it only answers that.
  bool (*quant_gemm)(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const QuantizedActs& x,
                     int64_t n, float* y, int64_t ldy, const float* bias, float* scratch);
  // Prefill without an integer product: y[t*ldy + r] = x_t · w_r (+ bias[r])
  // for t in [0, n) (x rows of k floats, contiguous), r in [r0, r1),
  // r1 - r0 <= panel_rows; w any supported weight type, converted to f32
  // once into `scratch` ((panel_rows + 1)·k floats: the panel and one row).
  void (*panel_matmul)(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const float* x, int64_t n,
                       float* y, int64_t ldy, const float* bias, float* scratch);
  // One row of layer norm (torch order: mean, biased variance, 1/sqrt(var+eps)).
  void (*layer_norm_row)(const float* x, const float* gamma, const float* beta, float eps,
                         int64_t d, float* out);
  // dst[0..n) = src[0..n) rounded to F16 (nearest even): writes into an F16 KV cache.
  void (*to_f16)(const float* src, uint16_t* dst, int64_t n);
  // Decode attention split over keys: one query (n_head heads of hd, q
  // [n_head*hd]) over cache rows [t0, t1) of k, v (type kv, rows of
  // n_head*hd). Per head h: m[h] = max score, l[h] = Σ e^(s - m[h]),
  // o[h*hd ..] = Σ e^(s - m[h])·v, to be merged across key ranges.
  // scores: scratch for n_head*(t1 - t0) floats.
  void (*attend_keys)(const float* q, int n_head, int64_t hd, DType kv, const void* k, const void* v, int64_t t0,
                      int64_t t1, float scale, float* scores, float* m, float* l, float* o);
  // Causal attention of nq query rows of one head (q + j*ldq, positions
  // pos0 + j) over the cached rows 0..pos0+j, as flash attention over key
  // tiles (prefill): out rows at out + j*ldo. scratch: attend_rows_scratch_floats(nq, hd).
  void (*attend_rows)(const float* q, int64_t ldq, int64_t nq, int64_t pos0, DType kv, const void* k,
                      const void* v, int64_t ld, int64_t hd, float scale, float* scratch, float* out, int64_t ldo);
  // x[i] = GELU(x[i]) (exact erf form, or the tanh approximation), within
  // 2e-7 of the C library's erf/tanh.
  void (*gelu)(float* x, int64_t n, bool tanh_form);
  // y[i] += x[i]
  void (*add)(float* y, const float* x, int64_t n);
};

// Widest key tile of attend_rows (4 registers of 16 floats).
constexpr int64_t kAttendMaxKeyTile = 64;
// Scratch attend_rows needs for nq queries of head size hd (padded to 16):
// queries and Σ p·v [nq][hd], max, sum and rescale [nq], scores [nq][tile],
// the key and value tiles [hd][tile].
inline size_t attend_rows_scratch_floats(int64_t nq, int64_t hd) {
  const int64_t hp = (hd + 15) / 16 * 16;
  return static_cast<size_t>(2 * nq * hp + 3 * nq + nq * kAttendMaxKeyTile + 2 * hp * kAttendMaxKeyTile);
}

// Scratch floats quant_gemm needs for a tile of `rows` rows of k elements:
// groups of 16 rows, each chunk of 32 elements 512 code bytes and up to 256
// bytes of scales and offsets (quant_gemm_avx512.h): 1.5·k bytes a row.
inline size_t quant_gemm_scratch_floats(int64_t k, int64_t rows) {
  return static_cast<size_t>((rows + 15) / 16 * (k / 32) * 768 / 4 + 16);
}

const Kernels& kernels_scalar();
const Kernels& kernels_avx2();
const Kernels& kernels_avx512();
const Kernels& kernels_avx512_vnni();  // AVX-512 family with VNNI integer dot products
const Kernels& kernels_avx512_vnni_gfni();  // and GFNI bit unpacking (Ice Lake and later, Zen 4)
// The family for `isa`; for AVX-512 the VNNI variant when `vnni` is allowed
// and the CPU has it, with GFNI when `gfni` is allowed too and the CPU has it.
const Kernels& kernels_for(CpuIsa isa, bool vnni, bool gfni);

}  // namespace neox::cpu
