// Row, norm and element-wise kernels of the CUDA backend. All math in fp32,
// matching the CPU reference: precise erff/tanhf/sinf/cosf (positions reach
// thousands of radians), two-pass layer-norm variance.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "backend/cuda/host/block_decode.h"
#include "backend/cuda/k_common.cuh"
#include "backend/cuda/kernels.h"

namespace neox::cuda {
namespace {

template <DType T>
__device__ __forceinline__ float plain_value(const void* row, int64_t i) {
  if constexpr (T == DType::F32) return static_cast<const float*>(row)[i];
  if constexpr (T == DType::F16) return half_bits_to_float(static_cast<const uint16_t*>(row)[i]);
  if constexpr (T == DType::BF16) return bf16_bits_to_float(static_cast<const uint16_t*>(row)[i]);
  return 0.0f;
}

// One block per token; plain types convert element by element, block types
// decode 32-element groups (one per thread).
template <DType T>
__global__ void embedding_kernel(const uint8_t* table, size_t row_bytes, int64_t d, const int32_t* ids,
                                 float* out) {
  const int64_t i = blockIdx.x;
  const uint8_t* row = table + static_cast<size_t>(ids[i]) * row_bytes;
  float* o = out + i * d;
  if constexpr (T == DType::F32 || T == DType::F16 || T == DType::BF16) {
    for (int64_t c = threadIdx.x; c < d; c += blockDim.x) o[c] = plain_value<T>(row, c);
  } else {
    float v[32];
    for (int64_t g = threadIdx.x; g < d / 32; g += blockDim.x) {
      decode_group<T>(row, g, v);
#pragma unroll
      for (int j = 0; j < 32; ++j) o[32 * g + j] = v[j];
    }
  }
}

template <DType T>
__global__ void dequantize_f16_kernel(const uint8_t* w, size_t row_bytes, int64_t rows, int64_t k,
                                      __half* out) {
  const int64_t groups_per_row = k / 32;
  const int64_t total = rows * groups_per_row;
  float v[32];
  for (int64_t item = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; item < total;
       item += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = item / groups_per_row, g = item % groups_per_row;
    decode_group<T>(w + static_cast<size_t>(r) * row_bytes, g, v);
    // 32 halves = 64 bytes: four 16-byte stores (rows of k halves, k % 32 == 0).
    uint4* dst = reinterpret_cast<uint4*>(out + r * k + 32 * g);
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      __half2 h[4];
#pragma unroll
      for (int j = 0; j < 4; ++j) h[j] = __floats2half2_rn(v[8 * q + 2 * j], v[8 * q + 2 * j + 1]);
      dst[q] = *reinterpret_cast<uint4*>(h);
    }
  }
}

__global__ void layer_norm_kernel(const float* x, const float* gamma, const float* beta, float eps, int64_t d,
                                  float* out) {
  __shared__ float shared[32];
  const float* row = x + blockIdx.x * d;
  float* o = out + blockIdx.x * d;
  float s = 0.0f;
  for (int64_t c = threadIdx.x; c < d; c += blockDim.x) s += row[c];
  const float mean = block_sum(s, shared) / static_cast<float>(d);
  float v = 0.0f;
  for (int64_t c = threadIdx.x; c < d; c += blockDim.x) {
    const float t = row[c] - mean;
    v += t * t;
  }
  const float var = block_sum(v, shared) / static_cast<float>(d);
  const float inv = 1.0f / sqrtf(var + eps);
  for (int64_t c = threadIdx.x; c < d; c += blockDim.x) o[c] = (row[c] - mean) * inv * gamma[c] + beta[c];
}

// Block (token, head); thread j < n_rot/2 rotates the pair (j, j + n_rot/2).
__global__ void rope_kernel(float* x, int n_head, int head_dim, int n_rot, float base, const int32_t* pos0) {
  const int64_t i = blockIdx.x;
  const int h = blockIdx.y;
  const int half = n_rot / 2;
  const float pos = static_cast<float>(static_cast<int64_t>(*pos0) + i);
  float* head = x + (i * n_head + h) * head_dim;
  for (int j = threadIdx.x; j < half; j += blockDim.x) {
    const float exponent = static_cast<float>(2 * j) / static_cast<float>(n_rot);
    const float inv_freq = 1.0f / powf(base, exponent);
    const float angle = pos * inv_freq;
    float s, c;
    sincosf(angle, &s, &c);
    const float a = head[j], b = head[j + half];
    head[j] = a * c - b * s;
    head[j + half] = b * c + a * s;
  }
}

__global__ void gelu_kernel(float* x, int64_t count, bool tanh_approximation) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const float v = x[i];
    if (tanh_approximation)
      x[i] = 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
    else
      x[i] = 0.5f * v * (1.0f + erff(v * 0.7071067811865476f));
  }
}

__global__ void add_kernel(float* y, const float* x, int64_t count) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    y[i] += x[i];
}

__global__ void add4_kernel(float4* y, const float4* x, int64_t count4) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count4;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    float4 a = y[i];
    const float4 b = x[i];
    a.x += b.x;
    a.y += b.y;
    a.z += b.z;
    a.w += b.w;
    y[i] = a;
  }
}

__global__ void bias_add_kernel(float* y, const float* bias, int64_t n, int64_t m) {
  const int64_t count = n * m;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    y[i] += bias[i % m];
}

// One thread per output element of q, k and v.
__global__ void split_qkv_kernel(const float* qkv, bool per_head, int64_t n, int n_head, int head_dim,
                                 float* q, float* k, float* v) {
  const int64_t d = static_cast<int64_t>(n_head) * head_dim;
  const int64_t count = n * 3 * d;
  for (int64_t item = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; item < count;
       item += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t t = item / (3 * d);
    const int64_t rest = item % (3 * d);
    const int part = static_cast<int>(rest / d);
    const int64_t col = rest % d;  // column in q/k/v: head h = col / head_dim
    const int64_t src_col = per_head ? (col / head_dim * 3 + part) * head_dim + col % head_dim
                                     : static_cast<int64_t>(part) * d + col;
    float* dst = part == 0 ? q : (part == 1 ? k : v);
    dst[t * d + col] = qkv[t * 3 * d + src_col];
  }
}

__global__ void copy_rows_kernel(const float* src, int64_t count, int64_t cols, float* dst,
                                 const int32_t* row0) {
  float* base = dst + static_cast<int64_t>(*row0) * cols;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    base[i] = src[i];
}

__global__ void copy_rows4_kernel(const float4* src, int64_t count4, int64_t cols, float* dst,
                                  const int32_t* row0) {
  float4* base = reinterpret_cast<float4*>(dst + static_cast<int64_t>(*row0) * cols);
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count4;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    base[i] = src[i];
}

__global__ void to_half_kernel(const float* x, int64_t count, __half* out) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    out[i] = __float2half_rn(x[i]);
}

__global__ void to_bf16_kernel(const float* x, int64_t count, __nv_bfloat16* out) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    out[i] = __float2bfloat16_rn(x[i]);
}

constexpr int kThreads = 256;

template <template <DType> class Launch, typename... Args>
void dispatch_weight_type(DType type, Args... args) {
  switch (type) {
    case DType::F32:
      Launch<DType::F32>::run(args...);
      break;
    case DType::F16:
      Launch<DType::F16>::run(args...);
      break;
    case DType::BF16:
      Launch<DType::BF16>::run(args...);
      break;
    case DType::Q4_0:
      Launch<DType::Q4_0>::run(args...);
      break;
    case DType::Q4_1:
      Launch<DType::Q4_1>::run(args...);
      break;
    case DType::Q5_0:
      Launch<DType::Q5_0>::run(args...);
      break;
    case DType::Q5_1:
      Launch<DType::Q5_1>::run(args...);
      break;
    case DType::Q8_0:
      Launch<DType::Q8_0>::run(args...);
      break;
    case DType::Q2_K:
      Launch<DType::Q2_K>::run(args...);
      break;
    case DType::Q3_K:
      Launch<DType::Q3_K>::run(args...);
      break;
    case DType::Q4_K:
      Launch<DType::Q4_K>::run(args...);
      break;
    case DType::Q5_K:
      Launch<DType::Q5_K>::run(args...);
      break;
    case DType::Q6_K:
      Launch<DType::Q6_K>::run(args...);
      break;
    default:
      break;  // the backend checked the type before recording
  }
}

template <DType T>
struct EmbeddingLaunch {
  static void run(const void* table, size_t row_bytes, int64_t d, const int32_t* ids, int64_t n, float* out,
                  cudaStream_t stream) {
    embedding_kernel<T><<<static_cast<unsigned>(n), 128, 0, stream>>>(static_cast<const uint8_t*>(table),
                                                                      row_bytes, d, ids, out);
  }
};

template <DType T>
struct DequantLaunch {
  static void run(const void* w, size_t row_bytes, int64_t rows, int64_t k, void* out, cudaStream_t stream) {
    if constexpr (T == DType::F32 || T == DType::F16 || T == DType::BF16) {
      return;  // plain types never take this path
    } else {
      const int64_t groups = rows * (k / 32);
      dequantize_f16_kernel<T><<<grid_for(groups, kThreads, 1 << 20), kThreads, 0, stream>>>(
          static_cast<const uint8_t*>(w), row_bytes, rows, k, static_cast<__half*>(out));
    }
  }
};

}  // namespace

void launch_embedding(DType type, const void* table, size_t row_bytes, int64_t d, const int32_t* ids,
                      int64_t n, float* out, cudaStream_t stream) {
  if (n <= 0 || d <= 0) return;
  dispatch_weight_type<EmbeddingLaunch>(type, table, row_bytes, d, ids, n, out, stream);
}

void launch_dequantize_f16(DType type, const void* w, size_t row_bytes, int64_t rows, int64_t k, void* out,
                           cudaStream_t stream) {
  if (rows <= 0 || k <= 0) return;
  dispatch_weight_type<DequantLaunch>(type, w, row_bytes, rows, k, out, stream);
}

void launch_layer_norm(const float* x, const float* gamma, const float* beta, float eps, int64_t n, int64_t d,
                       float* out, cudaStream_t stream) {
  if (n <= 0 || d <= 0) return;
  const int threads = d >= 1024 ? 512 : (d >= 256 ? 256 : 64);
  layer_norm_kernel<<<static_cast<unsigned>(n), threads, 0, stream>>>(x, gamma, beta, eps, d, out);
}

void launch_rope(float* x, int64_t n, int n_head, int head_dim, int n_rot, float base, const int32_t* pos0,
                 cudaStream_t stream) {
  if (n <= 0 || n_rot <= 0 || n_head <= 0) return;
  const int threads = ((n_rot / 2 + 31) / 32) * 32;
  rope_kernel<<<dim3(static_cast<unsigned>(n), static_cast<unsigned>(n_head)), threads, 0, stream>>>(
      x, n_head, head_dim, n_rot, base, pos0);
}

void launch_gelu(float* x, int64_t count, bool tanh_approximation, cudaStream_t stream) {
  if (count <= 0) return;
  gelu_kernel<<<grid_for(count, kThreads), kThreads, 0, stream>>>(x, count, tanh_approximation);
}

void launch_add(float* y, const float* x, int64_t count, cudaStream_t stream) {
  if (count <= 0) return;
  const bool aligned = (reinterpret_cast<uintptr_t>(y) | reinterpret_cast<uintptr_t>(x)) % 16 == 0;
  if (aligned && count % 4 == 0)
    add4_kernel<<<grid_for(count / 4, kThreads), kThreads, 0, stream>>>(
        reinterpret_cast<float4*>(y), reinterpret_cast<const float4*>(x), count / 4);
  else
    add_kernel<<<grid_for(count, kThreads), kThreads, 0, stream>>>(y, x, count);
}

void launch_bias_add(float* y, const float* bias, int64_t n, int64_t m, cudaStream_t stream) {
  if (n <= 0 || m <= 0) return;
  bias_add_kernel<<<grid_for(n * m, kThreads), kThreads, 0, stream>>>(y, bias, n, m);
}

void launch_split_qkv(const float* qkv, bool per_head, int64_t n, int n_head, int head_dim, float* q,
                      float* k, float* v, cudaStream_t stream) {
  const int64_t count = n * 3 * static_cast<int64_t>(n_head) * head_dim;
  if (count <= 0) return;
  split_qkv_kernel<<<grid_for(count, kThreads), kThreads, 0, stream>>>(qkv, per_head, n, n_head, head_dim, q,
                                                                       k, v);
}

void launch_copy_rows(const float* src, int64_t rows, int64_t cols, float* dst, const int32_t* dst_row0,
                      cudaStream_t stream) {
  const int64_t count = rows * cols;
  if (count <= 0) return;
  const bool aligned = (reinterpret_cast<uintptr_t>(src) | reinterpret_cast<uintptr_t>(dst)) % 16 == 0;
  if (aligned && cols % 4 == 0)
    copy_rows4_kernel<<<grid_for(count / 4, kThreads), kThreads, 0, stream>>>(
        reinterpret_cast<const float4*>(src), count / 4, cols, dst, dst_row0);
  else
    copy_rows_kernel<<<grid_for(count, kThreads), kThreads, 0, stream>>>(src, count, cols, dst, dst_row0);
}

void launch_convert_f32(const float* x, int64_t count, DType to, void* out, cudaStream_t stream) {
  if (count <= 0) return;
  if (to == DType::BF16)
    to_bf16_kernel<<<grid_for(count, kThreads), kThreads, 0, stream>>>(x, count,
                                                                       static_cast<__nv_bfloat16*>(out));
  else
    to_half_kernel<<<grid_for(count, kThreads), kThreads, 0, stream>>>(x, count, static_cast<__half*>(out));
}

}  // namespace neox::cuda
