// End to end on CUDA: the fixture models (tests/fixtures/models) run on the
// GPU and their logits are checked against the independent references
// (transformers, llama.cpp) and against the CPU backend; greedy decoding
// (one token per forward: the captured-graph path) must pick the same tokens.
// Needs an NVIDIA GPU; skipped elsewhere with the reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cuda/cuda_support.h"
#include "model/model_test_support.h"
#include "neox/model.h"
#include "runtime/cuda_module.h"

namespace neox::test {
namespace {

class CudaModels : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string reason;
    gpu_ = make_cuda_backend(-1, &reason);
    if (!gpu_) GTEST_SKIP() << no_cuda_message(reason);
  }
  std::unique_ptr<Backend> gpu_;
};

TEST_P(CudaModels, LogitsMatchReferenceAndCpu) {
  const auto& refs = neox_test::references();
  const auto& ref = refs.model(GetParam());
  auto gpu_model = Model::load(ref.path, *gpu_);
  auto cpu_model = Model::load(ref.path, neox_test::cpu_backend());
  const int64_t nv = refs.n_vocab;
  double worst_ref = 0, worst_cpu = 0;
  for (size_t p = 0; p < refs.prompts.size(); ++p) {
    const auto& prompt = refs.prompts[p];
    std::vector<float> ours = neox_test::all_logits(*gpu_model, prompt);
    std::vector<float> cpu = neox_test::all_logits(*cpu_model, prompt);
    const float* expected = ref.logits.data() + refs.row_of_prompt(p) * static_cast<size_t>(nv);
    for (size_t pos = 0; pos < prompt.size(); ++pos) {
      worst_ref =
          std::max(worst_ref, neox_test::max_abs_diff(ours.data() + pos * nv, expected + pos * nv, nv));
      worst_cpu =
          std::max(worst_cpu, neox_test::max_abs_diff(ours.data() + pos * nv, cpu.data() + pos * nv, nv));
    }
  }
  std::printf("    %s on CUDA: max |diff| vs reference %.3g, vs CPU %.3g\n", GetParam().c_str(), worst_ref,
              worst_cpu);
  // f16 activations in prompt matmuls and attention: looser than the CPU's 1e-3-level agreement.
  EXPECT_LE(worst_ref, 2e-2) << GetParam();
  EXPECT_LE(worst_cpu, 2e-2) << GetParam();
}

TEST_P(CudaModels, GreedyDecodeMatchesCpuTokenByToken) {
  const auto& refs = neox_test::references();
  const auto& ref = refs.model(GetParam());
  auto gpu_model = Model::load(ref.path, *gpu_);
  auto cpu_model = Model::load(ref.path, neox_test::cpu_backend());
  const auto& prompt = refs.prompts[static_cast<size_t>(refs.greedy_prompt)];
  const int64_t nv = refs.n_vocab;
  KvCache gpu_cache(gpu_model->backend(), gpu_model->config(), 128, KvCacheType::kF32);
  KvCache cpu_cache(cpu_model->backend(), cpu_model->config(), 128, KvCacheType::kF32);
  std::vector<float> g(static_cast<size_t>(nv)), c(static_cast<size_t>(nv));
  gpu_model->forward(prompt.data(), static_cast<int64_t>(prompt.size()), 0, gpu_cache, 1, g.data());
  cpu_model->forward(prompt.data(), static_cast<int64_t>(prompt.size()), 0, cpu_cache, 1, c.data());
  int64_t pos = static_cast<int64_t>(prompt.size());
  for (int step = 0; step < 24; ++step, ++pos) {
    const int32_t tg = neox_test::argmax(g.data(), nv), tc = neox_test::argmax(c.data(), nv);
    // Near-ties may flip between backends; a clear winner must not.
    const double margin = c[static_cast<size_t>(tc)] - c[static_cast<size_t>(tg)];
    if (tg != tc) {
      EXPECT_LT(margin, 1e-2) << "step " << step << ": " << tg << " vs " << tc;
    }
    ASSERT_LE(neox_test::max_abs_diff(g.data(), c.data(), static_cast<size_t>(nv)), 2e-2) << "step " << step;
    gpu_model->forward(&tc, 1, pos, gpu_cache, 1, g.data());
    cpu_model->forward(&tc, 1, pos, cpu_cache, 1, c.data());
  }
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  try {
    for (const auto& m : neox_test::references().models) names.push_back(m.name);
  } catch (...) {
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CudaModels, ::testing::ValuesIn(fixture_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string s = info.param;
                           for (char& ch : s)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

}  // namespace
}  // namespace neox::test
