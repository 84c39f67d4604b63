// Choosing CUDA through LoadOptions (the CLI's and the app's way): on a
// machine without a GPU it falls back to the CPU and the report says why
// (these run in CI); with one, every layer or the first N run on CUDA and
// the logits agree with the CPU's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cuda/cuda_support.h"
#include "model/model_test_support.h"
#include "neox/loaded_model.h"
#include "runtime/cuda_module.h"

namespace neox::test {
namespace {

std::string fixture_path() {
  return neox_test::references().models.front().path;
}

bool cuda_present(std::string* reason) {
  return make_cuda_backend(-1, reason) != nullptr;
}

TEST(CudaBackendChoice, WithoutAGpuAskingForCudaFallsBackToTheCpuWithTheReason) {
  std::string reason;
  if (cuda_present(&reason)) GTEST_SKIP() << "a CUDA device is present";
  LoadOptions o;
  o.backend = BackendKind::kCuda;
  auto m = LoadedModel::open(fixture_path(), o);
  const BackendReport& r = m->backend_report();
  EXPECT_EQ(r.kind, BackendKind::kCpu);
  EXPECT_NE(r.fallback.find("cuda"), std::string::npos) << r.fallback;
  EXPECT_FALSE(r.fallback.empty());
  // The model still runs.
  std::vector<float> logits = neox_test::all_logits(m->model(), {1, 2, 3});
  EXPECT_EQ(logits.size(), static_cast<size_t>(3 * m->config().n_vocab));
}

TEST(CudaBackendChoice, EveryLayerOrTheFirstNOnCudaMatchTheCpu) {
  std::string reason;
  if (!cuda_present(&reason)) GTEST_SKIP() << no_cuda_message(reason);
  const std::vector<int32_t> prompt = neox_test::references().prompts.front();
  auto cpu = LoadedModel::open(fixture_path(), LoadOptions{.backend = BackendKind::kCpu});
  const std::vector<float> expected = neox_test::all_logits(cpu->model(), prompt);
  for (int gpu_layers : {-1, 1}) {
    LoadOptions o;
    o.backend = BackendKind::kCuda;
    o.gpu_layers = gpu_layers;
    auto m = LoadedModel::open(fixture_path(), o);
    const BackendReport& r = m->backend_report();
    EXPECT_EQ(r.kind, BackendKind::kCuda) << r.summary() << " / " << r.fallback;
    EXPECT_EQ(r.gpu_layers, gpu_layers < 0 ? r.n_layer : gpu_layers) << r.summary();
    const std::vector<float> got = neox_test::all_logits(m->model(), prompt);
    ASSERT_EQ(got.size(), expected.size());
    EXPECT_LE(neox_test::max_abs_diff(got.data(), expected.data(), got.size()), 2e-2)
        << "gpu_layers " << gpu_layers;
  }
}

TEST(CudaBackendChoice, AutoPrefersCudaWhenPresent) {
  std::string reason;
  if (!cuda_present(&reason)) GTEST_SKIP() << no_cuda_message(reason);
  auto m = LoadedModel::open(fixture_path(), LoadOptions{});
  EXPECT_EQ(m->backend_report().kind, BackendKind::kCuda) << m->backend_report().summary();
}

}  // namespace
}  // namespace neox::test
