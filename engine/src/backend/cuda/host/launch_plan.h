// Host-side planning for the CUDA backend: which kernel path an op takes and
// with what launch shape, how the split-KV decode attention divides the
// cache, how a prompt matmul over a quantized weight is tiled through the
// f16 scratch buffer. Plain C++ with no CUDA dependency, so the decisions are
// unit-tested on machines without a GPU (tests/engine/cuda/launch_plan_test).
#pragma once

#include <cstddef>
#include <cstdint>

#include "neox/dtype.h"

namespace neox::cuda {

// Matmuls with at most this many tokens stream the weight once through the
// GEMV kernels (memory bound); more go to cuBLAS (tensor cores).
constexpr int64_t kGemvMaxTokens = 8;

enum class MatmulPath {
  kGemv,              // weight-streaming kernel, any supported weight type
  kCublasHalf,        // F16/BF16 weight as it is, activations converted to its type
  kCublasF32,         // F32 weight, fp32 GEMM (no TF32)
  kCublasDequantized  // block-quantized weight dequantized to f16 tile by tile
};

MatmulPath choose_matmul_path(DType weight, int64_t n_tokens);

// Launch shape of a GEMV kernel: one warp per output row.
struct GemvPlan {
  int threads_per_block = 128;  // 4 warps: 4 rows per block
  int64_t blocks = 0;           // ceil(m / rows_per_block)
  int rows_per_block = 4;
  bool vectorized = false;  // plain types: 16-byte loads (row bytes and k fit)
  int max_tokens = 1;       // the kernel instance: 1 (decode) or kGemvMaxTokens
};
GemvPlan plan_gemv(DType weight, int64_t m, int64_t k, int64_t n_tokens);

// A prompt matmul over a block-quantized weight [m, k]: rows are
// dequantized to f16 in tiles of `tile_rows` that fit `scratch_bytes`.
struct DequantTilePlan {
  int64_t tile_rows = 0;
  int64_t tiles = 0;
};
DequantTilePlan plan_dequant_tiles(int64_t m, int64_t k, size_t scratch_bytes);

// Split-KV decode attention: each (head, split) block takes a contiguous
// share of the keys, a second kernel merges the splits. The number of splits
// is fixed by the cache's capacity (so a captured CUDA graph stays valid as
// the context grows); each split's share is computed on the device from the
// current key count.
struct SplitKvPlan {
  int splits = 1;
};
SplitKvPlan plan_split_kv(int n_head, int64_t n_ctx, int n_sms);

// Keys [begin, end) of split `s` when `n_keys` keys are split `splits` ways:
// the device kernels compute the same (this is their specification).
struct KeyRange {
  int64_t begin = 0, end = 0;
};
KeyRange split_key_range(int64_t n_keys, int splits, int s);

// Fused (FlashAttention-2 style) prefill kernel: head sizes it is built for,
// its tile and its shared memory.
constexpr int kFlashBlockQ = 64;   // queries per block (4 warps × 16 rows)
constexpr int kFlashBlockKv = 64;  // keys per tile
bool flash_head_dim_supported(int head_dim);
size_t flash_smem_bytes(int head_dim);
// Whether a prompt attention of n queries takes the fused kernel (else the
// generic one-warp-per-key kernel, also used for any head size).
bool use_flash_attention(int head_dim, int64_t n_queries);

// Per-lane values a warp holds for a head vector in the generic kernels
// (head_dim ≤ 32 * this); 0 for unsupported head sizes (> 256).
int attention_values_per_lane(int head_dim);

// Bytes of scratch the backend keeps for the split-KV partial results:
// n_queries × n_head × splits × (head_dim + 2) floats.
size_t split_kv_scratch_bytes(int64_t n_queries, int n_head, int head_dim, int splits);

}  // namespace neox::cuda
