// First-run recommendation over the shipped catalog.
#include "neox/models/recommendation.h"

#include <gtest/gtest.h>

namespace neox::models {
namespace {

const std::filesystem::path kCatalog =
    std::filesystem::path(NEOX_SOURCE_DIR) / "resources/catalog/models.json";
constexpr uint64_t GiB = 1ull << 30;

TEST(Recommendation, KvEstimateCoversRealPythiaShapes) {
  const Catalog c = Catalog::load(kCatalog);
  // n_layer · n_embd of the published configs (config.json of each repo).
  const struct {
    const char* id;
    uint64_t layer_embd;
  } shapes[] = {{"pythia-70m", 6 * 512},
                {"pythia-1.4b", 24 * 2048},
                {"pythia-6.9b", 32 * 4096},
                {"pythia-12b", 36 * 5120},
                {"gpt-neox-20b", 44 * 6144}};
  for (const auto& s : shapes) {
    const CatalogModel* m = c.find(s.id);
    ASSERT_NE(m, nullptr);
    const CatalogVariant& v = m->variants[0];
    const uint64_t kv = catalog_variant_memory(*m, v, 2048) - v.approx_size_bytes - (256ull << 20);
    const uint64_t exact = 2ull * s.layer_embd * 2048 * 4;
    EXPECT_GE(kv, exact) << s.id << ": never under";
    EXPECT_LE(kv, 3 * exact) << s.id;
  }
}

TEST(Recommendation, BiggestChatModelThatFitsWithAPermissiveLicence) {
  const Catalog c = Catalog::load(kCatalog);
  const auto small = recommend_model(c, 4 * GiB, {});
  ASSERT_TRUE(small.has_value());
  EXPECT_NE(small->model->chat_template, "raw");
  EXPECT_EQ(small->model->license.find("-nc"), std::string::npos) << small->model->id;
  EXPECT_LE(small->memory_needed + kRamHeadroomBytes, 4 * GiB);
  EXPECT_FALSE(small->on_gpu);
  EXPECT_NE(small->reason.find(small->model->name), std::string::npos);

  const auto big = recommend_model(c, 64 * GiB, {});
  ASSERT_TRUE(big.has_value());
  EXPECT_GE(big->model->parameters, small->model->parameters);
  EXPECT_NE(big->model->chat_template, "raw");

  const auto gpu =
      recommend_model(c, 8 * GiB, {DeviceMemory{"GPU", DeviceKind::kCuda, 0, 80 * GiB, 80 * GiB}});
  ASSERT_TRUE(gpu.has_value());
  EXPECT_TRUE(gpu->on_gpu);
  EXPECT_GE(gpu->model->parameters, 11'000'000'000);

  EXPECT_FALSE(recommend_model(c, 256ull << 20, {}).has_value()) << "nothing fits in 256 MB";
}

TEST(Recommendation, OnTheCpuAVariantThatDecodesAtAUsableSpeed) {
  const Catalog c = Catalog::load(kCatalog);
  // 64 GiB free: memory alone picks a 7B chat model (~14 GB F16).
  const auto by_memory = recommend_model(c, 64 * GiB, {});
  ASSERT_TRUE(by_memory.has_value());
  const double bandwidth = 20e9;  // a 2-core machine
  ASSERT_LT(bandwidth / double(by_memory->variant->approx_size_bytes), kMinCpuTokensPerSecond)
      << "the test needs a memory-only pick that is too slow";
  const auto by_speed = recommend_model(c, 64 * GiB, {}, true, bandwidth);
  ASSERT_TRUE(by_speed.has_value());
  EXPECT_GE(bandwidth / double(by_speed->variant->approx_size_bytes), kMinCpuTokensPerSecond)
      << by_speed->model->id;
  EXPECT_NE(by_speed->model->chat_template, "raw");
  EXPECT_EQ(by_speed->model->license.find("-nc"), std::string::npos);
  EXPECT_NE(by_speed->reason.find("tokens a second"), std::string::npos) << by_speed->reason;
  // With a GPU that holds it, speed on the CPU does not matter.
  const auto gpu = recommend_model(
      c, 8 * GiB, {DeviceMemory{"GPU", DeviceKind::kCuda, 0, 80 * GiB, 80 * GiB}}, true, bandwidth);
  ASSERT_TRUE(gpu.has_value());
  EXPECT_TRUE(gpu->on_gpu);
  EXPECT_GE(gpu->model->parameters, 11'000'000'000);
  // Nothing fast enough: the biggest that fits is still offered, with a warning.
  const auto slow = recommend_model(c, 64 * GiB, {}, true, 1e9);
  ASSERT_TRUE(slow.has_value());
  EXPECT_NE(slow->reason.find("under a token a second"), std::string::npos) << slow->reason;
}

TEST(Recommendation, RoughCpuBandwidthGrowsWithThreadsThenCaps) {
  EXPECT_LT(rough_cpu_bandwidth(1), rough_cpu_bandwidth(2));
  EXPECT_EQ(rough_cpu_bandwidth(64), rough_cpu_bandwidth(6));
  EXPECT_GT(rough_cpu_bandwidth(0), 0);
}

}  // namespace
}  // namespace neox::models
