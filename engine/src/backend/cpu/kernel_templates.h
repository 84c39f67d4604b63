// The CPU kernels, written once over a SIMD traits struct `Simd` (one of
// simd_scalar.h, simd_avx2.h, simd_avx512.h) and compiled once per
// instruction set by kernels_<isa>.cpp. Everything here has internal linkage
// (anonymous namespace): inline code compiled with AVX-512 flags must never
// be merged by the linker into the scalar family. For the same reason the
// math calls are compiler builtins, not the inline std:: wrappers (which an
// -O0 build emits out of line, compiled with this file's -m flags).
//
// Not for inclusion anywhere else: include a simd_<isa>.h first.
#pragma once

#include <cmath>
#include <cstdint>

#include "backend/cpu/kernels.h"
#include "backend/cpu/quant_kernels.h"
#ifdef NEOX_CPU_QUANT_GEMM_AVX512
#include "backend/cpu/quant_gemm_avx512.h"
#endif

namespace neox::cpu {
namespace {

using Reg = Simd::Reg;
constexpr int kW = Simd::kWidth;

// How far ahead of the loads the weight prefetches run.
constexpr int64_t kPrefetchBytes = 512;

inline int64_t min_i64(int64_t a, int64_t b) { return a < b ? a : b; }

// Reads weights of element type D as f32: W lanes at element i, or one.
template <DType D>
struct Weights;
template <>
struct Weights<DType::F32> {
  static constexpr int64_t kBytes = 4;
  static Reg load(const void* w, int64_t i) { return Simd::load(static_cast<const float*>(w) + i); }
  static float one(const void* w, int64_t i) { return static_cast<const float*>(w)[i]; }
};
template <>
struct Weights<DType::F16> {
  static constexpr int64_t kBytes = 2;
  static Reg load(const void* w, int64_t i) { return Simd::load_f16(static_cast<const uint16_t*>(w) + i); }
  static float one(const void* w, int64_t i) { return Simd::f16_1(static_cast<const uint16_t*>(w)[i]); }
};
template <>
struct Weights<DType::BF16> {
  static constexpr int64_t kBytes = 2;
  static Reg load(const void* w, int64_t i) { return Simd::load_bf16(static_cast<const uint16_t*>(w) + i); }
  static float one(const void* w, int64_t i) { return Simd::bf16_1(static_cast<const uint16_t*>(w)[i]); }
};

// The register-blocked microkernel: NT tokens × R weight rows, each a
// W-lane fp32 accumulator over k, reduced across lanes at the end.
// Per step: R weight loads + NT activation loads feed NT·R FMAs.
template <DType D, int NT, int R>
void dot_block(const void* w, int64_t k, int64_t r, const float* x, int64_t ldx, float* y,
               int64_t ldy, const float* bias) {
  Reg acc[NT][R];
  for (int t = 0; t < NT; ++t)
    for (int j = 0; j < R; ++j) acc[t][j] = Simd::zero();
  const int64_t k_vec = k - k % kW;
  for (int64_t kk = 0; kk < k_vec; kk += kW) {
    Reg wv[R];
    for (int j = 0; j < R; ++j) {
      // Decode reads each weight once: ask for the next lines early so R
      // streams stay in flight (hardware prefetch alone leaves F16 at ~60%).
      __builtin_prefetch(static_cast<const char*>(w) + ((r + j) * k + kk) * Weights<D>::kBytes + kPrefetchBytes);
      wv[j] = Weights<D>::load(w, (r + j) * k + kk);
    }
    for (int t = 0; t < NT; ++t) {
      Reg xv = Simd::load(x + t * ldx + kk);
      for (int j = 0; j < R; ++j) acc[t][j] = Simd::fma(xv, wv[j], acc[t][j]);
    }
  }
  for (int t = 0; t < NT; ++t) {
    for (int j = 0; j < R; ++j) {
      float s = Simd::reduce_add(acc[t][j]);
      for (int64_t kk = k_vec; kk < k; ++kk) s += x[t * ldx + kk] * Weights<D>::one(w, (r + j) * k + kk);
      if (bias) s += bias[r + j];
      y[t * ldy + r + j] = s;
    }
  }
}

template <DType D, int NT>
void dot_rows_nt(const void* w, int64_t k, int64_t r0, int64_t r1, const float* x, int64_t ldx,
                 float* y, int64_t ldy, const float* bias) {
  int64_t r = r0;
  for (; r + Simd::kRows <= r1; r += Simd::kRows) dot_block<D, NT, Simd::kRows>(w, k, r, x, ldx, y, ldy, bias);
  for (; r < r1; ++r) dot_block<D, NT, 1>(w, k, r, x, ldx, y, ldy, bias);
}

// Token blocks of up to kTokens outside, rows inside: a block of activations
// stays in L1 while the weight rows stream past it.
template <DType D>
void dot_rows_typed(const void* w, int64_t k, int64_t r0, int64_t r1, const float* x, int64_t ldx,
                    int64_t n, float* y, int64_t ldy, const float* bias) {
  static_assert(Simd::kTokens >= 1 && Simd::kTokens <= 4);
  for (int64_t t0 = 0; t0 < n; t0 += Simd::kTokens) {
    const float* xb = x + t0 * ldx;
    float* yb = y + t0 * ldy;
    switch (min_i64(Simd::kTokens, n - t0)) {
      case 1:
        dot_rows_nt<D, 1>(w, k, r0, r1, xb, ldx, yb, ldy, bias);
        break;
      case 2:
        if constexpr (Simd::kTokens >= 2) dot_rows_nt<D, 2>(w, k, r0, r1, xb, ldx, yb, ldy, bias);
        break;
      case 3:
        if constexpr (Simd::kTokens >= 3) dot_rows_nt<D, 3>(w, k, r0, r1, xb, ldx, yb, ldy, bias);
        break;
      default:
        if constexpr (Simd::kTokens >= 4) dot_rows_nt<D, 4>(w, k, r0, r1, xb, ldx, yb, ldy, bias);
        break;
    }
  }
}

void dot_rows(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const float* x,
              int64_t ldx, int64_t n, float* y, int64_t ldy, const float* bias) {
  switch (wtype) {
    case DType::F16:
      return dot_rows_typed<DType::F16>(w, k, r0, r1, x, ldx, n, y, ldy, bias);
    case DType::BF16:
      return dot_rows_typed<DType::BF16>(w, k, r0, r1, x, ldx, n, y, ldy, bias);
    default:
      return dot_rows_typed<DType::F32>(w, k, r0, r1, x, ldx, n, y, ldy, bias);
  }
}

template <DType D>
void to_f32_typed(const void* src, float* dst, int64_t n) {
  const int64_t n_vec = n - n % kW;
  for (int64_t i = 0; i < n_vec; i += kW) Simd::store(dst + i, Weights<D>::load(src, i));
  for (int64_t i = n_vec; i < n; ++i) dst[i] = Weights<D>::one(src, i);
}

void to_f32(DType type, const void* src, float* dst, int64_t n) {
  switch (type) {
    case DType::F16:
      return to_f32_typed<DType::F16>(src, dst, n);
    case DType::BF16:
      return to_f32_typed<DType::BF16>(src, dst, n);
    default:
      if (to_f32_quant(type, src, dst, n)) return;
      return to_f32_typed<DType::F32>(src, dst, n);
  }
}

float sum(const float* x, int64_t n) {
  Reg acc0 = Simd::zero(), acc1 = Simd::zero();
  int64_t i = 0;
  for (; i + 2 * kW <= n; i += 2 * kW) {
    acc0 = Simd::add(acc0, Simd::load(x + i));
    acc1 = Simd::add(acc1, Simd::load(x + i + kW));
  }
  for (; i + kW <= n; i += kW) acc0 = Simd::add(acc0, Simd::load(x + i));
  float s = Simd::reduce_add(Simd::add(acc0, acc1));
  for (; i < n; ++i) s += x[i];
  return s;
}

float dot(const float* a, const float* b, int64_t n) {
  Reg acc0 = Simd::zero(), acc1 = Simd::zero();
  int64_t i = 0;
  for (; i + 2 * kW <= n; i += 2 * kW) {
    acc0 = Simd::fma(Simd::load(a + i), Simd::load(b + i), acc0);
    acc1 = Simd::fma(Simd::load(a + i + kW), Simd::load(b + i + kW), acc1);
  }
  for (; i + kW <= n; i += kW) acc0 = Simd::fma(Simd::load(a + i), Simd::load(b + i), acc0);
  float s = Simd::reduce_add(Simd::add(acc0, acc1));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// Σ (x - mean)²
float sum_squared_deviation(const float* x, float mean, int64_t n) {
  Reg m = Simd::set1(mean);
  Reg acc0 = Simd::zero(), acc1 = Simd::zero();
  int64_t i = 0;
  for (; i + 2 * kW <= n; i += 2 * kW) {
    Reg d0 = Simd::sub(Simd::load(x + i), m);
    Reg d1 = Simd::sub(Simd::load(x + i + kW), m);
    acc0 = Simd::fma(d0, d0, acc0);
    acc1 = Simd::fma(d1, d1, acc1);
  }
  for (; i + kW <= n; i += kW) {
    Reg d = Simd::sub(Simd::load(x + i), m);
    acc0 = Simd::fma(d, d, acc0);
  }
  float s = Simd::reduce_add(Simd::add(acc0, acc1));
  for (; i < n; ++i) s += (x[i] - mean) * (x[i] - mean);
  return s;
}

void layer_norm_row(const float* x, const float* gamma, const float* beta, float eps, int64_t d,
                    float* out) {
  const float mean = sum(x, d) / static_cast<float>(d);
  const float var = sum_squared_deviation(x, mean, d) / static_cast<float>(d);
  const float rstd = 1.0f / __builtin_sqrtf(var + eps);
  Reg m = Simd::set1(mean), rs = Simd::set1(rstd);
  int64_t i = 0;
  for (; i + kW <= d; i += kW) {
    Reg normed = Simd::mul(Simd::sub(Simd::load(x + i), m), rs);
    Simd::store(out + i, Simd::fma(normed, Simd::load(gamma + i), Simd::load(beta + i)));
  }
  for (; i < d; ++i) out[i] = (x[i] - mean) * rstd * gamma[i] + beta[i];
}

// out[0..n) += a * x[0..n)
void axpy(float a, const float* x, float* out, int64_t n) {
  Reg av = Simd::set1(a);
  int64_t i = 0;
  for (; i + kW <= n; i += kW) Simd::store(out + i, Simd::fma(av, Simd::load(x + i), Simd::load(out + i)));
  for (; i < n; ++i) out[i] += a * x[i];
}

void attend_row(const float* q, const float* k, const float* v, int64_t ld, int64_t n_keys,
                int64_t hd, float scale, float* scores, float* out) {
  float max_score = -INFINITY;
  for (int64_t t = 0; t < n_keys; ++t) {
    float s = dot(q, k + t * ld, hd) * scale;
    scores[t] = s;
    max_score = s > max_score ? s : max_score;
  }
  float total = 0.0f;
  for (int64_t t = 0; t < n_keys; ++t) {
    float p = __builtin_expf(scores[t] - max_score);
    scores[t] = p;
    total += p;
  }
  for (int64_t i = 0; i < hd; ++i) out[i] = 0.0f;
  const float inv_total = 1.0f / total;
  for (int64_t t = 0; t < n_keys; ++t) axpy(scores[t] * inv_total, v + t * ld, out, hd);
}

void add(float* y, const float* x, int64_t n) {
  int64_t i = 0;
  for (; i + kW <= n; i += kW) Simd::store(y + i, Simd::add(Simd::load(y + i), Simd::load(x + i)));
  for (; i < n; ++i) y[i] += x[i];
}

#ifdef __AVX512VNNI__
constexpr bool kVnni = true;
#else
constexpr bool kVnni = false;
#endif

#ifdef NEOX_CPU_QUANT_GEMM_AVX512
constexpr auto kQuantizeActs = &quantize_acts_avx512;
constexpr auto kQuantGemm = &quant_gemm;
#else
constexpr auto kQuantizeActs = &quantize_acts;
constexpr decltype(Kernels::quant_gemm) kQuantGemm = nullptr;
#endif

constexpr Kernels kKernels = {
    Simd::kIsa,      kVnni,       Simd::kTokens, &dot_rows, &to_f32, kQuantizeActs, &quant_dot_rows, kQuantGemm,
    &layer_norm_row, &attend_row, &add,
};

}  // namespace
}  // namespace neox::cpu
