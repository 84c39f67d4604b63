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

// ---- Prefill with F32/F16/BF16 (or, without quant_gemm, quantized) weights ----
// Outer products over a packed panel: a group of kPanelRows weight rows is
// converted to f32 once and stored k-major (panel[kk][r]), so each k step
// loads kPanelRegs registers of weights and broadcasts one activation per
// token: kPanelTokens × kPanelRegs FMAs with no horizontal sums, the panel
// (k × kPanelRows floats) hot in L2 for every token block.
constexpr int kPanelRegs = 2;
constexpr int64_t kPanelRows = kPanelRegs * kW;
// Accumulators fill the register file (kPanelTokens·2 + 3 of 32 zmm, of 16 ymm).
// Measured against 4 registers × 6 tokens: 10-15% faster on AVX-512.
constexpr int kPanelTokens = kW >= 16 ? 12 : (kW == 8 ? 6 : 4);

// y[t*ldy + r0 + j] (+ bias) for T tokens of x and the panel's `rows` rows.
template <int T>
void panel_block(const float* panel, int64_t k, const float* x, int64_t ldx, float* y, int64_t ldy,
                 int64_t r0, int64_t rows, const float* bias) {
  Reg acc[T][kPanelRegs];
  for (int t = 0; t < T; ++t)
    for (int j = 0; j < kPanelRegs; ++j) acc[t][j] = Simd::zero();
  for (int64_t kk = 0; kk < k; ++kk) {
    Reg wv[kPanelRegs];
    for (int j = 0; j < kPanelRegs; ++j) wv[j] = Simd::load(panel + kk * kPanelRows + j * kW);
    for (int t = 0; t < T; ++t) {
      const Reg xb = Simd::set1(x[t * ldx + kk]);
      for (int j = 0; j < kPanelRegs; ++j) acc[t][j] = Simd::fma(xb, wv[j], acc[t][j]);
    }
  }
  alignas(64) float out[kPanelRows];
  for (int t = 0; t < T; ++t) {
    for (int j = 0; j < kPanelRegs; ++j) Simd::store(out + j * kW, acc[t][j]);
    float* yt = y + t * ldy + r0;
    for (int64_t r = 0; r < rows; ++r) yt[r] = out[r] + (bias ? bias[r0 + r] : 0.0f);
  }
}

template <int T>
void panel_tokens_rest(int64_t n, const float* panel, int64_t k, const float* x, int64_t ldx, float* y, int64_t ldy,
                       int64_t r0, int64_t rows, const float* bias) {
  if constexpr (T > 0) {
    if (n == T) return panel_block<T>(panel, k, x, ldx, y, ldy, r0, rows, bias);
    panel_tokens_rest<T - 1>(n, panel, k, x, ldx, y, ldy, r0, rows, bias);
  }
}

void panel_matmul(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const float* x, int64_t n, float* y,
                  int64_t ldy, const float* bias, float* scratch) {
  const int64_t rows = r1 - r0;
  float* panel = scratch;             // [k][kPanelRows]
  float* row = scratch + k * kPanelRows;  // [k]: one row converted
  const auto layout = dtype_layout(static_cast<uint32_t>(wtype));
  const size_t row_bytes = static_cast<size_t>(k / layout->block_elems) * layout->block_bytes;
  for (int64_t r = 0; r < kPanelRows; ++r) {
    if (r < rows) to_f32(wtype, static_cast<const uint8_t*>(w) + static_cast<size_t>(r0 + r) * row_bytes, row, k);
    for (int64_t kk = 0; kk < k; ++kk) panel[kk * kPanelRows + r] = r < rows ? row[kk] : 0.0f;
  }
  int64_t t = 0;
  for (; t + kPanelTokens <= n; t += kPanelTokens)
    panel_block<kPanelTokens>(panel, k, x + t * k, k, y + t * ldy, ldy, r0, rows, bias);
  panel_tokens_rest<kPanelTokens - 1>(n - t, panel, k, x + t * k, k, y + t * ldy, ldy, r0, rows, bias);
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

// q · k[0..n) with k of cache type D (F32 or F16), fp32 accumulation.
template <DType D>
float dot_kv(const float* q, const void* k, int64_t n) {
  Reg acc0 = Simd::zero(), acc1 = Simd::zero();
  int64_t i = 0;
  for (; i + 2 * kW <= n; i += 2 * kW) {
    acc0 = Simd::fma(Simd::load(q + i), Weights<D>::load(k, i), acc0);
    acc1 = Simd::fma(Simd::load(q + i + kW), Weights<D>::load(k, i + kW), acc1);
  }
  for (; i + kW <= n; i += kW) acc0 = Simd::fma(Simd::load(q + i), Weights<D>::load(k, i), acc0);
  float s = Simd::reduce_add(Simd::add(acc0, acc1));
  for (; i < n; ++i) s += q[i] * Weights<D>::one(k, i);
  return s;
}

// out[0..n) += a * v[0..n), v of cache type D.
template <DType D>
void axpy_kv(float a, const void* v, float* out, int64_t n) {
  Reg av = Simd::set1(a);
  int64_t i = 0;
  for (; i + kW <= n; i += kW) Simd::store(out + i, Simd::fma(av, Weights<D>::load(v, i), Simd::load(out + i)));
  for (; i < n; ++i) out[i] += a * Weights<D>::one(v, i);
}

// max of x[0..n), n >= 1.
float max_of(const float* x, int64_t n) {
  int64_t i = 0;
  float m = x[0];
  if (n >= kW) {
    Reg acc = Simd::load(x);
    for (i = kW; i + kW <= n; i += kW) acc = Simd::max(acc, Simd::load(x + i));
    m = Simd::reduce_max(acc);
  }
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

// e^x for x <= 0 (softmax after the max is subtracted), relative error
// below 2e-7; below -87 it is e^-87 (~1.6e-38, nothing next to the max's 1).
// e^x = 2^n · e^r, n = round(x / ln 2), r = x - n·ln 2 (ln 2 in two parts so
// r is exact to float rounding), |r| <= ln2/2, e^r by its Taylor series to
// r^7 (error < 1.2e-8 · e^r).
inline Reg exp_nonpositive(Reg x) {
  x = Simd::max(x, Simd::set1(-87.0f));
  const Reg n = Simd::round_nearest(Simd::mul(x, Simd::set1(1.44269504088896341f)));
  Reg r = Simd::fma(n, Simd::set1(-0.693145751953125f), x);
  r = Simd::fma(n, Simd::set1(-1.42860682030941723e-6f), r);
  Reg p = Simd::fma(Simd::set1(1.0f / 5040), r, Simd::set1(1.0f / 720));
  p = Simd::fma(p, r, Simd::set1(1.0f / 120));
  p = Simd::fma(p, r, Simd::set1(1.0f / 24));
  p = Simd::fma(p, r, Simd::set1(1.0f / 6));
  p = Simd::fma(p, r, Simd::set1(0.5f));
  p = Simd::fma(p, r, Simd::set1(1.0f));
  p = Simd::fma(p, r, Simd::set1(1.0f));
  return Simd::mul(p, Simd::pow2_int(n));
}

// x[i] = e^(x[i] - m) for i in [0, n) (m >= every x[i]); returns Σ x[i].
float exp_sum(float* x, int64_t n, float m) {
  const Reg mv = Simd::set1(m);
  Reg acc = Simd::zero();
  int64_t i = 0;
  for (; i + kW <= n; i += kW) {
    const Reg e = exp_nonpositive(Simd::sub(Simd::load(x + i), mv));
    Simd::store(x + i, e);
    acc = Simd::add(acc, e);
  }
  float total = Simd::reduce_add(acc);
  for (; i < n; ++i) total += (x[i] = __builtin_expf(x[i] - m));  // the last 0..W-1
  return total;
}

// GELU of kW lanes: 0.5·x·(1 + erf(x/√2)), or with tanh_form the tanh
// approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). The scalar erf
// and tanh of the C library cost ~20 ns an element (1 ms a token for
// Pythia-410M's 24 × 4096). erf from Abramowitz & Stegun 7.1.26, absolute
// error ≤ 1.5e-7:  erfc(z) ≈ t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−z²),
// t = 1/(1 + p·z), z ≥ 0; erf(x) = sign(x)·(1 − erfc(|x|)).
// tanh(u) = sign(u)·(1 − e^(−2|u|))/(1 + e^(−2|u|)).
inline Reg gelu_reg(Reg x, bool tanh_form) {
  const Reg one = Simd::set1(1.0f);
  Reg inner;  // erf(x/√2) or the tanh
  if (tanh_form) {
    const Reg u = Simd::mul(Simd::set1(0.7978845608028654f),
                            Simd::fma(Simd::mul(Simd::set1(0.044715f), x), Simd::mul(x, x), x));
    const Reg e = exp_nonpositive(Simd::mul(Simd::set1(-2.0f), Simd::abs(u)));
    inner = Simd::copy_sign(Simd::div(Simd::sub(one, e), Simd::add(one, e)), u);
  } else {
    const Reg z = Simd::mul(Simd::abs(x), Simd::set1(0.7071067811865476f));
    const Reg t = Simd::div(one, Simd::fma(Simd::set1(0.3275911f), z, one));
    Reg poly = Simd::fma(Simd::set1(1.061405429f), t, Simd::set1(-1.453152027f));
    poly = Simd::fma(poly, t, Simd::set1(1.421413741f));
    poly = Simd::fma(poly, t, Simd::set1(-0.284496736f));
    poly = Simd::fma(poly, t, Simd::set1(0.254829592f));
    const Reg erfc = Simd::mul(Simd::mul(poly, t), exp_nonpositive(Simd::mul(Simd::sub(Simd::zero(), z), z)));
    inner = Simd::copy_sign(Simd::sub(one, erfc), x);
  }
  return Simd::mul(Simd::mul(Simd::set1(0.5f), x), Simd::add(one, inner));
}

void gelu(float* x, int64_t n, bool tanh_form) {
  int64_t i = 0;
  for (; i + kW <= n; i += kW) Simd::store(x + i, gelu_reg(Simd::load(x + i), tanh_form));
  if (i < n) {  // the last 1..kW-1 through a padded register, so every element takes the same formula
    float tail[kW] = {};
    for (int64_t j = i; j < n; ++j) tail[j - i] = x[j];
    Simd::store(tail, gelu_reg(Simd::load(tail), tanh_form));
    for (int64_t j = i; j < n; ++j) x[j] = tail[j - i];
  }
}

// Scores of four adjacent heads against one cache row: out[c] = q_c · k_c
// (q and k at head c of the four: q + c·hd, element c·hd of k). The four
// dot products reduce together (Simd::reduce_add4).
template <DType D>
void dot_kv4(const float* q, const void* k, int64_t hd, float* out) {
  Reg acc[4] = {Simd::zero(), Simd::zero(), Simd::zero(), Simd::zero()};
  int64_t i = 0;
  for (; i + kW <= hd; i += kW)
    for (int c = 0; c < 4; ++c) acc[c] = Simd::fma(Simd::load(q + c * hd + i), Weights<D>::load(k, c * hd + i), acc[c]);
  Simd::reduce_add4(acc, out);
  for (; i < hd; ++i)
    for (int c = 0; c < 4; ++c) out[c] += q[c * hd + i] * Weights<D>::one(k, c * hd + i);
}

// Decode, split over keys (flash decoding): one query's heads over cache rows
// [t0, t1), each row read once with all its heads (n_head·hd contiguous
// elements: a sequential stream the hardware prefetcher follows, where one
// head's slice of every row is a 2-8 KiB stride it does not). Per head h:
// m[h] the max score, l[h] = Σ e^(s - m[h]), o[h·hd ..] = Σ e^(s - m[h])·v.
// Scores four heads at a time: the four dot products share one reduction
// (13 instructions where four reductions took ~32: a tenth of a row's
// work at head size 64). Measured Pythia-410M shape, F16 cache of 256
// positions in L2, one thread (neox_bench_ops --attention 256 --in-cache
// --cpu-time, 10 runs alternated with the old kernel): 15.2 → 17.8 GB/s,
// median. Values stay row by row: walking a block of rows head by head
// kept each head's output in registers but read the cache out of order,
// and from memory it was 10% slower.
template <DType D>
void attend_keys_typed(const float* q, int n_head, int64_t hd, const void* k, const void* v, int64_t t0,
                       int64_t t1, float scale, float* scores, float* m, float* l, float* o) {
  const int64_t nt = t1 - t0, ld = n_head * hd;
  const int64_t row_bytes = ld * Weights<D>::kBytes, head_bytes = hd * Weights<D>::kBytes;
  const auto* kb = static_cast<const uint8_t*>(k) + t0 * row_bytes;
  const auto* vb = static_cast<const uint8_t*>(v) + t0 * row_bytes;
  // Rows in kKvStreams interleaved runs: one sequential stream per core gets
  // about half the memory's bandwidth, several in flight get most of it.
  constexpr int64_t kKvStreams = 4;
  const int64_t run = nt / kKvStreams;
  auto row_at = [run](int64_t j) { return j < run * kKvStreams ? (j % kKvStreams) * run + j / kKvStreams : j; };
  // Rows of 1-4 KiB cross a 4 KiB page every row or few, where the hardware
  // prefetcher stops and must learn the stream again: each run's row
  // kRowsAhead rows on is prefetched by hand, into L2. In a decode step the
  // weights have evicted the cache, so it comes from DRAM (measured in
  // Pythia-410M Q8_0 decode at 512-640 positions: attention's time fell by
  // 10% in the median of 5 runs, from 14 GB/s of cache read). The row ahead
  // is asked for a head's slice at a time, beside that head's work: a whole
  // row's prefetches at once (32-64 lines) fill the core's line fill
  // buffers and stall the loads behind them until memory answers
  // (neox_bench_ops --attention 1568, 2 threads, 6 pairs alternated: 17.3 →
  // 20.1 GB/s median; Pythia-1.4B Q4_K_M decode at 512-576 positions:
  // attention 7.1-8.3 → 6.5-7.0 ms a token).
  constexpr int64_t kRowsAhead = 2 * kKvStreams;
  auto prefetch_bytes = [](const uint8_t* p, int64_t n) {
    const uintptr_t end = reinterpret_cast<uintptr_t>(p) + static_cast<uintptr_t>(n);
    for (uintptr_t a = reinterpret_cast<uintptr_t>(p) & ~uintptr_t{63}; a < end; a += 64)
      __builtin_prefetch(reinterpret_cast<const void*>(a), 0, 2);
  };
  for (int64_t j = 0; j < kRowsAhead && j < nt; ++j) prefetch_bytes(kb + row_at(j) * row_bytes, row_bytes);
  for (int64_t j = 0; j < nt; ++j) {
    const int64_t t = row_at(j);
    const uint8_t* row = kb + t * row_bytes;
    const uint8_t* ahead = j + kRowsAhead < nt ? kb + row_at(j + kRowsAhead) * row_bytes : nullptr;
    int h = 0;
    for (; h + 4 <= n_head; h += 4) {
      if (ahead) prefetch_bytes(ahead + h * head_bytes, 4 * head_bytes);
      float s4[4];
      dot_kv4<D>(q + h * hd, row + h * head_bytes, hd, s4);
      for (int c = 0; c < 4; ++c) scores[(h + c) * nt + t] = s4[c] * scale;
    }
    for (; h < n_head; ++h) {
      if (ahead) prefetch_bytes(ahead + h * head_bytes, head_bytes);
      scores[h * nt + t] = dot_kv<D>(q + h * hd, row + h * head_bytes, hd) * scale;
    }
  }
  for (int h = 0; h < n_head; ++h) {
    m[h] = max_of(scores + h * nt, nt);
    l[h] = exp_sum(scores + h * nt, nt, m[h]);
  }
  for (int64_t i = 0; i < n_head * hd; ++i) o[i] = 0.0f;
  for (int64_t j = 0; j < kRowsAhead && j < nt; ++j) prefetch_bytes(vb + row_at(j) * row_bytes, row_bytes);
  for (int64_t j = 0; j < nt; ++j) {
    const int64_t t = row_at(j);
    const uint8_t* ahead = j + kRowsAhead < nt ? vb + row_at(j + kRowsAhead) * row_bytes : nullptr;
    for (int h = 0; h < n_head; ++h) {
      if (ahead) prefetch_bytes(ahead + h * head_bytes, head_bytes);
      axpy_kv<D>(scores[h * nt + t], vb + t * row_bytes + h * head_bytes, o + h * hd, hd);
    }
  }
}

void attend_keys(const float* q, int n_head, int64_t hd, DType kv, const void* k, const void* v, int64_t t0,
                 int64_t t1, float scale, float* scores, float* m, float* l, float* o) {
  if (kv == DType::F16) return attend_keys_typed<DType::F16>(q, n_head, hd, k, v, t0, t1, scale, scores, m, l, o);
  return attend_keys_typed<DType::F32>(q, n_head, hd, k, v, t0, t1, scale, scores, m, l, o);
}

// ---- Prefill: flash attention over key tiles ----
// A block of queries of one head walks the keys once, a tile of kKeyTile at a
// time, keeping a running max, sum and Σ p·v per query (online softmax), so
// each key and value row is read once per block instead of once per query.
// Scores come from the tile transposed (kt [hd][tile]): a query's scores for
// the tile are 4 registers of FMAs with no horizontal sums.
constexpr int64_t kKeyTile = 4 * kW;
static_assert(kKeyTile <= kAttendMaxKeyTile);
// Queries per register block: G·4 accumulators + 4 operands fit the register file.
constexpr int kAttendGroup = kW >= 16 ? 4 : 2;

inline int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// s[g][0..tile) = q_g · kt[:, 0..tile) for G queries (rows hp apart, scaled, zero padded).
template <int G>
void tile_scores(const float* qs, int64_t hp, const float* kt, float* s) {
  Reg acc[G][4];
  for (int g = 0; g < G; ++g)
    for (int r = 0; r < 4; ++r) acc[g][r] = Simd::zero();
  for (int64_t i = 0; i < hp; ++i) {
    Reg kv[4];
    for (int r = 0; r < 4; ++r) kv[r] = Simd::load(kt + i * kKeyTile + r * kW);
    for (int g = 0; g < G; ++g) {
      const Reg qv = Simd::set1(qs[g * hp + i]);
      for (int r = 0; r < 4; ++r) acc[g][r] = Simd::fma(qv, kv[r], acc[g][r]);
    }
  }
  for (int g = 0; g < G; ++g)
    for (int r = 0; r < 4; ++r) Simd::store(s + g * kKeyTile + r * kW, acc[g][r]);
}

// o_g[i0 .. i0 + R·W) = o_g · c_g + Σ_t p_g[t] · vt[t] for G queries.
template <int G, int R>
void tile_pv_chunk(float* o, int64_t hp, const float* c, const float* p, const float* vt, int64_t i0) {
  Reg acc[G][R];
  for (int g = 0; g < G; ++g) {
    const Reg cg = Simd::set1(c[g]);
    for (int r = 0; r < R; ++r) acc[g][r] = Simd::mul(Simd::load(o + g * hp + i0 + r * kW), cg);
  }
  for (int64_t t = 0; t < kKeyTile; ++t) {
    Reg vv[R];
    for (int r = 0; r < R; ++r) vv[r] = Simd::load(vt + t * hp + i0 + r * kW);
    for (int g = 0; g < G; ++g) {
      const Reg pg = Simd::set1(p[g * kKeyTile + t]);
      for (int r = 0; r < R; ++r) acc[g][r] = Simd::fma(pg, vv[r], acc[g][r]);
    }
  }
  for (int g = 0; g < G; ++g)
    for (int r = 0; r < R; ++r) Simd::store(o + g * hp + i0 + r * kW, acc[g][r]);
}

template <int G>
void tile_pv(float* o, int64_t hp, const float* c, const float* p, const float* vt) {
  int64_t i0 = 0;
  for (; i0 + 4 * kW <= hp; i0 += 4 * kW) tile_pv_chunk<G, 4>(o, hp, c, p, vt, i0);
  switch ((hp - i0) / kW) {
    case 3:
      return tile_pv_chunk<G, 3>(o, hp, c, p, vt, i0);
    case 2:
      return tile_pv_chunk<G, 2>(o, hp, c, p, vt, i0);
    case 1:
      return tile_pv_chunk<G, 1>(o, hp, c, p, vt, i0);
    default:
      return;
  }
}

// Queries [j, j + n) of the block, n < kAttendGroup, a group of their own.
template <int G>
void tile_scores_rest(int64_t n, const float* qs, int64_t hp, const float* kt, float* s) {
  if constexpr (G > 0) {
    if (n == G) return tile_scores<G>(qs, hp, kt, s);
    tile_scores_rest<G - 1>(n, qs, hp, kt, s);
  }
}
template <int G>
void tile_pv_rest(int64_t n, float* o, int64_t hp, const float* c, const float* p, const float* vt) {
  if constexpr (G > 0) {
    if (n == G) return tile_pv<G>(o, hp, c, p, vt);
    tile_pv_rest<G - 1>(n, o, hp, c, p, vt);
  }
}

template <DType D>
void attend_rows_typed(const float* q, int64_t ldq, int64_t nq, int64_t pos0, const void* k, const void* v,
                       int64_t ld, int64_t hd, float scale, float* scratch, float* out, int64_t ldo) {
  const int64_t hp = round_up(hd, kW);
  float* qs = scratch;               // [nq][hp] scaled queries, zero padded
  float* o = qs + nq * hp;           // [nq][hp] running Σ p·v
  float* m = o + nq * hp;            // [nq] running max score
  float* l = m + nq;                 // [nq] running Σ p
  float* c = l + nq;                 // [nq] this tile's rescale of o and l
  float* s = c + nq;                 // [nq][kKeyTile] scores, then p
  float* kt = s + nq * kKeyTile;     // [hp][kKeyTile] key tile, transposed
  float* vt = kt + hp * kKeyTile;    // [kKeyTile][hp] value tile
  for (int64_t j = 0; j < nq; ++j) {
    for (int64_t i = 0; i < hp; ++i) {
      qs[j * hp + i] = i < hd ? q[j * ldq + i] * scale : 0.0f;
      o[j * hp + i] = 0.0f;
    }
    m[j] = -INFINITY;
    l[j] = 0.0f;
  }
  for (int64_t i = 0; i < hp * kKeyTile; ++i) kt[i] = vt[i] = 0.0f;  // padding stays zero

  const int64_t row_bytes = ld * Weights<D>::kBytes;
  const auto* kb = static_cast<const uint8_t*>(k);
  const auto* vb = static_cast<const uint8_t*>(v);
  const int64_t n_keys = pos0 + nq;  // the last query's
  for (int64_t t0 = 0; t0 < n_keys; t0 += kKeyTile) {
    const int64_t nt = min_i64(kKeyTile, n_keys - t0);
    for (int64_t t = 0; t < kKeyTile; ++t) {
      if (t < nt) {
        const uint8_t* kr = kb + (t0 + t) * row_bytes;
        const uint8_t* vr = vb + (t0 + t) * row_bytes;
        for (int64_t i = 0; i < hd; ++i) kt[i * kKeyTile + t] = Weights<D>::one(kr, i);
        to_f32_typed<D>(vr, vt + t * hp, hd);
      } else {  // past the last key: zero, so that p = 0 meets no garbage
        for (int64_t i = 0; i < hd; ++i) kt[i * kKeyTile + t] = vt[t * hp + i] = 0.0f;
      }
    }
    // Queries before j0 see none of this tile's keys.
    const int64_t j0 = t0 > pos0 ? t0 - pos0 : 0;
    int64_t j = j0;
    for (; j + kAttendGroup <= nq; j += kAttendGroup)
      tile_scores<kAttendGroup>(qs + j * hp, hp, kt, s + j * kKeyTile);
    tile_scores_rest<kAttendGroup - 1>(nq - j, qs + j * hp, hp, kt, s + j * kKeyTile);
    for (j = j0; j < nq; ++j) {
      float* sj = s + j * kKeyTile;
      const int64_t valid = min_i64(nt, pos0 + j + 1 - t0);  // causal: keys up to the query's position
      const float mt = max_of(sj, valid);
      const float mn = mt > m[j] ? mt : m[j];
      c[j] = m[j] == -INFINITY ? 0.0f : __builtin_expf(m[j] - mn);
      const float sum = exp_sum(sj, valid, mn);
      for (int64_t t = valid; t < kKeyTile; ++t) sj[t] = 0.0f;
      l[j] = l[j] * c[j] + sum;
      m[j] = mn;
    }
    j = j0;
    for (; j + kAttendGroup <= nq; j += kAttendGroup)
      tile_pv<kAttendGroup>(o + j * hp, hp, c + j, s + j * kKeyTile, vt);
    tile_pv_rest<kAttendGroup - 1>(nq - j, o + j * hp, hp, c + j, s + j * kKeyTile, vt);
  }
  for (int64_t j = 0; j < nq; ++j) {
    const float inv = 1.0f / l[j];
    for (int64_t i = 0; i < hd; ++i) out[j * ldo + i] = o[j * hp + i] * inv;
  }
}

void attend_rows(const float* q, int64_t ldq, int64_t nq, int64_t pos0, DType kv, const void* k, const void* v,
                 int64_t ld, int64_t hd, float scale, float* scratch, float* out, int64_t ldo) {
  if (kv == DType::F16) return attend_rows_typed<DType::F16>(q, ldq, nq, pos0, k, v, ld, hd, scale, scratch, out, ldo);
  return attend_rows_typed<DType::F32>(q, ldq, nq, pos0, k, v, ld, hd, scale, scratch, out, ldo);
}

void to_f16(const float* src, uint16_t* dst, int64_t n) {
  int64_t i = 0;
  for (; i + kW <= n; i += kW) Simd::store_f16(dst + i, Simd::load(src + i));
  for (; i < n; ++i) dst[i] = Simd::to_f16_1(src[i]);
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
#ifdef __GFNI__
constexpr bool kGfni = true;
#else
constexpr bool kGfni = false;
#endif

#ifdef NEOX_CPU_QUANT_GEMM_AVX512
constexpr auto kQuantizeActs = &quantize_acts_avx512;
constexpr auto kQuantGemm = &quant_gemm;
#else
constexpr auto kQuantizeActs = &quantize_acts;
constexpr decltype(Kernels::quant_gemm) kQuantGemm = nullptr;
#endif

#ifdef NEOX_CPU_QUANT_DECODE_K
constexpr auto kQuantizeSuperblocks = &quantize_acts_superblocks;
constexpr auto kKQuantDotRows = &k_quant_dot_rows;
#else
constexpr decltype(Kernels::quantize_superblocks) kQuantizeSuperblocks = nullptr;
constexpr decltype(Kernels::k_quant_dot_rows) kKQuantDotRows = nullptr;
#endif

constexpr Kernels kKernels = {
    Simd::kIsa,      kVnni,           kGfni,         Simd::kTokens,   kPanelRows,    &dot_rows,       &to_f32,
    kQuantizeActs,   &quant_dot_rows, kQuantizeSuperblocks, kKQuantDotRows, kQuantGemm, &panel_matmul,
    &layer_norm_row, &to_f16,         &attend_keys,  &attend_rows,    &gelu,         &add,
};

}  // namespace
}  // namespace neox::cpu
