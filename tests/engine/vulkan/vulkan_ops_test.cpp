// Every op of the Vulkan backend against the CPU backend on random inputs,
// for every weight type (tests/engine/support/backend_compare.h: NMSE, NaN/Inf
// and guard rows around each output), with the validation layers on and no
// validation message allowed.
//
// Tolerances (NMSE):
//  - exact ops (split, add, copy): 0.
//  - f32 arithmetic in another order (norm, matmul with plain or prefill
//    weights, attention's online softmax, rope and gelu with the GPU's own
//    exp/sin/cos/pow): ≤ 1e-9 .. 1e-10; a wrong index or formula gives ~1.
//  - quantized matmul: the CPU rounds activations to 8 bits per block
//    (backend.h; measured here for 1 to 40 tokens), the GPU does not; that
//    rounding alone measures up to ~1.3e-4
//    (tests/engine/backend/quant_matmul_test.cpp): bound 5e-4.
#include <gtest/gtest.h>

#include <cstdlib>
#include <tuple>

#include "neox/dtype.h"
#include "neox/quant.h"
#include "support/backend_compare.h"
#include "vulkan/vulkan_test_support.h"

namespace neox::test {
namespace {

class VulkanOps : public ::testing::Test {
 protected:
  void SetUp() override {
    NEOX_REQUIRE_VULKAN(vulkan_under_test());
    before_ = vulkan_validation_messages(vk());
    cmp_ = std::make_unique<BackendCompare>(cpu_reference(), vk(), 1234);
  }
  void TearDown() override {
    cmp_.reset();  // frees on both backends: freeing must not raise validation messages either
    if (vulkan_under_test().backend) {
      vk().synchronize();
      expect_no_new_validation_messages(vk(), before_);
    }
  }
  Backend& vk() { return *vulkan_under_test().backend; }
  BackendCompare& cmp() { return *cmp_; }

  int before_ = 0;
  std::unique_ptr<BackendCompare> cmp_;
};

bool is_plain(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16;
}

TEST_F(VulkanOps, NameAndSupport) {
  EXPECT_NE(vk().name().find("vulkan"), std::string::npos) << vk().name();
  EXPECT_FALSE(vk().device_name().empty());
  for (DType t : all_weight_types()) {
    EXPECT_TRUE(vk().supports(Op::kMatMul, t)) << dtype_name(t);
    EXPECT_TRUE(vk().supports(Op::kEmbedding, t)) << dtype_name(t);
  }
  EXPECT_FALSE(vk().supports(Op::kMatMul, DType::IQ2_XS));
}

// Decode (matrix-vector, n ≤ 8) and prefill (tiled, n > 8) paths, with and
// without bias; plain types also with k not a multiple of 4 or 32.
TEST_F(VulkanOps, MatMulEveryWeightType) {
  for (DType t : all_weight_types()) {
    const int64_t block = dtype_layout(static_cast<uint32_t>(t))->block_elems;
    for (auto [n, k, m] : {std::tuple<int64_t, int64_t, int64_t>{1, 256, 40},
                           {3, 512, 33},
                           {8, 256, 17},
                           {9, 256, 31},
                           {40, 512, 70},
                           {1, 37, 13},
                           {33, 129, 65}}) {
      if (k % block) continue;
      cmp().matmul(t, n, k, m, /*bias=*/m % 2 == 1, is_plain(t) ? 1e-9 : 5e-4);
    }
  }
}

TEST_F(VulkanOps, EmbeddingEveryWeightType) {
  for (DType t : all_weight_types()) {
    const int64_t d = is_plain(t) ? 37 : 2 * dtype_layout(static_cast<uint32_t>(t))->block_elems;
    cmp().embedding(t, 50, d, 7);
  }
}

TEST_F(VulkanOps, LayerNorm) {
  cmp().layer_norm(1, 64);
  cmp().layer_norm(5, 200);
  cmp().layer_norm(3, 1000);
}

TEST_F(VulkanOps, SplitQkvBothLayouts) {
  for (QkvLayout layout : {QkvLayout::kPerHead, QkvLayout::kBlocked}) {
    cmp().split_qkv(layout, 1, 4, 24);
    cmp().split_qkv(layout, 5, 3, 16);
  }
}

TEST_F(VulkanOps, RopeFullAndPartial) {
  cmp().rope(1, 0, 4, 16, 16);
  cmp().rope(3, 17, 4, 24, 6);  // partial: 25% of a 24-wide head
  cmp().rope(2, 500, 2, 64, 64, 1e-9);
  cmp().rope(5, 3, 2, 96, 24);  // NeoX-20B's head size, 25% rotary
}

TEST_F(VulkanOps, AttentionOverTheCache) {
  cmp().attention(1, 0, 2, 16, 8);    // one key
  cmp().attention(1, 37, 4, 24, 64);  // decode
  cmp().attention(5, 0, 3, 16, 16);   // a prompt
  cmp().attention(6, 70, 2, 24, 80);  // more keys than a workgroup tile
  cmp().attention(2, 9, 2, 96, 16);
  cmp().attention(1, 5, 1, 256, 8);  // the largest head size
}

TEST_F(VulkanOps, GeluBothForms) {
  cmp().gelu(3, 100, false);
  cmp().gelu(3, 100, true);
}

TEST_F(VulkanOps, AddAndCopyRows) {
  cmp().add(4, 33);
  cmp().copy_rows(3, 24, 10, 0);
  cmp().copy_rows(2, 24, 10, 8);
}

TEST_F(VulkanOps, BadShapesAreErrors) {
  Tensor a = vk().alloc(2, 8), b = vk().alloc(3, 8);
  EXPECT_THROW(vk().add(a, b), Error);
  EXPECT_THROW(vk().copy_rows(b, a, 0), Error);
  int32_t bad_id = 99;
  Tensor table = vk().weight(DType::F32, 4, 8, cmp().random_weight(DType::F32, 4, 8));
  Tensor out = vk().alloc(1, 8);
  EXPECT_THROW(vk().embedding(table, &bad_id, 1, out), Error);
  EXPECT_THROW(vk().weight(DType::Q4_0, 2, 40, cmp().random_weight(DType::F32, 2, 40)),
               Error);  // not whole blocks
  vk().free(a);
  vk().free(b);
  vk().free(out);
}

// Weights larger than a storage buffer are split by rows: a backend limited
// to 4 KiB buffers splits these tables into many chunks.
TEST(VulkanSplitBuffers, MatMulAndEmbeddingAcrossChunks) {
  VulkanUnderTest small = make_vulkan_under_test(4096);
  NEOX_REQUIRE_VULKAN(small);
  {
    BackendCompare cmp(cpu_reference(), *small.backend, 99);
    cmp.matmul(DType::F32, 1, 64, 50, true, 1e-10);    // 256 B rows: 16 per chunk
    cmp.matmul(DType::F16, 12, 64, 70, false, 1e-10);  // tiled path across chunk edges
    cmp.matmul(DType::Q4_K, 2, 512, 30, true, 5e-4);   // 288 B rows
    cmp.embedding(DType::Q8_0, 300, 64, 9);            // 68 B rows
  }
  expect_no_new_validation_messages(*small.backend, 0);
}

// The reductions without subgroup operations (devices that lack them).
TEST(VulkanNoSubgroup, ReductionsInSharedMemory) {
  setenv("NEOX_VULKAN_NO_SUBGROUP", "1", 1);
  VulkanUnderTest v = make_vulkan_under_test();
  unsetenv("NEOX_VULKAN_NO_SUBGROUP");
  NEOX_REQUIRE_VULKAN(v);
  {
    BackendCompare cmp(cpu_reference(), *v.backend, 5);
    cmp.layer_norm(3, 300);
    cmp.matmul(DType::Q6_K, 1, 256, 20, true, 5e-4);
    cmp.attention(3, 70, 2, 24, 80);
  }
  expect_no_new_validation_messages(*v.backend, 0);
}

}  // namespace
}  // namespace neox::test
