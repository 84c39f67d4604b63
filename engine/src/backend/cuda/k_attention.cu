// Causal attention over the F32 KV cache, any head size up to 256: the decode
// path (split-KV) and the fallback for prompts the fused kernel does not take.
//
// Block (head h, split s, query i) with 4 warps. Query i at position
// pos0 + i sees keys [0, pos0 + i]; split s takes the share
// split_key_range(n_keys, splits, s) (host/launch_plan.cpp specifies it).
// Each warp walks every 4th key of the share: the warp dots q with the key
// (lane j holds elements j, j+32, ... of the head), then updates its own
// online softmax (running max m, sum l, weighted value sum acc) in fp32. The
// warps then merge through shared memory; with one split the block writes
// the output, else (m, l, acc) go to `partial` and a second kernel merges the
// splits.
#include <cfloat>

#include "backend/cuda/k_common.cuh"
#include "backend/cuda/kernels.h"

namespace neox::cuda {
namespace {

constexpr int kWarps = 4;

template <int PL>  // values per lane: head_dim ≤ 32 * PL
__global__ void __launch_bounds__(kWarps * 32)
    attention_split_kernel(AttentionArgs a, int splits, float* partial) {
  const int h = blockIdx.x, s = blockIdx.y;
  const int64_t i = blockIdx.z;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int hd = a.head_dim;
  const int64_t d = static_cast<int64_t>(a.n_head) * hd;
  const int64_t n_keys = static_cast<int64_t>(*a.pos0) + i + 1;
  const int64_t chunk = (n_keys + splits - 1) / splits;
  const int64_t key_begin = min(n_keys, s * chunk);
  const int64_t key_end = min(n_keys, key_begin + chunk);

  float q[PL], acc[PL];
#pragma unroll
  for (int j = 0; j < PL; ++j) {
    const int c = j * 32 + lane;
    q[j] = c < hd ? a.q[i * d + h * hd + c] * a.scale : 0.0f;
    acc[j] = 0.0f;
  }
  float m = -FLT_MAX, l = 0.0f;
  for (int64_t key = key_begin + warp; key < key_end; key += kWarps) {
    const float* kr = a.k_cache + key * d + h * hd;
    const float* vr = a.v_cache + key * d + h * hd;
    float dot = 0.0f;
    float v[PL];
#pragma unroll
    for (int j = 0; j < PL; ++j) {
      const int c = j * 32 + lane;
      const bool in = c < hd;
      dot += in ? q[j] * kr[c] : 0.0f;
      v[j] = in ? vr[c] : 0.0f;
    }
    dot = warp_sum(dot);
    const float m_new = fmaxf(m, dot);
    const float correction = __expf(m - m_new);
    const float p = __expf(dot - m_new);
    l = l * correction + p;
#pragma unroll
    for (int j = 0; j < PL; ++j) acc[j] = acc[j] * correction + p * v[j];
    m = m_new;
  }

  // Merge the warps: shared [kWarps] m, l and [kWarps][32 * PL] acc.
  __shared__ float sm[kWarps], sl[kWarps];
  __shared__ float sacc[kWarps][32 * PL];
  if (lane == 0) {
    sm[warp] = m;
    sl[warp] = l;
  }
#pragma unroll
  for (int j = 0; j < PL; ++j) sacc[warp][j * 32 + lane] = acc[j];
  __syncthreads();
  float big = -FLT_MAX;
#pragma unroll
  for (int w = 0; w < kWarps; ++w)
    if (sl[w] > 0.0f) big = fmaxf(big, sm[w]);
  float total = 0.0f;
  float weight[kWarps];
#pragma unroll
  for (int w = 0; w < kWarps; ++w) {
    weight[w] = sl[w] > 0.0f ? __expf(sm[w] - big) : 0.0f;
    total += sl[w] * weight[w];
  }
  for (int c = threadIdx.x; c < hd; c += blockDim.x) {
    float o = 0.0f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) o += sacc[w][c] * weight[w];
    if (splits == 1) {
      a.out[i * d + h * hd + c] = total > 0.0f ? o / total : 0.0f;
    } else {
      float* part = partial + ((i * a.n_head + h) * splits + s) * (hd + 2);
      part[2 + c] = o;
      if (c == 0) {
        part[0] = big;
        part[1] = total;
      }
    }
  }
}

// Block (head, query), threads over the head's elements: merges the splits.
__global__ void attention_merge_kernel(AttentionArgs a, int splits, const float* partial) {
  const int h = blockIdx.x;
  const int64_t i = blockIdx.y;
  const int hd = a.head_dim;
  const int64_t d = static_cast<int64_t>(a.n_head) * hd;
  const float* base = partial + (i * a.n_head + h) * splits * (hd + 2);
  float big = -FLT_MAX;
  for (int s = 0; s < splits; ++s)
    if (base[s * (hd + 2) + 1] > 0.0f) big = fmaxf(big, base[s * (hd + 2)]);
  float total = 0.0f;
  for (int s = 0; s < splits; ++s) {
    const float l = base[s * (hd + 2) + 1];
    if (l > 0.0f) total += l * __expf(base[s * (hd + 2)] - big);
  }
  for (int c = threadIdx.x; c < hd; c += blockDim.x) {
    float o = 0.0f;
    for (int s = 0; s < splits; ++s) {
      const float* part = base + s * (hd + 2);
      if (part[1] > 0.0f) o += part[2 + c] * __expf(part[0] - big);
    }
    a.out[i * d + h * hd + c] = total > 0.0f ? o / total : 0.0f;
  }
}

}  // namespace

void launch_attention_split(const AttentionArgs& a, int splits, float* partial, cudaStream_t stream) {
  if (a.n <= 0 || a.n_head <= 0 || a.head_dim <= 0) return;
  if (splits < 1) splits = 1;
  const dim3 grid(static_cast<unsigned>(a.n_head), static_cast<unsigned>(splits), static_cast<unsigned>(a.n));
  const int per_lane = (a.head_dim + 31) / 32;
  if (per_lane <= 1)
    attention_split_kernel<1><<<grid, kWarps * 32, 0, stream>>>(a, splits, partial);
  else if (per_lane <= 2)
    attention_split_kernel<2><<<grid, kWarps * 32, 0, stream>>>(a, splits, partial);
  else if (per_lane <= 4)
    attention_split_kernel<4><<<grid, kWarps * 32, 0, stream>>>(a, splits, partial);
  else
    attention_split_kernel<8><<<grid, kWarps * 32, 0, stream>>>(a, splits, partial);
  if (splits > 1) {
    const int threads = ((a.head_dim + 31) / 32) * 32;
    attention_merge_kernel<<<dim3(static_cast<unsigned>(a.n_head), static_cast<unsigned>(a.n)), threads, 0,
                             stream>>>(a, splits, partial);
  }
}

}  // namespace neox::cuda
