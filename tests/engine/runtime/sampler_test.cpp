// Sampler: each step on its own, seeded reproducibility, bans and penalties.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "neox/error.h"
#include "neox/sampler.h"

namespace neox {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

SamplerParams plain(float temperature) {
  SamplerParams p = greedy_sampler_params();
  p.temperature = temperature;
  return p;
}

// Counts how often each id is drawn over `n` draws.
std::map<int32_t, int> histogram(Sampler& s, const std::vector<float>& logits, int n,
                                 const std::vector<int32_t>& history = {}) {
  std::map<int32_t, int> h;
  for (int i = 0; i < n; ++i) ++h[s.sample(logits, history).id];
  return h;
}

TEST(Sampler, GreedyPicksHighestAndLowestIdOnTie) {
  Sampler s(plain(0.0f));
  EXPECT_EQ(s.sample(std::vector<float>{0.1f, 3.0f, -1.0f, 2.0f}, {}).id, 1);
  EXPECT_EQ(s.sample(std::vector<float>{1.0f, 5.0f, 5.0f}, {}).id, 1);
  const SampledToken t = s.sample(std::vector<float>{0.0f, std::log(3.0f)}, {});
  EXPECT_NEAR(t.probability, 0.75f, 1e-6);  // softmax at temperature 1
  ASSERT_GE(t.top.size(), 2u);
  EXPECT_EQ(t.top[0].id, 1);
  EXPECT_NEAR(t.top[1].probability, 0.25f, 1e-6);
}

TEST(Sampler, SeededDrawsAreReproducibleAndSeedsDiffer) {
  std::vector<float> logits(100);
  for (int i = 0; i < 100; ++i) logits[i] = std::sin(i * 0.7f);
  SamplerParams p = plain(1.0f);
  p.seed = 42;
  Sampler a(p), b(p);
  p.seed = 43;
  Sampler c(p);
  std::vector<int32_t> ra, rb, rc;
  for (int i = 0; i < 50; ++i) {
    ra.push_back(a.sample(logits, {}).id);
    rb.push_back(b.sample(logits, {}).id);
    rc.push_back(c.sample(logits, {}).id);
  }
  EXPECT_EQ(ra, rb);
  EXPECT_NE(ra, rc);
}

TEST(Sampler, RngKnownFirstValuesAndFloatRange) {
  // xoshiro256** seeded by splitmix64(0): fixed numbers on every platform.
  Rng r1(0), r2(0);
  for (int i = 0; i < 1000; ++i) {
    const float f = r1.next_float();
    ASSERT_GE(f, 0.0f);
    ASSERT_LT(f, 1.0f);
    ASSERT_EQ(static_cast<uint64_t>(f * 16777216.0f), r2.next_u64() >> 40);
  }
}

TEST(Sampler, TemperatureFollowsSoftmax) {
  SamplerParams p = plain(1.0f);
  p.seed = 7;
  Sampler s(p);
  const auto h = histogram(s, {0.0f, std::log(3.0f)}, 20000);
  EXPECT_NEAR(h.at(1) / 20000.0, 0.75, 0.02);
  // Low temperature sharpens toward the best token.
  p.temperature = 0.25f;
  Sampler cold(p);
  const auto hc = histogram(cold, {0.0f, std::log(3.0f)}, 20000);
  EXPECT_NEAR(hc.at(1) / 20000.0, 81.0 / 82.0, 0.01);
}

TEST(Sampler, LogitBiasBansAndBoosts) {
  SamplerParams p = plain(0.0f);
  p.logit_bias[1] = -kInf;
  Sampler s(p);
  EXPECT_EQ(s.sample(std::vector<float>{0.0f, 9.0f, 1.0f}, {}).id, 2);
  p.temperature = 1.0f;
  Sampler hot(p);
  for (auto [id, n] : histogram(hot, {0.0f, 9.0f, 1.0f}, 2000)) EXPECT_NE(id, 1);
  p.logit_bias = {{0, 100.0f}};
  Sampler boosted(p);
  EXPECT_EQ(boosted.sample(std::vector<float>{0.0f, 9.0f, 1.0f}, {}).id, 0);
  p.logit_bias = {{0, -kInf}, {1, -kInf}, {2, -kInf}};
  Sampler all_banned(p);
  EXPECT_THROW(all_banned.sample(std::vector<float>{0.0f, 9.0f, 1.0f}, {}), Error);
  p.logit_bias = {{5, 1.0f}};
  Sampler out_of_range(p);
  EXPECT_THROW(out_of_range.sample(std::vector<float>{0.0f, 9.0f, 1.0f}, {}), Error);
}

TEST(Sampler, RepetitionPenaltyDividesPositiveMultipliesNegative) {
  SamplerParams p = plain(0.0f);
  p.repeat_penalty = 2.0f;
  p.repeat_last_n = 64;
  Sampler s(p);
  // Token 0 (4.0 → 2.0) loses to token 1 (3.0) once seen.
  EXPECT_EQ(s.sample(std::vector<float>{4.0f, 3.0f}, {}).id, 0);
  EXPECT_EQ(s.sample(std::vector<float>{4.0f, 3.0f}, std::vector<int32_t>{0}).id, 1);
  // Negative: token 0 (-1 → -2) loses to token 1 (-1.5).
  EXPECT_EQ(s.sample(std::vector<float>{-1.0f, -1.5f}, std::vector<int32_t>{0}).id, 1);
  // Outside the window it no longer counts.
  p.repeat_last_n = 2;
  Sampler windowed(p);
  EXPECT_EQ(windowed.sample(std::vector<float>{4.0f, 3.0f, 0.0f}, std::vector<int32_t>{0, 2, 2}).id, 0);
  EXPECT_EQ(windowed.sample(std::vector<float>{4.0f, 3.0f, 0.0f}, std::vector<int32_t>{2, 0, 2}).id, 1);
}

TEST(Sampler, FrequencyAndPresencePenalties) {
  SamplerParams p = plain(0.0f);
  p.repeat_last_n = 64;
  p.frequency_penalty = 0.5f;
  Sampler freq(p);
  // Token 0 at 3.0, seen 3 times → 1.5, below token 1 at 2.0; seen once → 2.5.
  EXPECT_EQ(freq.sample(std::vector<float>{3.0f, 2.0f}, std::vector<int32_t>{0, 0, 0}).id, 1);
  EXPECT_EQ(freq.sample(std::vector<float>{3.0f, 2.0f}, std::vector<int32_t>{0}).id, 0);
  p.frequency_penalty = 0.0f;
  p.presence_penalty = 1.5f;
  Sampler presence(p);
  // Presence counts once however often: 3.0 - 1.5 = 1.5 < 2.0.
  EXPECT_EQ(presence.sample(std::vector<float>{3.0f, 2.0f}, std::vector<int32_t>{0}).id, 1);
  p.presence_penalty = 0.5f;
  Sampler mild(p);
  EXPECT_EQ(mild.sample(std::vector<float>{3.0f, 2.0f}, std::vector<int32_t>{0, 0, 0, 0}).id, 0);
}

TEST(Sampler, TopKKeepsOnlyKBest) {
  SamplerParams p = plain(1.0f);
  p.top_k = 2;
  p.seed = 3;
  Sampler s(p);
  const auto h = histogram(s, {1.0f, 0.9f, 0.8f, 1.1f}, 3000);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_TRUE(h.count(0) && h.count(3));
}

TEST(Sampler, TopPBoundary) {
  // Probabilities 0.5, 0.3, 0.2.
  const std::vector<float> logits{std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  SamplerParams p = plain(1.0f);
  p.seed = 11;
  p.top_p = 0.5f;  // exactly reached by the first token
  Sampler first(p);
  EXPECT_EQ(histogram(first, logits, 1000).size(), 1u);
  p.top_p = 0.51f;  // needs the second
  Sampler two(p);
  const auto h2 = histogram(two, logits, 4000);
  EXPECT_EQ(h2.size(), 2u);
  EXPECT_NEAR(h2.at(0) / 4000.0, 0.5 / 0.8, 0.03);  // renormalised over the kept ones
  p.top_p = 0.81f;
  Sampler three(p);
  EXPECT_EQ(histogram(three, logits, 4000).size(), 3u);
}

TEST(Sampler, MinPIsRelativeToTheBest) {
  // Probabilities 0.5, 0.3, 0.2: min_p 0.5 keeps p >= 0.25 → tokens 0 and 1.
  const std::vector<float> logits{std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  SamplerParams p = plain(1.0f);
  p.seed = 5;
  p.min_p = 0.5f;
  Sampler s(p);
  const auto h = histogram(s, logits, 4000);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.count(2), 0u);
  p.min_p = 0.3f;  // threshold 0.15 keeps all three
  Sampler loose(p);
  EXPECT_EQ(histogram(loose, logits, 4000).size(), 3u);
}

TEST(Sampler, ReportedProbabilityIsBeforeTruncation) {
  SamplerParams p = plain(1.0f);
  p.top_k = 1;
  Sampler s(p);
  const SampledToken t = s.sample(std::vector<float>{0.0f, std::log(3.0f)}, {});
  EXPECT_EQ(t.id, 1);
  EXPECT_NEAR(t.probability, 0.75f, 1e-6);
}

}  // namespace
}  // namespace neox
