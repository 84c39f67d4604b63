// Host-callable launchers of the CUDA kernels (defined in the k_*.cu files).
// Each enqueues on `stream` and returns; errors surface at the next check.
// Pointers are device pointers. `dyn` points into the per-batch device
// buffer of values that change every decode step (positions, token ids), so
// that a captured CUDA graph stays valid: kernels read them at run time.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "neox/dtype.h"

namespace neox::cuda {

// ---- rows, norms and element-wise ops (k_elementwise.cu) ----
// out[i,:] = table[ids[i],:] converted to f32; ids in dyn[0..n).
void launch_embedding(DType type, const void* table, size_t row_bytes, int64_t d, const int32_t* ids,
                      int64_t n, float* out, cudaStream_t stream);
// Per row of d: (x - mean) / sqrt(var + eps) * gamma + beta.
void launch_layer_norm(const float* x, const float* gamma, const float* beta, float eps, int64_t n, int64_t d,
                       float* out, cudaStream_t stream);
// NeoX rotate-half on the first n_rot dims of each head; row i at position *pos0 + i.
void launch_rope(float* x, int64_t n, int n_head, int head_dim, int n_rot, float base, const int32_t* pos0,
                 cudaStream_t stream);
void launch_gelu(float* x, int64_t count, bool tanh_approximation, cudaStream_t stream);
void launch_add(float* y, const float* x, int64_t count, cudaStream_t stream);
// y[t, r] += bias[r] for t < n, r < m.
void launch_bias_add(float* y, const float* bias, int64_t n, int64_t m, cudaStream_t stream);
void launch_split_qkv(const float* qkv, bool per_head, int64_t n, int n_head, int head_dim, float* q,
                      float* k, float* v, cudaStream_t stream);
// dst[(*dst_row0 + i) * cols + c] = src[i * cols + c].
void launch_copy_rows(const float* src, int64_t rows, int64_t cols, float* dst, const int32_t* dst_row0,
                      cudaStream_t stream);
// Activations to the 16-bit type a cuBLAS GEMM reads (F16 or BF16).
void launch_convert_f32(const float* x, int64_t count, DType to, void* out, cudaStream_t stream);
// Rows [0, rows) of a block-quantized weight to f16, row-major [rows, k].
void launch_dequantize_f16(DType type, const void* w, size_t row_bytes, int64_t rows, int64_t k, void* out,
                           cudaStream_t stream);

// ---- weight-streaming matrix-vector products (k_gemv.cu) ----
// y[t, r] = Σ_i x[t, i] w[r, i] (+ bias[r]) for t < n ≤ kGemvMaxTokens.
void launch_gemv(DType type, const void* w, size_t row_bytes, int64_t m, int64_t k, const float* x, int64_t n,
                 const float* bias, float* y, cudaStream_t stream);

// ---- attention (k_attention.cu, k_flash.cu) ----
struct AttentionArgs {
  const float* q = nullptr;        // [n, n_head * head_dim]
  const float* k_cache = nullptr;  // [n_ctx, n_head * head_dim]
  const float* v_cache = nullptr;
  float* out = nullptr;           // [n, n_head * head_dim]
  const int32_t* pos0 = nullptr;  // device: position of query 0
  int64_t n = 0;
  int n_head = 0;
  int head_dim = 0;
  float scale = 1.0f;
};
// One warp per key with an online softmax; `splits` blocks per (query, head)
// each over a share of the keys, merged through `partial` (split-KV decode).
// splits == 1 writes out directly and needs no scratch.
void launch_attention_split(const AttentionArgs& a, int splits, float* partial, cudaStream_t stream);
// FlashAttention-2 style fused kernel for head_dim 64/80/96/128 (tensor
// cores, f16 inputs, fp32 accumulation and softmax).
void launch_attention_flash(const AttentionArgs& a, cudaStream_t stream);

}  // namespace neox::cuda

namespace neox::cuda {
// Raises the fused attention kernels' shared-memory limit (once, before any
// launch or graph capture).
cudaError_t prepare_flash_attention();
// Shared memory of the fused kernel for a head size (0: not built for it);
// equals flash_smem_bytes() of the host plan (checked at start-up).
size_t flash_kernel_smem_bytes(int head_dim);
}  // namespace neox::cuda
