// Decode (one token) with Q4_0 weights in 512-bit registers: the AVX-512
// kernel families' replacement for the generic chunk loop of quant_kernels.h,
// which spends ~4 cycles per 18-byte block (unpacking nibbles into a ymm, one
// scale product and reload, one scalar offset FMA per block) and so could not
// keep up with the memory on two cores.
//
// Four blocks (72 bytes, 36 words) per step, each a handful of instructions:
// one word permute (vpermt2w) gathers the four blocks' 16-byte nibble arrays
// into one zmm, another (vpermw) their four fp16 scales; low nibbles
// (elements 0-15 of each block) and high ones (16-31) are two vpdpbusd
// against the token's activations paired to match (once per four blocks,
// shared by the S rows), so each i32 lane belongs to one block and one FMA
// applies the four blocks' scales, spread over their lanes. The −8 offsets
// of the four blocks are one 4-lane FMA with the activation sums
// (Σ (u − 8)·q = Σ u·q − 8·Σ q).
//
// Only for kernels_avx512*.cpp (NEOX_CPU_QUANT_DECODE_AVX512), included by
// quant_kernels.h.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace neox::cpu {
namespace {

constexpr int64_t kQ40Bytes = 18;  // fp16 d, then 16 bytes of nibbles

inline __m512i dot4_zmm_acc(__m512i acc, __m512i u, __m512i x) {
#ifdef __AVX512VNNI__
  return _mm512_dpbusd_epi32(acc, u, x);
#else
  return _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maddubs_epi16(u, x), _mm512_set1_epi16(1)));
#endif
}

// out[i] = row rows[i] of w (n_blocks Q4_0 blocks) · one token's activations
// (xq codes, xd scales, xs = dx·Σq per 32-element chunk), for S rows at once.
template <int S>
inline void q4_0_rows_avx512(const uint8_t* w, int64_t n_blocks, const int64_t* rows, const int8_t* xq,
                             const float* xd, const float* xs, int64_t prefetch_bytes, float* out) {
  const int64_t row_bytes = n_blocks * kQ40Bytes;
  const uint8_t* row[S];
  __m512 acc[S];
  __m128 off[S];
  float tail[S];
  for (int i = 0; i < S; ++i) {
    row[i] = w + rows[i] * row_bytes;
    acc[i] = _mm512_setzero_ps();
    off[i] = _mm_setzero_ps();
    tail[i] = 0.0f;
  }
  // Word w of the gathered nibbles: block w / 8, its nibble word w % 8 (the
  // block's word 9b is its scale); words 32-35 come from the second load.
  alignas(64) int16_t nibble_words[32];
  for (int w16 = 0; w16 < 32; ++w16) nibble_words[w16] = static_cast<int16_t>(9 * (w16 / 8) + 1 + w16 % 8);
  const __m512i gather_nibbles = _mm512_load_si512(nibble_words);
  const __m512i gather_scales = _mm512_setr_epi32(0 | 9 << 16, 18 | 27 << 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  // Activation qwords: elements 0-15 of blocks 0-3, then 16-31.
  const __m512i low_halves = _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13);
  const __m512i high_halves = _mm512_setr_epi64(2, 3, 6, 7, 10, 11, 14, 15);
  const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  int64_t blk = 0;
  for (; blk + 4 <= n_blocks; blk += 4) {
    const __m512i x01 = _mm512_loadu_si512(xq + 32 * blk), x23 = _mm512_loadu_si512(xq + 32 * blk + 64);
    const __m512i x_lo = _mm512_permutex2var_epi64(x01, low_halves, x23);
    const __m512i x_hi = _mm512_permutex2var_epi64(x01, high_halves, x23);
    const __m128 dx = _mm_loadu_ps(xd + blk);
    const __m128 ds = _mm_loadu_ps(xs + blk);
    for (int i = 0; i < S; ++i) {
      const uint8_t* p = row[i] + blk * kQ40Bytes;
      __builtin_prefetch(p + prefetch_bytes);
      __builtin_prefetch(p + prefetch_bytes + 64);
      const __m512i z0 = _mm512_loadu_si512(p);
      const __m512i z1 = _mm512_maskz_loadu_epi16(0x0F, p + 64);  // words 32-35; nothing past the blocks is read
      const __m512i nibbles = _mm512_permutex2var_epi16(z0, gather_nibbles, z1);
      const __m128 s = _mm_cvtph_ps(_mm512_castsi512_si128(_mm512_permutexvar_epi16(gather_scales, z0)));
      off[i] = _mm_fmadd_ps(s, ds, off[i]);
      __m512i dot = dot4_zmm_acc(_mm512_setzero_si512(), _mm512_and_si512(nibbles, low4), x_lo);
      dot = dot4_zmm_acc(dot, _mm512_and_si512(_mm512_srli_epi16(nibbles, 4), low4), x_hi);
      acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot),
                               _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(_mm_mul_ps(s, dx))), acc[i]);
    }
  }
  for (; blk < n_blocks; ++blk) {  // the last 1-3 blocks, one at a time
    for (int i = 0; i < S; ++i) {
      const uint8_t* p = row[i] + blk * kQ40Bytes;
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2));
      const __m256i u = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(v, 4), v), _mm256_set1_epi8(0x0F));
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + 32 * blk));
      alignas(32) int32_t lanes[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes),
                         _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1)));
      int32_t sum = 0;
      for (int l = 0; l < 8; ++l) sum += lanes[l];
      uint16_t h;
      std::memcpy(&h, p, 2);
      const float sc = _cvtsh_ss(h);
      tail[i] += sc * (xd[blk] * static_cast<float>(sum) - 8.0f * xs[blk]);
    }
  }
  for (int i = 0; i < S; ++i) {
    __m128 o = _mm_add_ps(off[i], _mm_movehl_ps(off[i], off[i]));
    o = _mm_add_ss(o, _mm_movehdup_ps(o));
    out[i] = _mm512_reduce_add_ps(acc[i]) - 8.0f * _mm_cvtss_f32(o) + tail[i];
  }
}

}  // namespace
}  // namespace neox::cpu
