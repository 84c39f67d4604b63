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

#include "backend/cpu/simd_avx_quant.h"
#include "neox/cpu_features.h"

namespace neox::cpu {
namespace {

struct Simd : AvxQuantOps {
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

  // Two 32-element chunks of quantized weights at once (quant_kernels.h): 16
  // float lanes, lanes 0-7 for chunk u0, 8-15 for u1, 4 elements each.
  static constexpr bool kWideQuantDot = true;
  using Acc16 = __m512;
  static Acc16 acc16_zero() { return _mm512_setzero_ps(); }
  static float acc16_sum(Acc16 a) { return _mm512_reduce_add_ps(a); }
  // acc += per-group dots of [u0 | u1] with x[0..64), times the weight ×
  // activation scales at ws: 2 (one per chunk) or, kHalves, 4 (one per half).
  template <bool kSigned, bool kHalves>
  static Acc16 qdot2(__m256i u0, __m256i u1, const int8_t* x, const float* ws, Acc16 acc) {
    __m512i u = _mm512_inserti64x4(_mm512_castsi256_si512(u0), u1, 1);
    __m512i xv = _mm512_loadu_si512(x);
    if constexpr (kSigned) {  // |u| and x with u's sign (no vpsignb on zmm)
      xv = _mm512_mask_sub_epi8(xv, _mm512_movepi8_mask(u), _mm512_setzero_si512(), xv);
      u = _mm512_abs_epi8(u);
    }
#ifdef __AVX512VNNI__
    const __m512i dot = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u, xv);
#else
    const __m512i dot = _mm512_madd_epi16(_mm512_maddubs_epi16(u, xv), _mm512_set1_epi16(1));
#endif
    __m512 scale;
    if constexpr (kHalves) {
      scale = _mm512_permutexvar_ps(_mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0),
                                    _mm512_castps128_ps512(_mm_loadu_ps(ws)));
    } else {
      scale = _mm512_permutexvar_ps(_mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
                                    _mm512_castps128_ps512(_mm_castpd_ps(_mm_load_sd(reinterpret_cast<const double*>(ws)))));
    }
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), scale, acc);
  }

  static float f16_1(uint16_t h) { return _cvtsh_ss(h); }
  static float bf16_1(uint16_t b) { return _mm_cvtss_f32(_mm_castsi128_ps(_mm_cvtsi32_si128(int(b) << 16))); }

};

}  // namespace
}  // namespace neox::cpu
