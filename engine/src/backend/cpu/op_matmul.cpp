// y = x · wᵀ (+ bias): the op that decides decode and prefill speed.
//
// Few tokens (decode, n ≤ max_stream_tokens): a matrix-vector product bound by
// memory bandwidth. Threads split the weight rows; each row is read once,
// converted to f32 in registers and dotted with every token. Block-quantized
// weights are instead dotted as integers with activations quantized to 8 bits
// per 32 elements (quant_kernels.h), or, for the K-quants in the AVX
// families, per 256-element superblock (quant_decode_k.h).
//
// Many tokens (prefill): threads take panels of weight rows, convert a panel
// to f32 once, k-major, into their own scratch buffer and run outer-product
// blocks of tokens against it (panel_matmul). Block-quantized
// weights, where the kernel family has an int8 matrix-matrix product
// (quant_gemm, AVX-512), instead quantize all tokens' activations once and
// decode each tile to integer codes and scales: int8 multiply-adds there too.
#include <algorithm>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/shape_checks.h"
#include "neox/quant.h"

namespace neox::cpu {
namespace {

// Bytes of f32 weight tile a thread keeps hot (L2 is 1-2 MB on current x86).
constexpr int64_t kTileBytes = 256 * 1024;

}  // namespace

QuantizedActs CpuBackend::quantize_activations(const float* x, int64_t n, int64_t k) {
  const size_t elems = static_cast<size_t>(n * k);
  if (act_q_.size() < elems) act_q_.resize(elems);
  if (act_d_.size() < elems / 32) act_d_.resize(elems / 32);
  if (act_d16_.size() < elems / 16) act_d16_.resize(elems / 16);
  if (act_dsum16_.size() < elems / 16) act_dsum16_.resize(elems / 16);
  if (act_dsum32_.size() < elems / 32) act_dsum32_.resize(elems / 32);
  // Few tokens (decode): cheap next to the m·k weight bytes, one thread.
  // Many (prefill): split over the threads.
  auto quantize = [&](int64_t t0, int64_t t1, int) {
    for (int64_t t = t0; t < t1; ++t)
      kernels_->quantize_acts(x + t * k, k, act_q_.data() + t * k, act_d_.data() + t * (k / 32),
                              act_d16_.data() + t * (k / 16), act_dsum16_.data() + t * (k / 16),
                              act_dsum32_.data() + t * (k / 32));
  };
  if (n <= kernels_->max_stream_tokens)
    quantize(0, n, 0);
  else
    pool_.parallel_for(n, 1, quantize);
  return QuantizedActs{act_q_.data(), act_d_.data(), act_d16_.data(), act_dsum16_.data(), act_dsum32_.data()};
}

SuperblockActs CpuBackend::quantize_superblocks(const float* x, int64_t n, int64_t k) {
  const size_t elems = static_cast<size_t>(n * k);
  if (act_q_.size() < elems) act_q_.resize(elems);
  if (act_d_.size() < elems / 256) act_d_.resize(elems / 256);
  if (act_bsum16_.size() < elems / 16) act_bsum16_.resize(elems / 16);
  for (int64_t t = 0; t < n; ++t)  // few tokens: cheap next to the weights, one thread
    kernels_->quantize_superblocks(x + t * k, k, act_q_.data() + t * k, act_d_.data() + t * (k / 256),
                                   act_bsum16_.data() + t * (k / 16));
  return SuperblockActs{act_q_.data(), act_d_.data(), act_bsum16_.data()};
}

void CpuBackend::matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) {
  const char* op = "matmul";
  check_f32(kBackend, op, "x", x);
  check_weight_type(kBackend, op, w);
  const int64_t n = x.rows, k = x.cols, m = w.rows;
  if (w.cols != k) fail(kBackend, op, "weight " + shape_text(w) + " does not match x " + shape_text(x));
  check_f32(kBackend, op, "y", y);
  check_shape(kBackend, op, "y", y, n, m);
  const float* b = nullptr;
  if (bias) {
    check_f32(kBackend, op, "bias", *bias);
    check_shape(kBackend, op, "bias", *bias, 1, m);
    b = f32(*bias);
  }
  if (n == 0 || m == 0) return;
  if (k == 0) {
    for (int64_t t = 0; t < n; ++t)
      for (int64_t r = 0; r < m; ++r) f32(y)[t * m + r] = b ? b[r] : 0.0f;
    return;
  }
  const float* xp = f32(x);
  float* yp = f32(y);

  const bool quantized = dtype_is_block_quantized(w.dtype);
  const bool k_quant = w.dtype == DType::Q4_K || w.dtype == DType::Q5_K || w.dtype == DType::Q6_K;
  if (n <= kernels_->max_stream_tokens && k_quant && kernels_->k_quant_dot_rows) {
    const SuperblockActs xq = quantize_superblocks(xp, n, k);
    pool_.parallel_for(m, kFloatsPerCacheLine, [&](int64_t r0, int64_t r1, int) {
      kernels_->k_quant_dot_rows(w.dtype, w.data, k, r0, r1, xq, n, yp, m, b);
    });
    return;
  }
  if (n <= kernels_->max_stream_tokens && quantized) {
    const QuantizedActs xq = quantize_activations(xp, n, k);
    pool_.parallel_for(m, kFloatsPerCacheLine, [&](int64_t r0, int64_t r1, int) {
      kernels_->quant_dot_rows(w.dtype, w.data, k, r0, r1, xq, n, yp, m, b);
    });
    return;
  }
  if (n <= kernels_->max_stream_tokens) {
    pool_.parallel_for(m, kFloatsPerCacheLine, [&](int64_t r0, int64_t r1, int) {
      kernels_->dot_rows(w.dtype, w.data, k, r0, r1, xp, k, n, yp, m, b);
    });
    return;
  }

  // An empty row range asks whether quant_gemm takes this type and k.
  if (quantized && kernels_->quant_gemm &&
      kernels_->quant_gemm(w.dtype, w.data, k, 0, 0, QuantizedActs{}, 0, yp, m, nullptr, nullptr)) {
    // A decoded row is at most 1.5·k bytes (kernels.h); groups of 16 rows.
    const int64_t gemm_rows = std::clamp<int64_t>(
        kTileBytes / (k * 3 / 2) / kFloatsPerCacheLine * kFloatsPerCacheLine, kFloatsPerCacheLine, 256);
    const QuantizedActs xq = quantize_activations(xp, n, k);
    pool_.parallel_tasks((m + gemm_rows - 1) / gemm_rows, [&](int64_t tile, int thread) {
      const int64_t r0 = tile * gemm_rows;
      const int64_t r1 = std::min(m, r0 + gemm_rows);
      kernels_->quant_gemm(w.dtype, w.data, k, r0, r1, xq, n, yp, m, b,
                           scratch(thread, quant_gemm_scratch_floats(k, r1 - r0)));
    });
    return;
  }

  // Panels of rows, converted to f32 once and multiplied with every token.
  const int64_t pr = kernels_->panel_rows;
  pool_.parallel_tasks((m + pr - 1) / pr, [&](int64_t panel, int thread) {
    const int64_t r0 = panel * pr;
    kernels_->panel_matmul(w.dtype, w.data, k, r0, std::min(m, r0 + pr), xp, n, yp, m, b,
                           scratch(thread, static_cast<size_t>((pr + 1) * k)));
  });
}

}  // namespace neox::cpu
