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
  check_attention(kBackend, q, k_cache, v_cache, pos0, n_head, head_dim, out);
  const int64_t n = q.rows, d = static_cast<int64_t>(n_head) * head_dim;
  if (n == 0 || d == 0) return;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  pool_.parallel_tasks(n * n_head, [&](int64_t task, int thread) {
    const int64_t i = n - 1 - task / n_head;  // last query first: it has the most keys
    const int64_t h = task % n_head;
    const int64_t n_keys = pos0 + i + 1;
    const int64_t offset = h * head_dim;
    kernels_->attend_row(f32(q) + i * d + offset, f32(k_cache) + offset, f32(v_cache) + offset, d, n_keys,
                         head_dim, scale, scratch(thread, static_cast<size_t>(n_keys)),
                         f32(out) + i * d + offset);
  });
}

}  // namespace neox::cpu
