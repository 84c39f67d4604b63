// 16 floats in a zmm register: the AVX-512 (F/BW/VL/DQ) kernel family. Only
// for files named *_avx512.cpp, which get the matching -m flags.
#pragma once

// GCC 12's own AVX-512 headers build vectors from _mm512_undefined_*(), which
// its -Wuninitialized then reports at every use; the warning is about the
// compiler's headers, not our code.
#if defined(__GNUC__) && !defined(__clang__)  // clang has no -Wmaybe-uninitialized
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#include <cstdint>

#include "neox/cpu_features.h"

namespace neox::cpu {
namespace {

struct Simd {
  using Reg = __m512;
  static constexpr int kWidth = 16;
  static constexpr int kTokens = 4;  // 4×6 accumulators of 32 zmm
  static constexpr int kRows = 6;
  static constexpr CpuIsa kIsa = CpuIsa::kAvx512;

  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg set1(float v) { return _mm512_set1_ps(v); }
  static Reg load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Reg v) { _mm512_storeu_ps(p, v); }
  static Reg load_f16(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static Reg load_bf16(const uint16_t* p) {
    __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
  }
  static Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_ps(a, b); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
  static float reduce_add(Reg a) { return _mm512_reduce_add_ps(a); }

  static float f16_1(uint16_t h) { return _cvtsh_ss(h); }
  static float bf16_1(uint16_t b) { return _mm_cvtss_f32(_mm_castsi128_ps(_mm_cvtsi32_si128(int(b) << 16))); }

  // Quantized dot products (quant_kernels.h): 8 float lanes, lane g holding
  // the 4-element group g of a 32-element chunk.
  using Acc8 = __m256;
  static Acc8 acc8_zero() { return _mm256_setzero_ps(); }
  // [s0 ×4, s1 ×4]: the weight scale of each group (s0 for elements 0-15).
  static Acc8 acc8_scales(float s0, float s1) { return _mm256_set_m128(_mm_set1_ps(s1), _mm_set1_ps(s0)); }
  // 8 lanes of Σ_{j<4} u[4g+j]·x[4g+j], u unsigned ≤ 128, |x| ≤ 127 (pairs stay below i16 saturation).
  static __m256i dot4_u8s8(__m256i u, __m256i x) {
#ifdef __AVX512VNNI__  // kernels_avx512vnni.cpp: one instruction, no i16 intermediate
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, x);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1));
#endif
  }
  // acc[g] += (Σ_{j<4} u[4g+j]·x[4g+j]) · ws[g] · dx; u unsigned bytes, or
  // signed ones when kSigned (then |u| and x with u's sign: maddubs wants
  // its first operand unsigned).
  template <bool kSigned>
  static Acc8 qdot32(const uint8_t* u, const int8_t* x, Acc8 ws, float dx, Acc8 acc) {
    __m256i uv = _mm256_load_si256(reinterpret_cast<const __m256i*>(u));
    __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
    if constexpr (kSigned) {
      xv = _mm256_sign_epi8(xv, uv);
      uv = _mm256_abs_epi8(uv);
    }
    const __m256 f = _mm256_cvtepi32_ps(dot4_u8s8(uv, xv));
    return _mm256_fmadd_ps(f, _mm256_mul_ps(ws, _mm256_set1_ps(dx)), acc);
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
