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
  static Reg div(Reg a, Reg b) { return _mm512_div_ps(a, b); }
  static Reg abs(Reg a) { return _mm512_abs_ps(a); }
  // |magnitude| with the sign of `sign`.
  static Reg copy_sign(Reg magnitude, Reg sign) {
    const __m512 s = _mm512_set1_ps(-0.0f);
    return _mm512_or_ps(_mm512_andnot_ps(s, magnitude), _mm512_and_ps(s, sign));
  }
  static float reduce_add(Reg a) { return _mm512_reduce_add_ps(a); }
  // out[c] = Σ lanes of a[c], c < 4: the four reductions share their
  // shuffles (13 instructions where four reduce_add take ~32). Per 128-bit
  // lane: unpacks pair a0/a1 and a2/a3, then [Σa0, Σa1, Σa2, Σa3]; then the
  // four lanes are added.
  static void reduce_add4(const Reg* a, float* out) {
    const __m512 ab = _mm512_add_ps(_mm512_unpacklo_ps(a[0], a[1]), _mm512_unpackhi_ps(a[0], a[1]));
    const __m512 cd = _mm512_add_ps(_mm512_unpacklo_ps(a[2], a[3]), _mm512_unpackhi_ps(a[2], a[3]));
    const __m512d abd = _mm512_castps_pd(ab), cdd = _mm512_castps_pd(cd);
    const __m512 abcd = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(abd, cdd)),
                                      _mm512_castpd_ps(_mm512_unpackhi_pd(abd, cdd)));
    const __m256 half = _mm256_add_ps(_mm512_castps512_ps256(abcd),
                                      _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(abcd), 1)));
    _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(half), _mm256_extractf128_ps(half, 1)));
  }
  static Reg max(Reg a, Reg b) { return _mm512_max_ps(a, b); }
  static float reduce_max(Reg a) { return _mm512_reduce_max_ps(a); }
  // For exp_nonpositive (kernel_templates.h): x rounded to the nearest
  // integer, and 2^n for integral n in [-126, 127].
  static Reg round_nearest(Reg x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static Reg pow2_int(Reg n) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
  }

  static void store_f16(uint16_t* p, Reg v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
  }
  static float f16_1(uint16_t h) { return _cvtsh_ss(h); }
  static uint16_t to_f16_1(float f) { return _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT); }
  static float bf16_1(uint16_t b) { return _mm_cvtss_f32(_mm_castsi128_ps(_mm_cvtsi32_si128(int(b) << 16))); }

};

}  // namespace
}  // namespace neox::cpu
