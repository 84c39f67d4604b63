// Host-side launch planning of the CUDA backend (runs without a GPU).
#include "backend/cuda/host/launch_plan.h"

#include <gtest/gtest.h>

#include <vector>

namespace neox::cuda {
namespace {

TEST(CudaLaunchPlan, MatmulPathByTokensAndType) {
  EXPECT_EQ(choose_matmul_path(DType::Q4_0, 1), MatmulPath::kGemv);
  EXPECT_EQ(choose_matmul_path(DType::F16, kGemvMaxTokens), MatmulPath::kGemv);
  EXPECT_EQ(choose_matmul_path(DType::F16, kGemvMaxTokens + 1), MatmulPath::kCublasHalf);
  EXPECT_EQ(choose_matmul_path(DType::BF16, 512), MatmulPath::kCublasHalf);
  EXPECT_EQ(choose_matmul_path(DType::F32, 512), MatmulPath::kCublasF32);
  EXPECT_EQ(choose_matmul_path(DType::Q6_K, 512), MatmulPath::kCublasDequantized);
}

TEST(CudaLaunchPlan, GemvCoversEveryRowAndVectorizesOnlyAlignedRows) {
  for (int64_t m : {1, 3, 4, 5, 50304}) {
    const GemvPlan p = plan_gemv(DType::F16, m, 2048, 1);
    EXPECT_GE(p.blocks * p.rows_per_block, m);
    EXPECT_LT((p.blocks - 1) * p.rows_per_block, m);
    EXPECT_EQ(p.rows_per_block * 32, p.threads_per_block);
  }
  EXPECT_TRUE(plan_gemv(DType::F16, 8, 2048, 1).vectorized);
  EXPECT_FALSE(plan_gemv(DType::F16, 8, 37, 1).vectorized);  // rows would start unaligned
  EXPECT_TRUE(plan_gemv(DType::F32, 8, 100, 1).vectorized);
  EXPECT_FALSE(plan_gemv(DType::F32, 8, 101, 1).vectorized);
  EXPECT_FALSE(plan_gemv(DType::Q4_0, 8, 2048, 1).vectorized);
  EXPECT_EQ(plan_gemv(DType::Q4_0, 8, 2048, 1).max_tokens, 1);
  EXPECT_EQ(plan_gemv(DType::Q4_0, 8, 2048, 3).max_tokens, kGemvMaxTokens);
}

TEST(CudaLaunchPlan, DequantTilesCoverTheWeightWithinBudget) {
  for (auto [m, k] :
       std::vector<std::pair<int64_t, int64_t>>{{50, 64}, {4096, 4096}, {24576, 6144}, {50432, 6144}}) {
    const size_t budget = 256u << 20;
    const DequantTilePlan p = plan_dequant_tiles(m, k, budget);
    ASSERT_GT(p.tile_rows, 0);
    EXPECT_GE(p.tiles * p.tile_rows, m);
    EXPECT_LT((p.tiles - 1) * p.tile_rows, m);
    EXPECT_LE(static_cast<size_t>(p.tile_rows * k * 2), budget) << m << "x" << k;
  }
  // A budget smaller than one row still makes progress.
  EXPECT_GT(plan_dequant_tiles(100, 1 << 20, 1024).tile_rows, 0);
}

TEST(CudaLaunchPlan, SplitKvRangesPartitionTheKeys) {
  for (int64_t n_keys : {1, 2, 7, 64, 100, 2047, 2048}) {
    for (int splits : {1, 2, 3, 8, 64}) {
      int64_t next = 0;
      for (int s = 0; s < splits; ++s) {
        const KeyRange r = split_key_range(n_keys, splits, s);
        ASSERT_LE(r.begin, r.end);
        if (r.begin < r.end) {
          EXPECT_EQ(r.begin, next) << n_keys << " keys, split " << s << " of " << splits;
          next = r.end;
        }
      }
      EXPECT_EQ(next, n_keys) << n_keys << " keys in " << splits << " splits";
    }
  }
}

TEST(CudaLaunchPlan, SplitKvFillsTheGpuButNotForShortCaches) {
  // H200: 132 SMs. 16 heads (Pythia-1.4B) want ~17 splits of a 2048 cache.
  const SplitKvPlan p = plan_split_kv(16, 2048, 132);
  EXPECT_GE(p.splits * 16, 132);
  EXPECT_LE(p.splits, 2048 / 128);
  EXPECT_EQ(plan_split_kv(64, 2048, 132).splits, 5);  // NeoX-20B: 64 heads, ceil(264 / 64)
  EXPECT_EQ(plan_split_kv(16, 100, 132).splits, 1);   // a cache this short is one split
  EXPECT_EQ(plan_split_kv(0, 2048, 132).splits, 1);
}

TEST(CudaLaunchPlan, FlashAttentionHeadSizesAndSharedMemory) {
  for (int hd : {64, 80, 96, 128}) {
    EXPECT_TRUE(flash_head_dim_supported(hd));
    // Must fit an A100's 163 KB opt-in limit (H100/H200: 227 KB).
    EXPECT_LE(flash_smem_bytes(hd), 163u * 1024) << hd;
    EXPECT_GT(flash_smem_bytes(hd), flash_smem_bytes(hd == 64 ? 32 : hd - 16)) << hd;
  }
  for (int hd : {8, 24, 100, 256}) EXPECT_FALSE(flash_head_dim_supported(hd));
  EXPECT_TRUE(use_flash_attention(128, 512));
  EXPECT_FALSE(use_flash_attention(128, 1));  // decode takes split-KV
  EXPECT_FALSE(use_flash_attention(24, 512));
}

TEST(CudaLaunchPlan, ValuesPerLaneCoverTheHead) {
  for (int hd = 1; hd <= 256; ++hd) {
    const int per_lane = attention_values_per_lane(hd);
    ASSERT_GT(per_lane, 0) << hd;
    EXPECT_GE(32 * per_lane, hd);
  }
  EXPECT_EQ(attention_values_per_lane(257), 0);
  EXPECT_EQ(attention_values_per_lane(0), 0);
  EXPECT_EQ(split_kv_scratch_bytes(1, 64, 96, 5), 64u * 5 * 98 * 4);
}

}  // namespace
}  // namespace neox::cuda
