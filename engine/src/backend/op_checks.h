// Argument checks every backend runs before an op: the contract of
// neox/backend.h in one place. A wrong shape is a bug in the caller (the
// model), reported as neox::Error naming the backend, the op and the tensor
// ("cpu backend: attention: q is F32 [3, 64], expected [3, 128]").
#pragma once

#include <cstdint>
#include <string>

#include "neox/backend.h"
#include "neox/error.h"

namespace neox::backend_checks {

inline std::string shape_text(const Tensor& t) {
  return dtype_name(t.dtype) + " [" + std::to_string(t.rows) + ", " + std::to_string(t.cols) + "]";
}

// `backend`: "cpu backend", "cuda backend".
[[noreturn]] inline void fail(const char* backend, const char* op, const std::string& problem) {
  throw Error(std::string(backend) + ": " + op + ": " + problem);
}

inline void check_f32(const char* backend, const char* op, const char* what, const Tensor& t) {
  if (t.dtype != DType::F32) fail(backend, op, std::string(what) + " must be F32, is " + shape_text(t));
  if (!t.data && t.rows * t.cols > 0) fail(backend, op, std::string(what) + " has no data");
}

// A key/value cache: F32, or F16 where the backend stores F16 caches.
inline void check_kv_cache(const char* backend, const char* op, const char* what, const Tensor& t, bool f16_cache) {
  if (t.dtype == DType::F16 && f16_cache) {
    if (!t.data && t.rows * t.cols > 0) fail(backend, op, std::string(what) + " has no data");
    return;
  }
  check_f32(backend, op, what, t);
}

inline void check_shape(const char* backend, const char* op, const char* what, const Tensor& t, int64_t rows,
                        int64_t cols) {
  if (t.rows != rows || t.cols != cols)
    fail(backend, op,
         std::string(what) + " is " + shape_text(t) + ", expected [" + std::to_string(rows) + ", " +
             std::to_string(cols) + "]");
}

inline void check_weight_type(const char* backend, const char* op, const Tensor& t) {
  if (!dtype_is_supported_weight(t.dtype))
    fail(backend, op,
         "weight type " + dtype_name(t.dtype) +
             " is not supported (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K..Q6_K)");
  auto layout = dtype_layout(static_cast<uint32_t>(t.dtype));
  if (t.cols % layout->block_elems != 0)
    fail(backend, op,
         "weight " + shape_text(t) + ": rows are not whole blocks of " + std::to_string(layout->block_elems));
  if (!t.data && t.rows * t.cols > 0) fail(backend, op, "weight has no data");
}

// Bytes of one row of a weight (any supported type, whole blocks).
inline size_t weight_row_bytes(const Tensor& t) {
  auto layout = dtype_layout(static_cast<uint32_t>(t.dtype));
  return static_cast<size_t>(t.cols / layout->block_elems) * layout->block_bytes;
}

// Backend::attention: q, out [n, n_head*head_dim]; the caches [n_ctx, same]
// holding positions pos0..pos0+n-1, F32 (or F16 where `f16_cache`: a backend
// whose alloc_kv_cache makes them), both of one type.
inline void check_attention(const char* backend, const Tensor& q, const Tensor& k_cache,
                            const Tensor& v_cache, int64_t pos0, int n_head, int head_dim,
                            const Tensor& out, bool f16_cache = false) {
  const char* op = "attention";
  const int64_t n = q.rows, d = static_cast<int64_t>(n_head) * head_dim;
  check_f32(backend, op, "q", q);
  check_kv_cache(backend, op, "k_cache", k_cache, f16_cache);
  check_kv_cache(backend, op, "v_cache", v_cache, f16_cache);
  if (k_cache.dtype != v_cache.dtype)
    fail(backend, op, "k_cache " + shape_text(k_cache) + " and v_cache " + shape_text(v_cache) + " differ in type");
  check_f32(backend, op, "out", out);
  check_shape(backend, op, "q", q, n, d);
  check_shape(backend, op, "k_cache", k_cache, k_cache.rows, d);
  check_shape(backend, op, "v_cache", v_cache, k_cache.rows, d);
  check_shape(backend, op, "out", out, n, d);
  if (pos0 < 0 || pos0 + n > k_cache.rows)
    fail(backend, op,
         "positions " + std::to_string(pos0) + ".." + std::to_string(pos0 + n - 1) + " exceed the cache's " +
             std::to_string(k_cache.rows) + " rows");
}

// Backend::embedding: ids in [0, table rows), out [n, table cols].
inline void check_embedding(const char* backend, const Tensor& table, const int32_t* ids, int64_t n,
                            const Tensor& out) {
  const char* op = "embedding";
  check_weight_type(backend, op, table);
  check_f32(backend, op, "out", out);
  check_shape(backend, op, "out", out, n, table.cols);
  for (int64_t i = 0; i < n; ++i)
    if (ids[i] < 0 || ids[i] >= table.rows)
      fail(backend, op,
           "token id " + std::to_string(ids[i]) + " outside the table's " + std::to_string(table.rows) +
               " rows");
}

// Backend::layer_norm: x, out [n, d]; gamma, beta [1, d].
inline void check_layer_norm(const char* backend, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                             const Tensor& out) {
  const char* op = "layer_norm";
  check_f32(backend, op, "x", x);
  check_f32(backend, op, "gamma", gamma);
  check_f32(backend, op, "beta", beta);
  check_f32(backend, op, "out", out);
  check_shape(backend, op, "gamma", gamma, 1, x.cols);
  check_shape(backend, op, "beta", beta, 1, x.cols);
  check_shape(backend, op, "out", out, x.rows, x.cols);
}

// Backend::split_qkv: qkv [n, 3*d] into q, k, v [n, d], d = n_head*head_dim.
inline void check_split_qkv(const char* backend, const Tensor& qkv, int n_head, int head_dim, const Tensor& q,
                            const Tensor& k, const Tensor& v) {
  const char* op = "split_qkv";
  const int64_t n = qkv.rows, d = static_cast<int64_t>(n_head) * head_dim;
  check_f32(backend, op, "qkv", qkv);
  check_shape(backend, op, "qkv", qkv, n, 3 * d);
  for (const Tensor* t : {&q, &k, &v}) {
    check_f32(backend, op, "q/k/v", *t);
    check_shape(backend, op, "q/k/v", *t, n, d);
  }
}

}  // namespace neox::backend_checks
