// End to end on the Vulkan backend (validation layers on):
//  - the engine's fixture models give the same greedy continuation as the
//    CPU backend and logits within tolerance, with every layer on the GPU and
//    with partial offload (the first layers on Vulkan, the rest on the CPU);
//  - the quantized fixtures (llama.cpp files, Q2_K..Q8_0 incl. Q4_K_M) match
//    the exact answer for their weights (transformers in float64 on the
//    dequantized weights), prefill and one token at a time: the GPU does not
//    round activations, so both are the f32 product;
//  - a decode step is one queue submission;
//  - LoadedModel::open resolves --backend/--gpu-layers and falls back to the
//    CPU with a reason when Vulkan cannot run.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "model/model_test_support.h"
#include "neox/devices.h"
#include "neox/loaded_model.h"
#include "vulkan/vulkan_test_support.h"
#ifdef NEOX_HAVE_VULKAN
#include "backend/vulkan/vulkan_backend.h"
#endif

namespace {

using neox::test::vulkan_under_test;

// Logits of these tiny models reach ~10; f32 arithmetic in another order
// moves them by ~1e-5. A wrong op moves them by ≥ 0.1.
constexpr double kLogitTolerance = 2e-3;
constexpr int kGreedySteps = 8;

// A non-owning shared_ptr to the process-wide Vulkan backend (for splits).
std::shared_ptr<neox::Backend> shared_vulkan() {
  return std::shared_ptr<neox::Backend>(std::shared_ptr<neox::Backend>(), vulkan_under_test().backend.get());
}
std::shared_ptr<neox::Backend> shared_cpu() {
  return std::shared_ptr<neox::Backend>(std::shared_ptr<neox::Backend>(), &neox_test::cpu_backend());
}

int submits(neox::Backend& b) {
#ifdef NEOX_HAVE_VULKAN
  if (auto* vk = dynamic_cast<neox::vk::VulkanBackend*>(&b)) return vk->submits();
#endif
  return 0;
}

// Greedy tokens after `prompt`, decoding one token at a time; also counts the
// Vulkan submissions of the decode steps.
std::vector<int32_t> greedy(neox::Model& model, const std::vector<int32_t>& prompt, int steps,
                            int* decode_submits = nullptr) {
  const int64_t nv = model.config().n_vocab;
  neox::KvCache cache(model.backend(), model.config(), 128, neox::KvCacheType::kF32);  // as the CPU's reference
  std::vector<float> logits(static_cast<size_t>(nv));
  model.forward(prompt.data(), static_cast<int64_t>(prompt.size()), 0, cache, 1, logits.data());
  std::vector<int32_t> out;
  int64_t pos = static_cast<int64_t>(prompt.size());
  const int before = submits(model.backend().layer_backend(0));
  for (int i = 0; i < steps; ++i) {
    out.push_back(neox_test::argmax(logits.data(), nv));
    model.forward(&out.back(), 1, pos++, cache, 1, logits.data());
  }
  if (decode_submits) *decode_submits = submits(model.backend().layer_backend(0)) - before;
  return out;
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> out;
  for (const auto& m : neox_test::references().models) out.push_back(m.name);
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& ch : s)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

class VulkanFixtureModel : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    NEOX_REQUIRE_VULKAN(vulkan_under_test());
    before_ = neox::vulkan_validation_messages(*vulkan_under_test().backend);
  }
  void TearDown() override {
    if (vulkan_under_test().backend)
      neox::test::expect_no_new_validation_messages(*vulkan_under_test().backend, before_);
  }
  int before_ = 0;
};

TEST_P(VulkanFixtureModel, SameGreedyTokensAndLogitsAsTheCpuFullAndPartialOffload) {
  const auto& refs = neox_test::references();
  const auto& ref = refs.model(GetParam());
  std::unique_ptr<neox::Model> cpu = neox::Model::load(ref.path, neox_test::cpu_backend());
  const int64_t n_layer = cpu->config().n_layer;
  const std::vector<int32_t>& prompt = refs.prompts[static_cast<size_t>(refs.greedy_prompt)];
  const std::vector<float> cpu_logits = neox_test::all_logits(*cpu, prompt);
  const std::vector<int32_t> cpu_tokens = greedy(*cpu, prompt, kGreedySteps);

  // Every layer on Vulkan, then the first layer only, then all but the last.
  for (int64_t n_gpu : {n_layer, int64_t{1}, n_layer - 1}) {
    std::shared_ptr<neox::Backend> backend =
        n_gpu == n_layer
            ? shared_vulkan()
            : std::shared_ptr<neox::Backend>(neox::make_split_backend(shared_vulkan(), shared_cpu(), n_gpu));
    std::unique_ptr<neox::Model> vk = neox::Model::load(ref.path, *backend);
    const std::string what = ref.name + " with " + std::to_string(n_gpu) + "/" + std::to_string(n_layer) +
                             " layers on " + vulkan_under_test().backend->name();
    const std::vector<float> vk_logits = neox_test::all_logits(*vk, prompt);
    ASSERT_EQ(vk_logits.size(), cpu_logits.size());
    EXPECT_LE(neox_test::max_abs_diff(vk_logits.data(), cpu_logits.data(), cpu_logits.size()),
              kLogitTolerance)
        << what;
    int decode_submits = 0;
    EXPECT_EQ(greedy(*vk, prompt, kGreedySteps, &decode_submits), cpu_tokens) << what;
    // One submission per decoded token: the read of the logits (full
    // offload) or the hand-over of the residual stream (partial).
    EXPECT_EQ(decode_submits, kGreedySteps) << what;
    if (n_gpu == n_layer) {
      // Vulkan keeps F32 caches; asking for F16 is a clear error.
      EXPECT_THROW(neox::KvCache(vk->backend(), vk->config(), 8, neox::KvCacheType::kF16), neox::Error) << what;
    } else {
      // The default cache of a split: F32 on the Vulkan layers, F16 on the CPU's.
      neox::KvCache mixed(vk->backend(), vk->config(), 8);
      EXPECT_EQ(mixed.k(0).dtype, neox::DType::F32) << what;
      EXPECT_EQ(mixed.v(n_layer - 1).dtype, neox::DType::F16) << what;
      const std::vector<float> mixed_logits = neox_test::all_logits(*vk, prompt, 256, neox::KvCacheType::kAuto);
      EXPECT_LE(neox_test::max_abs_diff(mixed_logits.data(), cpu_logits.data(), cpu_logits.size()), 1e-2)
          << what << ", default cache (F16 on the CPU layers; see reference_logits_test.cpp)";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, VulkanFixtureModel, ::testing::ValuesIn(fixture_names()), test_name);

// ---- quantized files against the exact answer ----

struct QuantFixture {
  std::string path;
  std::vector<float> exact;  // [rows of all prompts, n_vocab]
};

const std::string kQuantModels = std::string(NEOX_SOURCE_DIR) + "/tests/fixtures/quant/models";

std::vector<std::string> quant_names() {
  nlohmann::json j = nlohmann::json::parse(neox::read_text_file(kQuantModels + "/references.json"));
  std::vector<std::string> out;
  for (const auto& m : j["models"]) out.push_back(m["name"].get<std::string>());
  return out;
}

class VulkanQuantizedModel : public VulkanFixtureModel {};

TEST_P(VulkanQuantizedModel, PrefillAndDecodeMatchTheExactLogits) {
  nlohmann::json j = nlohmann::json::parse(neox::read_text_file(kQuantModels + "/references.json"));
  const auto prompts = j["prompts"].get<std::vector<std::vector<int32_t>>>();
  const int64_t nv = j["n_vocab"].get<int64_t>();
  std::string path, exact_file;
  for (const auto& m : j["models"])
    if (m["name"].get<std::string>() == GetParam()) {
      path = kQuantModels + "/" + m["path"].get<std::string>();
      exact_file = kQuantModels + "/" + m["exact_logits"].get<std::string>();
    }
  neox::MappedFile exact_map(exact_file);
  const float* exact = reinterpret_cast<const float*>(exact_map.data());
  std::unique_ptr<neox::Model> vk = neox::Model::load(path, *vulkan_under_test().backend);
  double worst_prefill = 0, worst_decode = 0;
  size_t row = 0;
  for (const auto& prompt : prompts) {
    ASSERT_LE((row + prompt.size()) * static_cast<size_t>(nv) * 4, exact_map.size());
    const std::vector<float> ours = neox_test::all_logits(*vk, prompt);
    worst_prefill =
        std::max(worst_prefill, neox_test::max_abs_diff(ours.data(), exact + row * nv, ours.size()));
    // Decode one token at a time through the first prompt only: a
    // vocabulary-sized matvec per step is slow on lavapipe (a CPU).
    neox::KvCache cache(vk->backend(), vk->config(), 64, neox::KvCacheType::kF32);
    std::vector<float> logits(static_cast<size_t>(nv));
    for (size_t i = 0; row == 0 && i < prompt.size(); ++i) {
      vk->forward(&prompt[i], 1, static_cast<int64_t>(i), cache, 1, logits.data());
      worst_decode =
          std::max(worst_decode, neox_test::max_abs_diff(logits.data(), exact + (row + i) * nv, nv));
    }
    row += prompt.size();
  }
  // The CPU's prefill bound (tests/engine/model/quantized_model_test.cpp); the
  // GPU's decode computes the same f32 product.
  EXPECT_LE(worst_prefill, 1e-3) << GetParam();
  EXPECT_LE(worst_decode, 1e-3) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Fixtures, VulkanQuantizedModel, ::testing::ValuesIn(quant_names()), test_name);

// ---- backend choice ----

class VulkanBackendChoice : public ::testing::Test {
 protected:
  void SetUp() override { NEOX_REQUIRE_VULKAN(vulkan_under_test()); }
  std::string path() const { return neox_test::references().models.front().path; }
};

TEST_F(VulkanBackendChoice, ExplicitVulkanRunsEveryLayerOrTheFirstN) {
  neox::LoadOptions o;
  o.backend = neox::BackendKind::kVulkan;
  auto all = neox::LoadedModel::open(path(), o);
  const auto& r = all->backend_report();
  EXPECT_EQ(r.kind, neox::BackendKind::kVulkan) << r.summary() << " / " << r.fallback;
  EXPECT_EQ(r.gpu_layers, r.n_layer);
  EXPECT_TRUE(r.fallback.empty()) << r.fallback;
  EXPECT_NE(r.summary().find(r.device), std::string::npos) << r.summary();

  o.gpu_layers = 1;
  auto one = neox::LoadedModel::open(path(), o);
  EXPECT_EQ(one->backend_report().gpu_layers, 1);
  EXPECT_NE(one->backend_report().summary().find("1/"), std::string::npos) << one->backend_report().summary();
  EXPECT_EQ(&one->backend().layer_backend(0), &one->backend().layer_backend(0));
  EXPECT_NE(&one->backend().layer_backend(0), &one->backend().layer_backend(1));
}

TEST_F(VulkanBackendChoice, AMissingDeviceFallsBackToTheCpuWithTheReason) {
  neox::LoadOptions o;
  o.backend = neox::BackendKind::kVulkan;
  o.device_index = 99;
  auto m = neox::LoadedModel::open(path(), o);
  EXPECT_EQ(m->backend_report().kind, neox::BackendKind::kCpu);
  EXPECT_NE(m->backend_report().fallback.find("no device 99"), std::string::npos)
      << m->backend_report().fallback;
}

// Auto never chooses a CPU-type Vulkan device (lavapipe) over the CPU backend.
TEST_F(VulkanBackendChoice, AutoNeverPicksACpuTypeVulkanDevice) {
  auto m = neox::LoadedModel::open(path(), neox::LoadOptions{});
  const auto& r = m->backend_report();
  if (r.kind == neox::BackendKind::kVulkan) {
    for (const neox::ComputeDevice& d : neox::list_devices()) {
      if (d.backend == neox::BackendKind::kVulkan && d.name == r.device) {
        EXPECT_NE(d.type, neox::DeviceType::kCpu) << d.name;
      }
    }
  }
  bool only_cpu_type = true;
  for (const neox::ComputeDevice& d : neox::list_devices())
    if (d.backend == neox::BackendKind::kVulkan && d.type != neox::DeviceType::kCpu) only_cpu_type = false;
  if (only_cpu_type && r.kind != neox::BackendKind::kCuda) {
    EXPECT_EQ(r.kind, neox::BackendKind::kCpu) << r.summary();
    EXPECT_TRUE(r.fallback.empty()) << "no GPU is not a failure: " << r.fallback;
  }
}

TEST(VulkanDevices, ListedWithTypeAndMemoryBeforeTheCpu) {
  NEOX_REQUIRE_VULKAN(vulkan_under_test());
  std::vector<std::string> unavailable;
  const auto devices = neox::list_devices(&unavailable);
  ASSERT_FALSE(devices.empty());
  EXPECT_EQ(devices.back().backend, neox::BackendKind::kCpu);
  int n_vulkan = 0;
  for (const auto& d : devices) {
    if (d.backend != neox::BackendKind::kVulkan) continue;
    ++n_vulkan;
    EXPECT_FALSE(d.name.empty());
    EXPECT_GT(d.memory_bytes, 0u) << d.name;
    EXPECT_NE(d.detail.find("Vulkan 1."), std::string::npos) << d.detail;
  }
  EXPECT_GE(n_vulkan, 1);
  // The device the tests run on is among them.
  bool found = false;
  for (const auto& d : devices) found = found || d.name == vulkan_under_test().backend->device_name();
  EXPECT_TRUE(found);
}

}  // namespace
