// Decode (few tokens) with K-quant weights (Q4_K, Q5_K, Q6_K) in 256-bit
// registers, for the AVX2 and AVX-512 kernel families.
//
// The generic chunk loop (quant_kernels.h) quantizes activations per 32
// elements, so every 32-element chunk of a weight block needs its own float
// conversion and FMA, and its scales go through float arrays in memory: about
// 80 instructions per 144-byte Q4_K block, 10-15 GB/s per core, short of what
// the memory delivers. Here the activations of each 256-element superblock
// share one scale, as the weights' superblocks do (SuperblockActs), so a
// whole block stays in integers:
//     Σ w·x = d·dk · Σ_j sc_j · Σ u·q  −  dmin·dk · Σ_j m_j · Σq   (Q4_K, Q5_K)
//     Σ w·x = d·dk · Σ_i sc_i · (Σ u·q − 32 · Σq)                    (Q6_K)
// with j the block's 32-element chunks (i its 16-element halves), u the
// unsigned codes and q the int8 activations: vpmaddubsw (codes × activations,
// pairs summed to i16) then vpdpwssd (or vpmaddwd + vpaddd without VNNI) with
// each chunk's integer scale, one conversion and one FMA per block.
// Bounds: |Σ u·q| pairs ≤ 2·63·127 < 2^15; an i32 lane sums at most
// 8 chunks × 2 pairs × 16002 × 128 plus the offsets: < 2^26.
//
// Q4_K: 64 instructions per block and row (llvm-mca, Ice Lake server model:
// 19 cycles; the chunk loop 35). Measured one thread, weights in cache,
// the old and new loops alternated in one process: Q4_K 13 → 15 GB/s, Q5_K
// 13 → 15, Q6_K 14 → 20-23. A 512-bit variant (two chunks a register,
// activations paired to match) measured no faster on this CPU (its 512-bit
// integer multiplies issue on one port, the 256-bit ones on two) and was not
// kept.
//
// On two cores the Q4_K loop and the memory took turns (Q4_K matrices of a
// model streamed at 0.81 of the Q6_K ones' rate, whose loop has 1.46× the
// bytes per instruction), so port-5 work went: the scale bytes are unpacked
// in both 128-bit lanes and spread to words by two byte shuffles (was a
// widening, two unpacks and a lane permute), the float factors are broadcast
// from memory, and with GFNI (the kernels_avx512vnni_gfni.cpp family) each
// shift-and-mask of bits is one affine map (byte_bits). Q4_K: 60 vector
// instructions, ports 0/1/5 at 18/18/13 (llvm-mca; were 64, 19/19/19).
// Measured in Pythia-1.4B Q4_K_M decode, 2 threads, old and new alternated:
// Q4_K at 0.81 → 0.89 of the Q6_K rate without GFNI, 0.92 with it; decode
// 1.05× (median of 8 pairs).
//
// Only for the AVX kernel families (NEOX_CPU_QUANT_DECODE_K), included by
// quant_kernels.h (after its row-group walk, for_each_row_group).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "backend/cpu/kernels.h"
#include "core/quant_blocks.h"
#include "neox/dtype.h"

namespace neox::cpu {
namespace {

// Per 256-element superblock of one token's x[0..k) (k a multiple of 256):
// d = max|x| / 127, q = round(x / d) (nearest, ties to even) in [-127, 127],
// bsum16 = Σq of each 16 elements.
void quantize_acts_superblocks(const float* x, int64_t k, int8_t* q, float* d, int16_t* bsum16) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  const __m256i ones8 = _mm256_set1_epi8(1);
  const __m256i ones16 = _mm256_set1_epi16(1);
  for (int64_t b = 0; b < k / 256; ++b) {
    const float* xb = x + 256 * b;
    __m256 amax = _mm256_setzero_ps();
    for (int i = 0; i < 256; i += 8) amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, _mm256_loadu_ps(xb + i)));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    const float m = _mm_cvtss_f32(_mm_max_ss(m4, _mm_movehdup_ps(m4)));
    d[b] = m / 127.0f;
    const __m256 inv = _mm256_set1_ps(m > 0 ? 127.0f / m : 0.0f);
    for (int c = 0; c < 8; ++c) {  // 32 elements at a time
      __m256i v[4];
      for (int i = 0; i < 4; ++i) v[i] = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(xb + 32 * c + 8 * i), inv));
      // i32 → i8 (saturating; |v| ≤ 127 anyway), the packs' lane interleave undone.
      const __m256i bytes = _mm256_permutevar8x32_epi32(
          _mm256_packs_epi16(_mm256_packs_epi32(v[0], v[1]), _mm256_packs_epi32(v[2], v[3])), order);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + 256 * b + 32 * c), bytes);
      // Σ of each 4 bytes in 8 lanes (lanes 0-3: elements 0-15, 4-7: 16-31).
      alignas(32) int32_t s4[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(s4),
                         _mm256_madd_epi16(_mm256_maddubs_epi16(ones8, bytes), ones16));
      bsum16[16 * b + 2 * c] = static_cast<int16_t>(s4[0] + s4[1] + s4[2] + s4[3]);
      bsum16[16 * b + 2 * c + 1] = static_cast<int16_t>(s4[4] + s4[5] + s4[6] + s4[7]);
    }
  }
}

// acc + Σ pairs of p16·s16 (i16 lanes, pairs into i32).
inline __m256i madd_add(__m256i acc, __m256i p16, __m256i s16) {
#ifdef __AVX512VNNI__
  return _mm256_dpwssd_epi32(acc, p16, s16);
#else
  return _mm256_add_epi32(acc, _mm256_madd_epi16(p16, s16));
#endif
}

inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// The GF(2) affine map that moves bits [from, from + n) of a byte to
// [to, to + n) and clears the rest: output bit i is the parity of the input
// bits in matrix byte 7 − i (vgf2p8affineqb's definition).
constexpr uint64_t bit_move_matrix(int from, int to, int n) {
  uint64_t m = 0;
  for (int i = 0; i < n; ++i) m |= uint64_t{1} << (from + i) << (8 * (7 - (to + i)));
  return m;
}

// Bits [From, From + N) of each byte moved to [To, To + N), the other bits
// 0: one affine map where the CPU has GFNI, else a shift and a mask.
template <int From, int To, int N>
inline __m256i byte_bits(__m256i v) {
  const __m256i field = _mm256_set1_epi8(static_cast<char>(((1 << N) - 1) << To));
  if constexpr (From == To) {
    return _mm256_and_si256(v, field);
  } else {
#ifdef __GFNI__
    return _mm256_gf2p8affine_epi64_epi8(v, _mm256_set1_epi64x(static_cast<int64_t>(bit_move_matrix(From, To, N))), 0);
#else
    // 16-bit shifts: the mask drops what crossed from the neighbouring byte.
    if constexpr (To > From) return _mm256_and_si256(_mm256_slli_epi16(v, To - From), field);
    else return _mm256_and_si256(_mm256_srli_epi16(v, From - To), field);
#endif
  }
}

// One weight block decoded for the integer dot: codes u[8] of its 32-element
// chunks, the integer scales, and the float factors.
struct KBlock {
  __m256i u[8];
  const int32_t* sc;          // Q4_K/Q5_K: KScales::sc (chunk j's scale at j)
  __m256i s16_lo, s16_hi;     // Q6_K: the 16 half scales as i16, [s0..s7] / [s8..s15] in both 128-bit lanes
  __m256i s16;                // Q6_K: [s0..s15]; Q4_K/Q5_K: [m0, m0, m1, m1, .., m7, m7]
  __m128 d_dmin;              // [d, dmin, 0, 0] (Q6_K: [d, 0, 0, 0])
};

// Q4_K and Q5_K chunk scales, kept in memory apart from KBlock: the dot
// broadcasts them from there (a load each), and a barrier on KBlock itself
// would send its codes through memory too. Dword sc[j] holds chunk j's scale
// in both i16 halves.
struct KScales {
  alignas(32) int32_t sc[8];
};

// [sc0..sc7, m0..m7] as bytes, in both 128-bit lanes, from the 12 packed
// bytes of Q4_K/Q5_K scales and mins (quant::unpack_k4_scale_min's layout;
// 16 bytes are read). With dwords [A, B, C] of the packed bytes:
//   sc0-3 = A & 63, sc4-7 = (C & 15) | (A >> 6) << 4,
//   m0-3  = B & 63, m4-7  = (C >> 4) | (B >> 6) << 4     (per byte).
inline __m256i k4_scale_bytes(const uint8_t* packed) {
  const __m256i s = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(packed)));
  const __m256i acbc = _mm256_shuffle_epi32(s, _MM_SHUFFLE(2, 1, 2, 0));
  const __m256i low = _mm256_and_si256(_mm256_srlv_epi32(acbc, _mm256_setr_epi32(0, 0, 0, 4, 0, 0, 0, 4)),
                                       _mm256_setr_epi32(0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f,
                                                         0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f));
  const __m256i aabb = _mm256_shuffle_epi32(s, _MM_SHUFFLE(1, 1, 0, 0));
  return _mm256_or_si256(low, _mm256_and_si256(_mm256_srli_epi32(aabb, 2),
                                               _mm256_setr_epi32(0, 0x30303030, 0, 0x30303030,
                                                                 0, 0x30303030, 0, 0x30303030)));
}

// Dwords v | v << 16 of bytes first..first + 7 of each 128-bit lane (a
// shuffle index with its top bit set writes a zero byte).
inline __m256i k4_dup_words(__m256i bytes, char first) {
  const char z = static_cast<char>(0x80);
  auto at = [&](int i) { return static_cast<char>(first + i); };
  return _mm256_shuffle_epi8(bytes, _mm256_setr_epi8(at(0), z, at(0), z, at(1), z, at(1), z, at(2), z, at(2), z,
                                                     at(3), z, at(3), z, at(4), z, at(4), z, at(5), z, at(5), z,
                                                     at(6), z, at(6), z, at(7), z, at(7), z));
}

inline void k4_int_scales(const uint8_t* packed, KScales& scales, KBlock& b) {
  const __m256i bytes = k4_scale_bytes(packed);
  _mm256_store_si256(reinterpret_cast<__m256i*>(scales.sc), k4_dup_words(bytes, 0));  // sc0..sc7
  // Read back from memory: the compiler would otherwise broadcast each dword
  // from the register (two port-5 uops each); from memory it is a load.
  asm volatile("" : "+m"(scales));
  b.sc = scales.sc;
  b.s16 = k4_dup_words(bytes, 8);  // [m0, m0, m1, m1, .., m7, m7] as i16
}

template <DType T>
inline void decode_k_block(const uint8_t* p, KScales& scales, KBlock& b) {
  if constexpr (T == DType::Q4_K || T == DType::Q5_K) {
    const uint8_t* qs;
    if constexpr (T == DType::Q4_K) {
      const auto* q = reinterpret_cast<const quant::BlockQ4_K*>(p);
      qs = q->qs;
      b.d_dmin = _mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(load_u32(p))));  // d, dmin: the first 4 bytes
      k4_int_scales(q->scales, scales, b);
    } else {
      const auto* q = reinterpret_cast<const quant::BlockQ5_K*>(p);
      qs = q->qs;
      b.d_dmin = _mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(load_u32(p))));  // d, dmin: the first 4 bytes
      k4_int_scales(q->scales, scales, b);
    }
    // Chunk 2i: low nibbles of qs[32i..], chunk 2i+1: the high ones.
    for (int i = 0; i < 4; ++i) {
      const __m256i v = load256(qs + 32 * i);
      b.u[2 * i] = byte_bits<0, 0, 4>(v);
      b.u[2 * i + 1] = byte_bits<4, 0, 4>(v);
    }
    if constexpr (T == DType::Q5_K) {  // bit j of qh[l]: the fifth bit of chunk j's element l
      const __m256i qh = load256(reinterpret_cast<const quant::BlockQ5_K*>(p)->qh);
      b.u[0] = _mm256_or_si256(b.u[0], byte_bits<0, 4, 1>(qh));
      b.u[1] = _mm256_or_si256(b.u[1], byte_bits<1, 4, 1>(qh));
      b.u[2] = _mm256_or_si256(b.u[2], byte_bits<2, 4, 1>(qh));
      b.u[3] = _mm256_or_si256(b.u[3], byte_bits<3, 4, 1>(qh));
      b.u[4] = _mm256_or_si256(b.u[4], byte_bits<4, 4, 1>(qh));
      b.u[5] = _mm256_or_si256(b.u[5], byte_bits<5, 4, 1>(qh));
      b.u[6] = _mm256_or_si256(b.u[6], byte_bits<6, 4, 1>(qh));
      b.u[7] = _mm256_or_si256(b.u[7], byte_bits<7, 4, 1>(qh));
    }
  } else {
    static_assert(T == DType::Q6_K);
    const auto* q = reinterpret_cast<const quant::BlockQ6_K*>(p);
    // Chunk j = 4h + c: low nibble (c / 2) of ql[64h + 32(c % 2)..], bits
    // 2c, 2c + 1 of qh[32h..] as bits 4-5.
    for (int h = 0; h < 2; ++h) {
      const __m256i l0 = load256(q->ql + 64 * h), l1 = load256(q->ql + 64 * h + 32);
      const __m256i qh = load256(q->qh + 32 * h);
      b.u[4 * h + 0] = _mm256_or_si256(byte_bits<0, 0, 4>(l0), byte_bits<0, 4, 2>(qh));
      b.u[4 * h + 1] = _mm256_or_si256(byte_bits<0, 0, 4>(l1), byte_bits<2, 4, 2>(qh));
      b.u[4 * h + 2] = _mm256_or_si256(byte_bits<4, 0, 4>(l0), byte_bits<4, 4, 2>(qh));
      b.u[4 * h + 3] = _mm256_or_si256(byte_bits<4, 0, 4>(l1), byte_bits<6, 4, 2>(qh));
    }
    b.d_dmin = _mm_set_ss(_cvtsh_ss(q->d));
    b.s16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q->scales)));
    b.s16_lo = _mm256_permute2x128_si256(b.s16, b.s16, 0x00);
    b.s16_hi = _mm256_permute2x128_si256(b.s16, b.s16, 0x11);
  }
}

// Chunk j's two half scales (2j, 2j + 1 of the 8 in `scales`' 128-bit lanes)
// in the low and the high 128-bit lane.
inline __m256i half_scales(__m256i scales, int j) {
  const char a = static_cast<char>(4 * j), b = static_cast<char>(4 * j + 2);
  return _mm256_shuffle_epi8(scales, _mm256_setr_epi8(a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1, a,
                                                      a + 1, a, a + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1, b,
                                                      b + 1, b, b + 1, b, b + 1, b, b + 1));
}

// The integer part of one block against one token's activations of this
// superblock (q[256], bsum16[16]), as 8 i32 lanes to be summed. Two
// accumulator chains: one chain of 8 dependent vpdpwssd (5 cycles each)
// would hold the block for 40 cycles.
template <DType T>
inline __m256i k_block_dot(const KBlock& b, const int8_t* q, const int16_t* bsum16) {
  __m256i p[8], s[8];
  for (int j = 0; j < 8; ++j) {
    p[j] = _mm256_maddubs_epi16(b.u[j], load256(q + 32 * j));
    if constexpr (T == DType::Q6_K)
      s[j] = half_scales(j < 4 ? b.s16_lo : b.s16_hi, j % 4);
    else
      s[j] = _mm256_set1_epi32(b.sc[j]);
  }
  __m256i acc0 = _mm256_madd_epi16(p[0], s[0]), acc1 = _mm256_madd_epi16(p[1], s[1]);
  for (int j = 2; j < 8; j += 2) {
    acc0 = madd_add(acc0, p[j], s[j]);
    acc1 = madd_add(acc1, p[j + 1], s[j + 1]);
  }
  const __m256i acc = _mm256_add_epi32(acc0, acc1);
  if constexpr (T == DType::Q6_K)  // − 32 · Σ_i sc_i · Σq_i
    return _mm256_sub_epi32(acc, _mm256_slli_epi32(_mm256_madd_epi16(b.s16, load256(bsum16)), 5));
  return acc;
}

// Weight rows rows[0..S) against NT tokens of x starting at token t0:
// y[(t0 + t)*ldy + rows[i]] (+ bias). S rows at once: S memory streams.
template <DType T, int NT, int S>
inline void k_quant_row_group(const uint8_t* w, int64_t n_blocks, const int64_t* rows, const SuperblockActs& x,
                              int64_t t0, float* y, int64_t ldy, const float* bias, int64_t prefetch_bytes) {
  constexpr int64_t kBytes = T == DType::Q4_K ? 144 : T == DType::Q5_K ? 176 : 210;
  const uint8_t* row[S];
  __m256 acc[S][NT];
  for (int i = 0; i < S; ++i) {
    row[i] = w + rows[i] * n_blocks * kBytes;
    for (int t = 0; t < NT; ++t) acc[i][t] = _mm256_setzero_ps();
  }
  const int64_t k = n_blocks * 256;
  for (int64_t blk = 0; blk < n_blocks; ++blk) {
    __m128 dk[NT];  // [dk, −dk, 0, 0]: the activations' scale, for d and dmin
    for (int t = 0; t < NT; ++t) {
      const float d = x.d[(t0 + t) * n_blocks + blk];
      dk[t] = _mm_setr_ps(d, -d, 0.0f, 0.0f);
    }
    for (int i = 0; i < S; ++i) {
      const uint8_t* p = row[i] + blk * kBytes;
      _mm_prefetch(reinterpret_cast<const char*>(p + prefetch_bytes), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(p + prefetch_bytes + 64), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(p + prefetch_bytes + 128), _MM_HINT_T0);
      if constexpr (kBytes > 192) _mm_prefetch(reinterpret_cast<const char*>(p + prefetch_bytes + 192), _MM_HINT_T0);
      KBlock b;
      KScales scales;
      decode_k_block<T>(p, scales, b);
      for (int t = 0; t < NT; ++t) {
        const int64_t tok = t0 + t;
        // [d·dk, −dmin·dk], through memory: broadcast from there each is a
        // load (or the FMA's own operand), from the register a port-5 uop.
        alignas(16) float f[4];
        _mm_store_ps(f, _mm_mul_ps(b.d_dmin, dk[t]));
        asm volatile("" : "+m"(f));
        const int16_t* bsum = x.bsum16 + tok * (k / 16) + 16 * blk;
        const __m256i dot = k_block_dot<T>(b, x.q + tok * k + 256 * blk, bsum);
        acc[i][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(f[0]), acc[i][t]);
        if constexpr (T != DType::Q6_K) {  // − dmin·dk · Σ_j m_j · Σq_j
          const __m256i mins = _mm256_madd_epi16(b.s16, load256(bsum));
          acc[i][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(mins), _mm256_set1_ps(f[1]), acc[i][t]);
        }
      }
    }
  }
  for (int i = 0; i < S; ++i)
    for (int t = 0; t < NT; ++t)
      y[(t0 + t) * ldy + rows[i]] = Simd::acc8_sum(acc[i][t]) + (bias ? bias[rows[i]] : 0.0f);
}

// Rows [r0, r1) against NT tokens from t0, in groups of memory streams
// (for_each_row_group, quant_kernels.h).
template <DType T, int NT>
void k_quant_dot_tokens(const uint8_t* w, int64_t k, int64_t r0, int64_t r1, const SuperblockActs& x, int64_t t0,
                        float* y, int64_t ldy, const float* bias, int64_t prefetch_bytes) {
  for_each_row_group(r0, r1, [&]<int S>(const int64_t* rows) {
    k_quant_row_group<T, NT, S>(w, k / 256, rows, x, t0, y, ldy, bias, prefetch_bytes);
  });
}

template <DType T>
void k_quant_dot_rows_typed(const void* w, int64_t k, int64_t r0, int64_t r1, const SuperblockActs& x, int64_t n,
                            float* y, int64_t ldy, const float* bias, int64_t prefetch_bytes) {
  const auto* wb = static_cast<const uint8_t*>(w);
  int64_t t0 = 0;
  for (; t0 + 2 <= n; t0 += 2) k_quant_dot_tokens<T, 2>(wb, k, r0, r1, x, t0, y, ldy, bias, prefetch_bytes);
  if (t0 < n) k_quant_dot_tokens<T, 1>(wb, k, r0, r1, x, t0, y, ldy, bias, prefetch_bytes);
}

}  // namespace
}  // namespace neox::cpu
