// Fused causal attention over the KV cache (F32 or F16): query i (position
// pos0 + i) attends to cache rows 0..pos0+i. Scores, softmax (max
// subtracted) and the weighted sum of values all in fp32; scale 1/sqrt(head_dim).
//
// Few queries (decode): split over keys, one task per (query, range of
// keys) covering every head, the ranges' partial softmaxes merged after.
// Many (prefill): flash attention, one task per (head, block of queries),
// a head's blocks one after the other so that the threads share its keys
// and values in cache, each block walking the keys once.
#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/shape_checks.h"
#include "neox/quant.h"

namespace neox::cpu {
namespace {

// From this many queries on, the tiled kernel: the key tile's transposition
// costs about what a query's scores for it do, so it pays off over a block.
constexpr int64_t kMinTiledQueries = 16;
// Queries sharing each key tile (the scratch grows with it: 64 queries of
// head size 128 take ~110 KiB).
constexpr int64_t kQueryBlock = 64;
// Keys per decode task: at most 256 (rows of a 1024-wide F16 cache: 512
// KiB, enough to stream), at least 16, and else as many tasks as two per
// thread, so that a short context still keeps every thread busy.
constexpr int64_t kMaxKeyChunk = 256;
constexpr int64_t kMinKeyChunk = 16;

int64_t key_chunk(int64_t n_keys, int threads) {
  const int64_t even = (n_keys + 2 * threads - 1) / (2 * threads);
  return std::clamp<int64_t>((even + 15) / 16 * 16, kMinKeyChunk, kMaxKeyChunk);
}

}  // namespace

void CpuBackend::attention_split_keys(const Tensor& q, DType kv, const uint8_t* k, const uint8_t* v, int64_t pos0,
                                      int n_head, int head_dim, float scale, Tensor& out) {
  const int64_t n = q.rows, d = static_cast<int64_t>(n_head) * head_dim;
  // Tasks (query, first key), each query's ranges covering keys 0..pos0+i.
  struct Task {
    int64_t query, t0, t1;
  };
  std::vector<Task> tasks;
  for (int64_t i = n - 1; i >= 0; --i) {
    const int64_t n_keys = pos0 + i + 1, chunk = key_chunk(n_keys, pool_.size());
    for (int64_t t0 = 0; t0 < n_keys; t0 += chunk) tasks.push_back({i, t0, std::min(t0 + chunk, n_keys)});
  }
  // Per task and head: max, sum, then Σ p·v [head_dim].
  const int64_t per_task = 2 * n_head + d;
  partials_.resize(tasks.size() * static_cast<size_t>(per_task));
  pool_.parallel_tasks(static_cast<int64_t>(tasks.size()), [&](int64_t ti, int thread) {
    const Task& task = tasks[static_cast<size_t>(ti)];
    float* part = partials_.data() + ti * per_task;
    kernels_->attend_keys(f32(q) + task.query * d, n_head, head_dim, kv, k, v, task.t0, task.t1, scale,
                          scratch(thread, static_cast<size_t>(n_head * (task.t1 - task.t0))), part,
                          part + n_head, part + 2 * n_head);
  });
  // Merge each query's ranges: out = Σ e^(m_c - M)·o_c / Σ e^(m_c - M)·l_c.
  for (size_t first = 0; first < tasks.size();) {
    size_t last = first;
    while (last < tasks.size() && tasks[last].query == tasks[first].query) ++last;
    float* o = f32(out) + tasks[first].query * d;
    for (int h = 0; h < n_head; ++h) {
      float big = -INFINITY;
      for (size_t c = first; c < last; ++c) big = std::max(big, partials_[c * per_task + h]);
      float total = 0.0f;
      for (int64_t j = 0; j < head_dim; ++j) o[h * head_dim + j] = 0.0f;
      for (size_t c = first; c < last; ++c) {
        const float* part = partials_.data() + c * per_task;
        const float w = std::exp(part[h] - big);
        total += w * part[n_head + h];
        for (int64_t j = 0; j < head_dim; ++j) o[h * head_dim + j] += w * part[2 * n_head + h * head_dim + j];
      }
      for (int64_t j = 0; j < head_dim; ++j) o[h * head_dim + j] /= total;
    }
    first = last;
  }
}

void CpuBackend::attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0,
                           int n_head, int head_dim, Tensor& out) {
  check_attention(kBackend, q, k_cache, v_cache, pos0, n_head, head_dim, out, /*f16_cache=*/true);
  const int64_t n = q.rows, d = static_cast<int64_t>(n_head) * head_dim;
  if (n == 0 || d == 0) return;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const int64_t elem = static_cast<int64_t>(dtype_row_bytes(k_cache.dtype, 1));  // bytes per cached element
  const auto* k = static_cast<const uint8_t*>(k_cache.data);
  const auto* v = static_cast<const uint8_t*>(v_cache.data);
  if (n < kMinTiledQueries) {
    attention_split_keys(q, k_cache.dtype, k, v, pos0, n_head, head_dim, scale, out);
    return;
  }
  const int64_t n_blocks = (n + kQueryBlock - 1) / kQueryBlock;
  pool_.parallel_tasks(n_head * n_blocks, [&](int64_t task, int thread) {
    const int64_t h = task / n_blocks;
    const int64_t b = n_blocks - 1 - task % n_blocks;  // last block first: it has the most keys
    const int64_t i0 = b * kQueryBlock, nq = std::min(kQueryBlock, n - i0);
    const int64_t offset = h * head_dim;
    kernels_->attend_rows(f32(q) + i0 * d + offset, d, nq, pos0 + i0, k_cache.dtype, k + offset * elem,
                          v + offset * elem, d, head_dim, scale,
                          scratch(thread, attend_rows_scratch_floats(nq, head_dim)), f32(out) + i0 * d + offset, d);
  });
}

}  // namespace neox::cpu
