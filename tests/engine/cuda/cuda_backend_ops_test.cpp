// Every op and weight type of the CUDA backend against the CPU backend
// (support/backend_compare.h: same random inputs, NMSE bound, NaN/Inf and
// guard-row checks). Needs an NVIDIA GPU: elsewhere every test is skipped
// with "no CUDA device/driver: <reason>".
//
// Bounds: fp32 paths (GEMV over F32/F16/BF16 weights, layer norm, the
// generic attention) are rounding-level. The CPU quantizes activations to
// 8 bits per 32 for quantized decode matmuls, the GPU does not: that
// difference is ~1e-5. cuBLAS prompt matmuls read activations (and
// dequantized weights) in f16 or bf16; the fused attention reads Q, K, V
// in f16 (accumulation and softmax stay fp32).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "backend/cuda/host/launch_plan.h"
#include "cuda/cuda_support.h"
#include "neox/error.h"
#include "runtime/cuda_module.h"
#include "support/backend_compare.h"

namespace neox::test {
namespace {

class CudaOps : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason;
    dut_ = make_cuda_backend(-1, &reason);
    if (!dut_) GTEST_SKIP() << no_cuda_message(reason);
    CpuBackendOptions o;
    o.n_threads = 2;
    cpu_ = make_cpu_backend(o);
    cmp_ = std::make_unique<BackendCompare>(*cpu_, *dut_, 1234);
  }
  void TearDown() override { cmp_.reset(); }

  std::unique_ptr<Backend> cpu_, dut_;
  std::unique_ptr<BackendCompare> cmp_;
};

bool is_plain(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16;
}

TEST_F(CudaOps, NameAndSupport) {
  EXPECT_NE(dut_->name().find("cuda"), std::string::npos) << dut_->name();
  for (DType t : all_weight_types()) {
    EXPECT_TRUE(dut_->supports(Op::kMatMul, t)) << dtype_name(t);
    EXPECT_TRUE(dut_->supports(Op::kEmbedding, t)) << dtype_name(t);
  }
  EXPECT_FALSE(dut_->supports(Op::kMatMul, DType::IQ4_NL));
  EXPECT_FALSE(dut_->supports(Op::kLayerNorm, DType::F16));
}

TEST_F(CudaOps, EmbeddingEveryType) {
  for (DType t : all_weight_types()) cmp_->embedding(t, 50, 256, 5);
  for (DType t : {DType::F32, DType::F16, DType::BF16}) cmp_->embedding(t, 30, 23, 4);
}

// Decode (GEMV: 1 and up to 8 tokens) and prompt (cuBLAS: 9, 64 tokens) paths.
TEST_F(CudaOps, MatMulEveryTypeEveryPath) {
  for (DType t : all_weight_types()) {
    for (auto [n, k, m] : {std::tuple<int64_t, int64_t, int64_t>{1, 256, 40},
                           {3, 512, 130},
                           {8, 256, 33},
                           {9, 256, 40},
                           {64, 512, 257}}) {
      double bound;
      if (n <= cuda::kGemvMaxTokens)
        bound = is_plain(t) ? 1e-10 : 5e-4;
      else if (t == DType::F32)
        bound = 1e-10;
      else if (t == DType::BF16)
        bound = 1e-4;
      else
        bound = 1e-5;
      cmp_->matmul(t, n, k, m, /*bias=*/true, bound);
    }
  }
  // Rows that are not whole 16-byte vectors take the scalar path.
  for (DType t : {DType::F32, DType::F16, DType::BF16}) {
    cmp_->matmul(t, 1, 37, 13, false, 1e-10);
    cmp_->matmul(t, 5, 101, 7, true, 1e-10);
  }
}

TEST_F(CudaOps, LayerNorm) {
  for (int64_t d : {1, 7, 64, 1000, 6144}) cmp_->layer_norm(3, d);
}

TEST_F(CudaOps, SplitQkvBothLayouts) {
  for (QkvLayout layout : {QkvLayout::kPerHead, QkvLayout::kBlocked}) {
    cmp_->split_qkv(layout, 5, 3, 24);
    cmp_->split_qkv(layout, 1, 16, 128);
  }
}

TEST_F(CudaOps, RopePartialAndFull) {
  cmp_->rope(4, 0, 2, 16, 4, 1e-8);
  cmp_->rope(4, 5, 3, 24, 24, 1e-8);
  cmp_->rope(3, 1000, 2, 96, 24, 1e-8);
  cmp_->rope(1, 2047, 4, 128, 32, 1e-8);
}

TEST_F(CudaOps, AttentionDecodeSplitKv) {
  // One query over long caches: several splits merged (head sizes of the
  // fixtures, Pythia and NeoX-20B).
  for (auto [hd, pos0] : {std::tuple<int, int64_t>{24, 0}, {24, 300}, {64, 1000}, {96, 1500}, {128, 2047}})
    cmp_->attention(1, pos0, 4, hd, 2048, 1e-10);
}

TEST_F(CudaOps, AttentionPromptFused) {
  for (int hd : {64, 80, 96, 128}) {
    cmp_->attention(100, 0, 2, hd, 128, 1e-5);  // first chunk: causal inside the tile
    cmp_->attention(70, 37, 3, hd, 200, 1e-5);  // later chunk: cache before it, partial tiles
  }
}

TEST_F(CudaOps, AttentionPromptGeneric) {
  cmp_->attention(20, 0, 3, 24, 64, 1e-10);  // head size the fused kernel is not built for
  cmp_->attention(5, 40, 4, 8, 64, 1e-10);   // few queries
  cmp_->attention(9, 3, 2, 256, 64, 1e-10);  // the largest head size
}

TEST_F(CudaOps, AttentionRejectsUnsupportedHeadSize) {
  Tensor q = dut_->alloc(1, 300), k = dut_->alloc(4, 300), v = dut_->alloc(4, 300), o = dut_->alloc(1, 300);
  EXPECT_THROW(dut_->attention(q, k, v, 0, 1, 300, o), Error);
  for (Tensor* t : {&q, &k, &v, &o}) dut_->free(*t);
}

TEST_F(CudaOps, GeluAddCopyRows) {
  cmp_->gelu(3, 37, false);
  cmp_->gelu(3, 37, true);
  cmp_->add(3, 21);
  cmp_->add(4, 4096);
  cmp_->copy_rows(3, 21, 6, 2);
  cmp_->copy_rows(1, 2048, 2048, 2047);
}

TEST_F(CudaOps, ShapeErrorsThrowBeforeAnythingRuns) {
  Tensor x = dut_->alloc(2, 8), y = dut_->alloc(2, 4);
  std::vector<float> wv(4 * 9, 0.5f);
  Tensor w = dut_->weight(DType::F32, 4, 9, wv.data());
  EXPECT_THROW(dut_->matmul(x, w, nullptr, y), Error);
  EXPECT_THROW(dut_->read_rows(y, 1, 2, wv.data()), Error);
  const int32_t bad[1] = {4};
  EXPECT_THROW(dut_->embedding(w, bad, 1, y), Error);
  for (Tensor* t : {&x, &y, &w}) dut_->free(*t);
}

// A decode loop (rope, cache write, attention, read) repeated with growing
// positions: from the third step on it replays a captured CUDA graph whose
// position values come from the step buffer. Every step must match the CPU.
TEST_F(CudaOps, RepeatedDecodeStepsReplayCorrectly) {
  const int n_head = 4, hd = 64;
  const int64_t d = n_head * hd, n_ctx = 64;
  std::vector<float> kc = cmp_->random_floats(n_ctx * d), vc = cmp_->random_floats(n_ctx * d);
  auto make = [&](Backend& b) {
    std::vector<Tensor> t = {b.alloc(n_ctx, d), b.alloc(n_ctx, d), b.alloc(1, d), b.alloc(1, d),
                             b.alloc(1, d)};
    b.write_rows(t[0], 0, n_ctx, kc.data());
    b.write_rows(t[1], 0, n_ctx, vc.data());
    return t;
  };
  std::vector<Tensor> on_cpu = make(*cpu_), on_gpu = make(*dut_);
  for (int64_t pos = 10; pos < 20; ++pos) {
    std::vector<float> q = cmp_->random_floats(d), k = cmp_->random_floats(d);
    std::vector<float> out[2];
    int side = 0;
    for (auto* pair : {&on_cpu, &on_gpu}) {
      Backend& b = side == 0 ? *cpu_ : *dut_;
      std::vector<Tensor>& t = *pair;
      b.write_rows(t[2], 0, 1, q.data());
      b.write_rows(t[3], 0, 1, k.data());
      b.rope(t[2], pos, n_head, hd, 16, 10000.0f);
      b.rope(t[3], pos, n_head, hd, 16, 10000.0f);
      b.copy_rows(t[3], t[0], pos);
      b.copy_rows(t[3], t[1], pos);
      b.attention(t[2], t[0], t[1], pos, n_head, hd, t[4]);
      out[side].resize(static_cast<size_t>(d));
      b.read_rows(t[4], 0, 1, out[side].data());
      ++side;
    }
    EXPECT_LE(nmse_of(out[1], out[0]), 1e-10) << "decode step at position " << pos;
  }
  for (Tensor& t : on_cpu) cpu_->free(t);
  for (Tensor& t : on_gpu) dut_->free(t);
}

}  // namespace
}  // namespace neox::test
