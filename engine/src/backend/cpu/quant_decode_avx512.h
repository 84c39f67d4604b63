// Decode (one token) with Q4_0 weights in 512-bit registers: the AVX-512
// kernel families' replacement for the generic chunk loop of quant_kernels.h,
// which spends ~4 cycles per 18-byte block (unpacking nibbles into a ymm, one
// scale product and reload, one scalar offset FMA per block) and so could not
// keep up with the memory on two cores.
//
// Four blocks per step: two zmm of codes (blocks b, b+1 and b+2, b+3, nibbles
// unpacked in place), the four fp16 scales converted at once (vcvtph2ps) and
// multiplied by the four activation scales, spread over the lanes with one
// permute per zmm; the −8 offsets of the four blocks are one 4-lane FMA with
// the activation sums (Σ (u − 8)·q = Σ u·q − 8·Σ q).
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

inline uint16_t load_u16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// The 32 codes of the blocks whose nibbles start at a and b: [a & 15, a >> 4, b & 15, b >> 4].
inline __m512i q4_0_codes2(const uint8_t* a, const uint8_t* b) {
  const __m256i v = _mm256_inserti128_si256(
      _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a))),
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(b)), 1);
  const __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(v), _mm256_srli_epi16(v, 4), 1);
  return _mm512_and_si512(_mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0)), _mm512_set1_epi8(0x0F));
}

inline __m512i dot4_zmm_acc(__m512i u, __m512i x) {
#ifdef __AVX512VNNI__
  return _mm512_dpbusd_epi32(_mm512_setzero_si512(), u, x);
#else
  return _mm512_madd_epi16(_mm512_maddubs_epi16(u, x), _mm512_set1_epi16(1));
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
  const __m512i lanes01 = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m512i lanes23 = _mm512_set_epi32(3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2);
  int64_t blk = 0;
  for (; blk + 4 <= n_blocks; blk += 4) {
    const __m512i x01 = _mm512_loadu_si512(xq + 32 * blk);
    const __m512i x23 = _mm512_loadu_si512(xq + 32 * blk + 64);
    const __m128 dx = _mm_loadu_ps(xd + blk);
    const __m128 ds = _mm_loadu_ps(xs + blk);
    for (int i = 0; i < S; ++i) {
      const uint8_t* p = row[i] + blk * kQ40Bytes;
      __builtin_prefetch(p + prefetch_bytes);
      __builtin_prefetch(p + prefetch_bytes + 64);
      __m128i h = _mm_cvtsi32_si128(load_u16(p));
      h = _mm_insert_epi16(h, load_u16(p + kQ40Bytes), 1);
      h = _mm_insert_epi16(h, load_u16(p + 2 * kQ40Bytes), 2);
      h = _mm_insert_epi16(h, load_u16(p + 3 * kQ40Bytes), 3);
      const __m128 s = _mm_cvtph_ps(h);
      off[i] = _mm_fmadd_ps(s, ds, off[i]);
      const __m512 sd = _mm512_castps128_ps512(_mm_mul_ps(s, dx));
      const __m512i u01 = q4_0_codes2(p + 2, p + kQ40Bytes + 2);
      const __m512i u23 = q4_0_codes2(p + 2 * kQ40Bytes + 2, p + 3 * kQ40Bytes + 2);
      acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot4_zmm_acc(u01, x01)), _mm512_permutexvar_ps(lanes01, sd),
                               acc[i]);
      acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot4_zmm_acc(u23, x23)), _mm512_permutexvar_ps(lanes23, sd),
                               acc[i]);
    }
  }
  for (; blk < n_blocks; ++blk) {  // the last 1-3 blocks, one at a time
    for (int i = 0; i < S; ++i) {
      const uint8_t* p = row[i] + blk * kQ40Bytes;
      const __m512i u = q4_0_codes2(p + 2, p + 2);  // the block twice; the upper lanes are dropped
      const __m512i x = _mm512_zextsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + 32 * blk)));
      const __m256i d = _mm512_castsi512_si256(dot4_zmm_acc(u, x));
      alignas(32) int32_t lanes[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), d);
      int32_t sum = 0;
      for (int l = 0; l < 8; ++l) sum += lanes[l];
      const float s = _cvtsh_ss(load_u16(p));
      tail[i] += s * (xd[blk] * static_cast<float>(sum) - 8.0f * xs[blk]);
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
