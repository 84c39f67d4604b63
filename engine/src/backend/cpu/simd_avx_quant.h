// Quantized-weight operations (quant_chunks.h, quant_kernels.h) in 256-bit
// registers, shared by the AVX2 and AVX-512 kernel families: 32 code bytes in
// a ymm, 8 float lanes (lane g: 4-element group g of a chunk). Compiled with
// -mavx512vnni (kernels_avx512vnni.cpp) the byte dot products are vpdpbusd.
// Only for simd_avx2.h and simd_avx512.h.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace neox::cpu {
namespace {

struct AvxQuantOps {
  using Bytes = __m256i;
  using Acc8 = __m256;

  // Low nibbles of p[0..16) to bytes 0-15, high nibbles to bytes 16-31.
  static Bytes nibbles16(const uint8_t* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i m = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(v, 4), m), _mm_and_si128(v, m));
  }
  // (p[i] >> shift) & mask for 32 bytes (16-bit shifts: the mask drops what
  // crossed from the neighbouring byte).
  static Bytes bits32(const uint8_t* p, int shift, uint8_t mask) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return _mm256_and_si256(_mm256_srli_epi16(v, shift), _mm256_set1_epi8(static_cast<char>(mask)));
  }
  static Bytes load32(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  // Byte i = bit i of h: byte i/8 of h spread to 8 bytes, tested against 1 << (i % 8).
  static Bytes bit_bytes(uint32_t h) {
    const __m256i spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32(static_cast<int>(h)),
        _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000));
    const __m256i bit = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ULL));
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit), _mm256_set1_epi8(1));
  }
  static Bytes or_(Bytes a, Bytes b) { return _mm256_or_si256(a, b); }
  // a << n per byte; callers keep values below 2^(8-n) so no bit crosses a byte.
  static Bytes shl(Bytes a, int n) { return _mm256_slli_epi16(a, n); }
  static void store32(uint8_t* p, Bytes a) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), a); }

  static Acc8 acc8_zero() { return _mm256_setzero_ps(); }
  static Acc8 acc8_set1(float s) { return _mm256_set1_ps(s); }
  // [s0 ×4, s1 ×4]: one scale per 16-element half of a chunk.
  static Acc8 acc8_set2(float s0, float s1) { return _mm256_set_m128(_mm_set1_ps(s1), _mm_set1_ps(s0)); }
  static Acc8 acc8_load(const float* p) { return _mm256_loadu_ps(p); }
  static Acc8 acc8_fma(Acc8 a, Acc8 b, Acc8 c) { return _mm256_fmadd_ps(a, b, c); }
  static Acc8 acc8_add(Acc8 a, Acc8 b) { return _mm256_add_ps(a, b); }
  static Acc8 acc8_mul(Acc8 a, Acc8 b) { return _mm256_mul_ps(a, b); }
  static void acc8_store(float* p, Acc8 a) { _mm256_storeu_ps(p, a); }
  // 8 bytes at p as floats, unsigned or signed.
  static Acc8 acc8_from_u8(const uint8_t* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
  }
  static Acc8 acc8_from_i8(const int8_t* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
  }
  // [p[0] ×8] and [p[0] ×4, p[1] ×4], straight from memory.
  static Acc8 acc8_bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Acc8 acc8_bcast2(const float* p) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_broadcast_ss(p)), _mm_broadcast_ss(p + 1), 1);
  }

  // 8 lanes of Σ_{j<4} u[4g+j]·x[4g+j], u unsigned ≤ 128, |x| ≤ 127 (pairs
  // stay below i16 saturation).
  static __m256i dot4_u8s8(__m256i u, __m256i x) {
#ifdef __AVX512VNNI__  // one instruction, no i16 intermediate
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, x);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1));
#endif
  }
  // acc[g] += (Σ_{j<4} u[4g+j]·x[4g+j]) · scale[g]; u unsigned bytes, or
  // signed ones when kSigned (then |u| and x with u's sign: the byte product
  // instructions want their first operand unsigned).
  template <bool kSigned>
  static Acc8 qdot(Bytes u, const int8_t* x, Acc8 scale, Acc8 acc) {
    __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
    if constexpr (kSigned) {
      xv = _mm256_sign_epi8(xv, u);
      u = _mm256_abs_epi8(u);
    }
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot4_u8s8(u, xv)), scale, acc);
  }
  static float acc8_sum(Acc8 a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

}  // namespace
}  // namespace neox::cpu
