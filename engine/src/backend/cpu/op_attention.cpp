// Fused causal attention over the KV cache: query i (position pos0 + i)
// attends to cache rows 0..pos0+i. Scores, softmax (max subtracted) and the
// weighted sum of values all in fp32; scale 1/sqrt(head_dim).
// Threads take (query row, head) tasks, longest rows first.
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/shape_checks.h"

namespace neox::cpu {

void CpuBackend::attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0,
                           int n_head, int head_dim, Tensor& out) {
  const char* op = "attention";
  const int64_t n = q.rows, d = static_cast<int64_t>(n_head) * head_dim;
  check_f32(op, "q", q);
  check_f32(op, "k_cache", k_cache);
  check_f32(op, "v_cache", v_cache);
  check_f32(op, "out", out);
  check_shape(op, "q", q, n, d);
  check_shape(op, "k_cache", k_cache, k_cache.rows, d);
  check_shape(op, "v_cache", v_cache, k_cache.rows, d);
  check_shape(op, "out", out, n, d);
  if (pos0 < 0 || pos0 + n > k_cache.rows)
    fail(op, "positions " + std::to_string(pos0) + ".." + std::to_string(pos0 + n - 1) + " exceed the cache's " +
                 std::to_string(k_cache.rows) + " rows");
  if (n == 0 || d == 0) return;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  pool_.parallel_tasks(n * n_head, [&](int64_t task, int thread) {
    const int64_t i = n - 1 - task / n_head;  // last query first: it has the most keys
    const int64_t h = task % n_head;
    const int64_t n_keys = pos0 + i + 1;
    const int64_t offset = h * head_dim;
    kernels_->attend_row(f32(q) + i * d + offset, f32(k_cache) + offset, f32(v_cache) + offset, d, n_keys,
                         head_dim, scale, scratch(thread, static_cast<size_t>(n_keys)), f32(out) + i * d + offset);
  });
}

}  // namespace neox::cpu
