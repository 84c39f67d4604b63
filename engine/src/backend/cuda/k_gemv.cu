// Weight-streaming matrix-vector products for decode (n ≤ kGemvMaxTokens
// tokens): bound by reading the weight once. One warp per output row; each
// lane streams a strided share of the row, converts to f32 in registers and
// dots it with every token's activations (which stay in L1/L2), then the
// warp reduces. Plain types use 16-byte loads, several in flight per lane;
// block-quantized types decode 32-element groups (block_decode.h) on the fly.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "backend/cuda/host/block_decode.h"
#include "backend/cuda/host/launch_plan.h"
#include "backend/cuda/k_common.cuh"
#include "backend/cuda/kernels.h"

namespace neox::cuda {
namespace {

constexpr int kWarpsPerBlock = 4;
constexpr int kUnroll = 4;

template <DType T>
__device__ __forceinline__ float plain_at(const uint8_t* row, int64_t i) {
  if constexpr (T == DType::F32) return reinterpret_cast<const float*>(row)[i];
  if constexpr (T == DType::F16) return half_bits_to_float(reinterpret_cast<const uint16_t*>(row)[i]);
  return bf16_bits_to_float(reinterpret_cast<const uint16_t*>(row)[i]);
}

// The 16 bytes at `raw` as 8 (F16/BF16) or 4 (F32) floats.
template <DType T>
__device__ __forceinline__ void unpack16(const uint4& raw, float* out) {
  if constexpr (T == DType::F32) {
    out[0] = __uint_as_float(raw.x);
    out[1] = __uint_as_float(raw.y);
    out[2] = __uint_as_float(raw.z);
    out[3] = __uint_as_float(raw.w);
  } else {
    const uint32_t words[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      if constexpr (T == DType::F16) {
        const float2 f = __half22float2(*reinterpret_cast<const __half2*>(&words[j]));
        out[2 * j] = f.x;
        out[2 * j + 1] = f.y;
      } else {
        out[2 * j] = __uint_as_float(words[j] << 16);
        out[2 * j + 1] = __uint_as_float(words[j] & 0xffff0000u);
      }
    }
  }
}

template <int NT>
__device__ __forceinline__ void finish_row(float (&acc)[NT], int n, int64_t r, int64_t m, const float* bias,
                                           float* y) {
  const int lane = threadIdx.x % 32;
#pragma unroll
  for (int t = 0; t < NT; ++t) acc[t] = warp_sum(acc[t]);
  if (lane == 0) {
    const float b = bias ? bias[r] : 0.0f;
#pragma unroll
    for (int t = 0; t < NT; ++t)
      if (t < n) y[t * m + r] = acc[t] + b;
  }
}

template <DType T, int NT, bool kVec>
__global__ void __launch_bounds__(kWarpsPerBlock * 32)
    gemv_plain_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int64_t m, int64_t k,
                      const float* __restrict__ x, int n, const float* __restrict__ bias,
                      float* __restrict__ y) {
  const int lane = threadIdx.x % 32;
  const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
  if (r >= m) return;
  const uint8_t* row = w + static_cast<size_t>(r) * row_bytes;
  float acc[NT];
#pragma unroll
  for (int t = 0; t < NT; ++t) acc[t] = 0.0f;
  if constexpr (kVec) {
    constexpr int V = T == DType::F32 ? 4 : 8;  // elements per 16-byte load
    const int64_t n_vec = k / V;
    const uint4* rv = reinterpret_cast<const uint4*>(row);
    for (int64_t base = lane; base < n_vec; base += 32 * kUnroll) {
      uint4 raw[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int64_t idx = base + 32 * u;
        raw[u] = idx < n_vec ? __ldg(rv + idx) : make_uint4(0, 0, 0, 0);
      }
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int64_t idx = base + 32 * u;
        if (idx >= n_vec) break;
        float wv[V];
        unpack16<T>(raw[u], wv);
#pragma unroll
        for (int t = 0; t < NT; ++t) {
          if (t >= n) break;
          const float4* xv = reinterpret_cast<const float4*>(x + t * k + idx * V);
#pragma unroll
          for (int q = 0; q < V / 4; ++q) {
            const float4 xx = __ldg(xv + q);
            acc[t] += wv[4 * q] * xx.x + wv[4 * q + 1] * xx.y + wv[4 * q + 2] * xx.z + wv[4 * q + 3] * xx.w;
          }
        }
      }
    }
  } else {
    for (int64_t i = lane; i < k; i += 32) {
      const float wv = plain_at<T>(row, i);
#pragma unroll
      for (int t = 0; t < NT; ++t)
        if (t < n) acc[t] += wv * x[t * k + i];
    }
  }
  finish_row<NT>(acc, n, r, m, bias, y);
}

template <DType T, int NT>
__global__ void __launch_bounds__(kWarpsPerBlock * 32)
    gemv_blocks_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int64_t m, int64_t k,
                       const float* __restrict__ x, int n, const float* __restrict__ bias,
                       float* __restrict__ y) {
  const int lane = threadIdx.x % 32;
  const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
  if (r >= m) return;
  const uint8_t* row = w + static_cast<size_t>(r) * row_bytes;
  const int64_t n_groups = k / 32;
  float acc[NT];
#pragma unroll
  for (int t = 0; t < NT; ++t) acc[t] = 0.0f;
#pragma unroll 2
  for (int64_t g = lane; g < n_groups; g += 32) {
    float wv[32];
    decode_group<T>(row, g, wv);
#pragma unroll
    for (int t = 0; t < NT; ++t) {
      if (t >= n) break;
      const float4* xv = reinterpret_cast<const float4*>(x + t * k + 32 * g);
      float s = 0.0f;
#pragma unroll
      for (int q = 0; q < 8; ++q) {
        const float4 xx = __ldg(xv + q);
        s += wv[4 * q] * xx.x + wv[4 * q + 1] * xx.y + wv[4 * q + 2] * xx.z + wv[4 * q + 3] * xx.w;
      }
      acc[t] += s;
    }
  }
  finish_row<NT>(acc, n, r, m, bias, y);
}

template <DType T, int NT>
void launch_typed(const GemvPlan& plan, const void* w, size_t row_bytes, int64_t m, int64_t k, const float* x,
                  int n, const float* bias, float* y, cudaStream_t stream) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const dim3 grid(static_cast<unsigned>(plan.blocks)), block(kWarpsPerBlock * 32);
  if constexpr (T == DType::F32 || T == DType::F16 || T == DType::BF16) {
    if (plan.vectorized)
      gemv_plain_kernel<T, NT, true><<<grid, block, 0, stream>>>(wb, row_bytes, m, k, x, n, bias, y);
    else
      gemv_plain_kernel<T, NT, false><<<grid, block, 0, stream>>>(wb, row_bytes, m, k, x, n, bias, y);
  } else {
    gemv_blocks_kernel<T, NT><<<grid, block, 0, stream>>>(wb, row_bytes, m, k, x, n, bias, y);
  }
}

template <DType T>
void launch_for_tokens(const GemvPlan& plan, const void* w, size_t row_bytes, int64_t m, int64_t k,
                       const float* x, int n, const float* bias, float* y, cudaStream_t stream) {
  if (plan.max_tokens == 1)
    launch_typed<T, 1>(plan, w, row_bytes, m, k, x, n, bias, y, stream);
  else
    launch_typed<T, static_cast<int>(kGemvMaxTokens)>(plan, w, row_bytes, m, k, x, n, bias, y, stream);
}

}  // namespace

void launch_gemv(DType type, const void* w, size_t row_bytes, int64_t m, int64_t k, const float* x, int64_t n,
                 const float* bias, float* y, cudaStream_t stream) {
  if (m <= 0 || n <= 0) return;
  const GemvPlan plan = plan_gemv(type, m, k, n);
  const int nt = static_cast<int>(n);
  switch (type) {
    case DType::F32:
      return launch_for_tokens<DType::F32>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::F16:
      return launch_for_tokens<DType::F16>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::BF16:
      return launch_for_tokens<DType::BF16>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q4_0:
      return launch_for_tokens<DType::Q4_0>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q4_1:
      return launch_for_tokens<DType::Q4_1>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q5_0:
      return launch_for_tokens<DType::Q5_0>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q5_1:
      return launch_for_tokens<DType::Q5_1>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q8_0:
      return launch_for_tokens<DType::Q8_0>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q2_K:
      return launch_for_tokens<DType::Q2_K>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q3_K:
      return launch_for_tokens<DType::Q3_K>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q4_K:
      return launch_for_tokens<DType::Q4_K>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q5_K:
      return launch_for_tokens<DType::Q5_K>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    case DType::Q6_K:
      return launch_for_tokens<DType::Q6_K>(plan, w, row_bytes, m, k, x, nt, bias, y, stream);
    default:
      return;
  }
}

}  // namespace neox::cuda
