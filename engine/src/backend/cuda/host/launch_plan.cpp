// Host-side launch planning of the CUDA backend; see launch_plan.h.
#include "backend/cuda/host/launch_plan.h"

#include <algorithm>

#include "neox/quant.h"

namespace neox::cuda {

MatmulPath choose_matmul_path(DType weight, int64_t n_tokens) {
  if (n_tokens <= kGemvMaxTokens) return MatmulPath::kGemv;
  if (weight == DType::F16 || weight == DType::BF16) return MatmulPath::kCublasHalf;
  if (weight == DType::F32) return MatmulPath::kCublasF32;
  return MatmulPath::kCublasDequantized;
}

GemvPlan plan_gemv(DType weight, int64_t m, int64_t k, int64_t n_tokens) {
  GemvPlan p;
  p.rows_per_block = p.threads_per_block / 32;
  p.blocks = (m + p.rows_per_block - 1) / p.rows_per_block;
  // 16-byte loads need every row to start 16-byte aligned: 8 halves or 4
  // floats per load, so k a multiple of that.
  if (weight == DType::F16 || weight == DType::BF16) p.vectorized = k % 8 == 0;
  if (weight == DType::F32) p.vectorized = k % 4 == 0;
  p.max_tokens = n_tokens <= 1 ? 1 : static_cast<int>(kGemvMaxTokens);
  return p;
}

DequantTilePlan plan_dequant_tiles(int64_t m, int64_t k, size_t scratch_bytes) {
  DequantTilePlan p;
  if (m <= 0 || k <= 0) return p;
  const int64_t row_bytes = k * 2;  // f16
  int64_t rows = static_cast<int64_t>(scratch_bytes) / row_bytes;
  rows = rows / 64 * 64;  // whole 64-row steps keep cuBLAS on its fast tiles
  rows = std::max<int64_t>(rows, std::min<int64_t>(m, 64));
  p.tile_rows = std::min(rows, m);
  p.tiles = (m + p.tile_rows - 1) / p.tile_rows;
  return p;
}

SplitKvPlan plan_split_kv(int n_head, int64_t n_ctx, int n_sms) {
  SplitKvPlan p;
  if (n_head <= 0 || n_ctx <= 0) return p;
  // Enough blocks for two waves over the multiprocessors, but every split at
  // least 128 keys of a full cache: merging costs a second launch.
  const int64_t want = (2LL * std::max(n_sms, 1) + n_head - 1) / n_head;
  const int64_t most = std::max<int64_t>(1, n_ctx / 128);
  p.splits = static_cast<int>(std::clamp<int64_t>(want, 1, std::min<int64_t>(most, 64)));
  return p;
}

KeyRange split_key_range(int64_t n_keys, int splits, int s) {
  const int64_t chunk = (n_keys + splits - 1) / splits;
  KeyRange r;
  r.begin = std::min(n_keys, s * chunk);
  r.end = std::min(n_keys, r.begin + chunk);
  return r;
}

bool flash_head_dim_supported(int head_dim) {
  return head_dim == 64 || head_dim == 80 || head_dim == 96 || head_dim == 128;
}

size_t flash_smem_bytes(int head_dim) {
  // Matches the layout in attention_flash.cu: half tiles padded by 8
  // elements per row, float tiles by 4, every region rounded to 128 bytes.
  auto round = [](size_t b) { return (b + 127) / 128 * 128; };
  const size_t ld_half = static_cast<size_t>(head_dim) + 8;
  const size_t ld_o = static_cast<size_t>(head_dim) + 4;
  const size_t q = round(kFlashBlockQ * ld_half * 2);
  const size_t kv = round(kFlashBlockKv * ld_half * 2);
  const size_t s = round(kFlashBlockQ * (kFlashBlockKv + 4) * 4);
  const size_t p = round(kFlashBlockQ * (kFlashBlockKv + 8) * 2);
  const size_t o = round(kFlashBlockQ * ld_o * 4);
  const size_t stats = round(kFlashBlockQ * 3 * 4);
  return q + 2 * kv + s + p + o + stats;
}

bool use_flash_attention(int head_dim, int64_t n_queries) {
  return flash_head_dim_supported(head_dim) && n_queries >= 16;
}

int attention_values_per_lane(int head_dim) {
  if (head_dim <= 0 || head_dim > 256) return 0;
  const int per_lane = (head_dim + 31) / 32;
  if (per_lane <= 1) return 1;
  if (per_lane <= 2) return 2;
  if (per_lane <= 4) return 4;
  return 8;
}

size_t split_kv_scratch_bytes(int64_t n_queries, int n_head, int head_dim, int splits) {
  return static_cast<size_t>(n_queries) * static_cast<size_t>(n_head) * static_cast<size_t>(splits) *
         (static_cast<size_t>(head_dim) + 2) * sizeof(float);
}

}  // namespace neox::cuda
