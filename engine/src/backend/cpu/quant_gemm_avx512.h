// Prefill with block-quantized weights as an int8 matrix-matrix product, in
// 512-bit registers (the AVX-512 kernel families; vpdpbusd with VNNI).
//
// The activations of all n tokens are quantized once to 8 bits per 32
// elements (quantize_acts_avx512, as decode does). A thread takes a tile of
// weight rows, decodes it once into groups of 16 rows laid out one row per
// lane (decode_group, below), and runs every token against it, kGemmTokens
// at a time: vpdpbusd (or vpmaddubsw + vpmaddwd) of 16 rows' codes with a
// token's 4 broadcast activation bytes, 512 multiply-adds per 8 integer dot
// instructions and a few float ones per chunk (f32 FMAs do 16 each).
//
// Q8_0 codes are signed: the tile stores them +128 (unsigned, with offset
// −128·s) for vpdpbusd; without VNNI the i16 pair sums of vpmaddubsw would
// saturate on such codes, so that family leaves Q8_0 to the f32 tile path.
//
// Only for kernels_avx512*.cpp (which define NEOX_CPU_QUANT_GEMM_AVX512):
// kernel_templates.h includes it after quant_kernels.h, whose chunk decoders
// it uses.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "backend/cpu/kernels.h"

namespace neox::cpu {
namespace {

constexpr int kGemmTokens = 4;  // tokens per pass over a decoded group

#ifdef __AVX512VNNI__
constexpr bool kGemmUnsignedQ8 = true;
#else
constexpr bool kGemmUnsignedQ8 = false;
#endif

// Per 32-element chunk of one token, as quantize_acts (quant_kernels.h):
// dx = max|x| / 127, q = round-half-away(x / dx) clamped to ±127, and the
// per-half and per-chunk sums dsum = dx·Σq; same results, 16 lanes at a time.
void quantize_acts_avx512(const float* x, int64_t k, int8_t* q, float* d, float* d16, float* dsum16,
                          float* dsum32) {
  const __m512 sign_mask = _mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(0x80000000u)));
  const __m512 half = _mm512_set1_ps(0.5f);
  const __m512i lo = _mm512_set1_epi32(-127), hi = _mm512_set1_epi32(127);
  for (int64_t c = 0; c < k / 32; ++c) {
    const __m512 a = _mm512_loadu_ps(x + 32 * c), b = _mm512_loadu_ps(x + 32 * c + 16);
    const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(b)));
    const float dx = amax / 127.0f;
    const __m512 inv = _mm512_set1_ps(amax > 0 ? 127.0f / amax : 0.0f);
    __m512i qi[2];
    const __m512 halves[2] = {a, b};
    for (int h = 0; h < 2; ++h) {
      const __m512 r = _mm512_mul_ps(halves[h], inv);
      // r + copysign(0.5, r), truncated: round half away from zero.
      const __m512 rounded = _mm512_add_ps(r, _mm512_or_ps(half, _mm512_and_ps(r, sign_mask)));
      qi[h] = _mm512_min_epi32(_mm512_max_epi32(_mm512_cvttps_epi32(rounded), lo), hi);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(q + 32 * c + 16 * h), _mm512_cvtepi32_epi8(qi[h]));
    }
    const int32_t s0 = _mm512_reduce_add_epi32(qi[0]), s1 = _mm512_reduce_add_epi32(qi[1]);
    d[c] = d16[2 * c] = d16[2 * c + 1] = dx;
    dsum16[2 * c] = dx * static_cast<float>(s0);
    dsum16[2 * c + 1] = dx * static_cast<float>(s1);
    dsum32[c] = dx * static_cast<float>(s0 + s1);
  }
}

// Decoded tiles hold rows in groups of 16, one row per zmm lane: for chunk
// c and 4-element group g (8 per chunk) one zmm holds row i's codes
// 32c + 4g .. +4 in lane i. vpdpbusd of that with the token's 4 activation
// bytes broadcast to every lane adds each row's 4 products to its own lane,
// so one 32-element chunk is 8 integer dot instructions for 16 rows, and its
// scale and offset are one conversion, one product and two FMAs for all 16
// rows (the scales of the 16 rows sit in one vector too):
//     acc[i] += (Σ_g dot[i]) · s[i] · dx  +  b[i] · dsum.
// Per group, per chunk: codes[8][64] bytes, then for each of the kHalf
// halves (1, or 2 for the formats scaled per 16 elements) s[16] and b[16].
constexpr int kGroupRows = 16;

template <DType T>
constexpr int gemm_halves() {
  return QuantFormat<T>::kHalves ? 2 : 1;
}
template <DType T>
constexpr int64_t gemm_chunk_bytes() {
  return 512 + gemm_halves<T>() * 2 * 64;
}
// Bytes of one decoded group of 16 rows of k elements.
template <DType T>
constexpr int64_t gemm_group_bytes(int64_t k) {
  return k / 32 * gemm_chunk_bytes<T>();
}

// Decodes rows [row0, row0 + rows) of w (rows ≤ 16; missing rows are zero)
// into one group at `group`.
template <DType T>
void decode_group(const uint8_t* w, int64_t k, int64_t row0, int64_t rows, uint8_t* group) {
  using F = QuantFormat<T>;
  constexpr int kChunks = F::kElems / 32;
  constexpr int kScales = F::kHalves ? 2 * kChunks : kChunks;
  constexpr int kH = gemm_halves<T>();
  constexpr bool kShift = F::kSigned;  // Q8_0 codes are stored +128, with offset −128·s
  const int64_t n_blocks = k / F::kElems;
  const int64_t row_bytes = n_blocks * F::kBytes;
  if (rows < kGroupRows) std::memset(group, 0, static_cast<size_t>(gemm_group_bytes<T>(k)));
  for (int64_t i = 0; i < rows; ++i) {
    const uint8_t* row = w + (row0 + i) * row_bytes;
    for (int64_t blk = 0; blk < n_blocks; ++blk) {
      Bytes u[kChunks];
      alignas(32) float s[kScales], b[kScales];
      F::decode(row + blk * F::kBytes, u, s, b);
      for (int c = 0; c < kChunks; ++c) {
        uint8_t* chunk = group + (blk * kChunks + c) * gemm_chunk_bytes<T>();
        Bytes code = u[c];
        if constexpr (kShift) code = _mm256_xor_si256(code, _mm256_set1_epi8(static_cast<char>(0x80)));
        alignas(32) uint32_t words[8];
        Simd::store32(reinterpret_cast<uint8_t*>(words), code);
        for (int g = 0; g < 8; ++g) std::memcpy(chunk + 64 * g + 4 * i, &words[g], 4);
        float* sb = reinterpret_cast<float*>(chunk + 512);
        for (int h = 0; h < kH; ++h) {
          const int j = F::kHalves ? 2 * c + h : c;
          sb[32 * h + i] = s[j];
          sb[32 * h + 16 + i] = kShift ? b[j] - 128.0f * s[j] : b[j];
        }
      }
    }
  }
}

inline __m512i dot4_bcast(__m512i acc, __m512i u, const int8_t* x4) {
  int32_t four;
  std::memcpy(&four, x4, 4);
  const __m512i xv = _mm512_set1_epi32(four);
#ifdef __AVX512VNNI__
  return _mm512_dpbusd_epi32(acc, u, xv);
#else
  return _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maddubs_epi16(u, xv), _mm512_set1_epi16(1)));
#endif
}

// One decoded group against NT tokens from t0: y[(t0 + t)*ldy + r0 + i] for
// the group's `rows` valid rows (+ bias).
template <DType T, int NT>
inline void gemm_group_tokens(const uint8_t* group, int64_t k, const QuantizedActs& x, int64_t t0, int64_t r0,
                              int64_t rows, float* y, int64_t ldy, const float* bias) {
  constexpr int kH = gemm_halves<T>();
  __m512 acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = _mm512_setzero_ps();
  const int8_t* xq = x.q + t0 * k;
  const float* xd = kH == 2 ? x.d16 + t0 * (k / 16) : x.d + t0 * (k / 32);
  const float* xs = kH == 2 ? x.dsum16 + t0 * (k / 16) : x.dsum32 + t0 * (k / 32);
  const int64_t ld_scale = k / 32 * kH;  // per token
  for (int64_t c = 0; c < k / 32; ++c) {
    const uint8_t* chunk = group + c * gemm_chunk_bytes<T>();
    const float* sb = reinterpret_cast<const float*>(chunk + 512);
    for (int h = 0; h < kH; ++h) {
      constexpr int kG = 8 / kH;  // 4-element groups per scale
      __m512i u[kG];
      for (int g = 0; g < kG; ++g) u[g] = _mm512_loadu_si512(chunk + 64 * (kG * h + g));
      const __m512 s = _mm512_loadu_ps(sb + 32 * h), b = _mm512_loadu_ps(sb + 32 * h + 16);
      for (int t = 0; t < NT; ++t) {
        const int8_t* xt = xq + t * k + 32 * c + 4 * kG * h;
        __m512i dot = _mm512_setzero_si512();
        for (int g = 0; g < kG; ++g) dot = dot4_bcast(dot, u[g], xt + 4 * g);
        const int64_t j = t * ld_scale + c * kH + h;
        acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(s, _mm512_set1_ps(xd[j])), acc[t]);
        acc[t] = _mm512_fmadd_ps(b, _mm512_set1_ps(xs[j]), acc[t]);
      }
    }
  }
  const __mmask16 valid = static_cast<__mmask16>((1u << rows) - 1);
  const __m512 bv = bias ? _mm512_maskz_loadu_ps(valid, bias + r0) : _mm512_setzero_ps();
  for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + (t0 + t) * ldy + r0, valid, _mm512_add_ps(acc[t], bv));
}

template <DType T>
void quant_gemm_typed(const void* w, int64_t k, int64_t r0, int64_t r1, const QuantizedActs& x, int64_t n, float* y,
                      int64_t ldy, const float* bias, float* scratch) {
  auto* tile = reinterpret_cast<uint8_t*>(scratch);
  const int64_t n_groups = (r1 - r0 + kGroupRows - 1) / kGroupRows;
  for (int64_t gi = 0; gi < n_groups; ++gi) {
    const int64_t g0 = r0 + gi * kGroupRows;
    decode_group<T>(static_cast<const uint8_t*>(w), k, g0, std::min<int64_t>(kGroupRows, r1 - g0),
                    tile + gi * gemm_group_bytes<T>(k));
  }
  // Tokens outside, groups inside: the tile (in L2) streams past a block of
  // kGemmTokens tokens' activations (in L1).
  for (int64_t t0 = 0; t0 < n; t0 += kGemmTokens) {
    const int64_t nt = std::min<int64_t>(kGemmTokens, n - t0);
    for (int64_t gi = 0; gi < n_groups; ++gi) {
      const int64_t g0 = r0 + gi * kGroupRows;
      const int64_t rows = std::min<int64_t>(kGroupRows, r1 - g0);
      const uint8_t* group = tile + gi * gemm_group_bytes<T>(k);
      switch (nt) {
        case kGemmTokens:
          gemm_group_tokens<T, kGemmTokens>(group, k, x, t0, g0, rows, y, ldy, bias);
          break;
        case 3:
          gemm_group_tokens<T, 3>(group, k, x, t0, g0, rows, y, ldy, bias);
          break;
        case 2:
          gemm_group_tokens<T, 2>(group, k, x, t0, g0, rows, y, ldy, bias);
          break;
        default:
          gemm_group_tokens<T, 1>(group, k, x, t0, g0, rows, y, ldy, bias);
          break;
      }
    }
  }
}

// False for a type or shape this path does not take (the caller then
// expands weights to f32).
bool quant_gemm(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const QuantizedActs& x, int64_t n,
                float* y, int64_t ldy, const float* bias, float* scratch) {
  if (k % 64) return false;
  if (r0 == r1) {  // the caller asks whether we take it
    switch (wtype) {
      case DType::Q4_0: case DType::Q4_1: case DType::Q5_0: case DType::Q5_1: case DType::Q2_K:
      case DType::Q3_K: case DType::Q4_K: case DType::Q5_K: case DType::Q6_K:
        return true;
      case DType::Q8_0:
        return kGemmUnsignedQ8;
      default:
        return false;
    }
  }
  switch (wtype) {
    case DType::Q4_0:
      return quant_gemm_typed<DType::Q4_0>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q4_1:
      return quant_gemm_typed<DType::Q4_1>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q5_0:
      return quant_gemm_typed<DType::Q5_0>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q5_1:
      return quant_gemm_typed<DType::Q5_1>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q8_0:
      if (!kGemmUnsignedQ8) return false;
      return quant_gemm_typed<DType::Q8_0>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q2_K:
      return quant_gemm_typed<DType::Q2_K>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q3_K:
      return quant_gemm_typed<DType::Q3_K>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q4_K:
      return quant_gemm_typed<DType::Q4_K>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q5_K:
      return quant_gemm_typed<DType::Q5_K>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    case DType::Q6_K:
      return quant_gemm_typed<DType::Q6_K>(w, k, r0, r1, x, n, y, ldy, bias, scratch), true;
    default:
      return false;
  }
}

}  // namespace
}  // namespace neox::cpu
