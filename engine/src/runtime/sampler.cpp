// Token sampling: the steps and their order are documented in neox/sampler.h.
#include "neox/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "neox/error.h"

namespace neox {

namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Higher logit first; the lower id wins a tie so the order never depends on
// the sort algorithm.
struct ByLogitDesc {
  const float* logits;
  bool operator()(int32_t a, int32_t b) const {
    if (logits[a] != logits[b]) return logits[a] > logits[b];
    return a < b;
  }
};

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

}  // namespace

SamplerParams greedy_sampler_params() {
  SamplerParams p;
  p.temperature = 0.0f;
  p.top_k = 0;
  p.top_p = 1.0f;
  p.min_p = 0.0f;
  p.repeat_penalty = 1.0f;
  p.repeat_last_n = 0;
  return p;
}

void Rng::reseed(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) word = splitmix64(state);
}

uint64_t Rng::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

float Rng::next_float() {
  return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f);  // 2^-24
}

double Rng::next_double() {
  return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

Sampler::Sampler(SamplerParams params) : params_(std::move(params)), rng_(params_.seed) {}

SampledToken Sampler::sample(std::span<const float> logits, std::span<const int32_t> history) {
  const int64_t n_vocab = static_cast<int64_t>(logits.size());
  if (n_vocab == 0) throw Error("sampler: empty logits");
  work_.assign(logits.begin(), logits.end());
  for (float& l : work_)
    if (std::isnan(l)) l = kNegInf;  // a NaN can never be chosen

  // 1. Logit bias.
  for (const auto& [id, bias] : params_.logit_bias) {
    if (id < 0 || id >= n_vocab)
      throw Error("sampler: logit bias names token " + std::to_string(id) + ", but the vocabulary has " +
                  std::to_string(n_vocab) + " tokens");
    work_[id] += bias;
  }

  // 2. Penalties over the window of recent tokens.
  const bool any_penalty = params_.repeat_penalty != 1.0f || params_.frequency_penalty != 0.0f ||
                           params_.presence_penalty != 0.0f;
  if (any_penalty && params_.repeat_last_n != 0 && !history.empty()) {
    size_t window = history.size();
    if (params_.repeat_last_n > 0) window = std::min(window, static_cast<size_t>(params_.repeat_last_n));
    std::unordered_map<int32_t, int> counts;
    for (size_t i = history.size() - window; i < history.size(); ++i) {
      const int32_t id = history[i];
      if (id >= 0 && id < n_vocab) ++counts[id];
    }
    for (const auto& [id, count] : counts) {
      float& l = work_[id];
      if (params_.repeat_penalty != 1.0f && params_.repeat_penalty > 0.0f)
        l = l > 0.0f ? l / params_.repeat_penalty : l * params_.repeat_penalty;
      l -= params_.frequency_penalty * static_cast<float>(count);
      if (count > 0) l -= params_.presence_penalty;
    }
  }

  const bool greedy = params_.temperature <= 0.0f;
  const float temperature = greedy ? 1.0f : params_.temperature;

  // The reported distribution: softmax of work_/temperature over the whole vocabulary.
  float max_logit = kNegInf;
  for (float l : work_) max_logit = std::max(max_logit, l);
  if (max_logit == kNegInf) throw Error("sampler: every token is banned (all logits are -inf)");
  double total = 0.0;
  for (float l : work_) total += std::exp(static_cast<double>(l - max_logit) / temperature);
  auto probability_of = [&](int32_t id) {
    return static_cast<float>(std::exp(static_cast<double>(work_[id] - max_logit) / temperature) / total);
  };

  SampledToken result;
  const ByLogitDesc by_logit{work_.data()};

  // Alternatives: the n best by adjusted logit.
  const int n_alt = static_cast<int>(std::min<int64_t>(std::max(params_.n_alternatives, 0), n_vocab));
  if (n_alt > 0) {
    order_.resize(n_vocab);
    for (int32_t i = 0; i < n_vocab; ++i) order_[i] = i;
    std::partial_sort(order_.begin(), order_.begin() + n_alt, order_.end(), by_logit);
    for (int i = 0; i < n_alt; ++i)
      if (work_[order_[i]] != kNegInf) result.top.push_back({order_[i], probability_of(order_[i])});
  }

  // 3. Greedy.
  if (greedy) {
    int32_t best = 0;
    for (int32_t i = 1; i < n_vocab; ++i)
      if (work_[i] > work_[best]) best = i;  // strict: the lowest id wins ties
    result.id = best;
    result.probability = probability_of(best);
    return result;
  }

  // 4-5. Temperature is applied inside the softmax below; top-k cuts the candidates.
  order_.clear();
  for (int32_t i = 0; i < n_vocab; ++i)
    if (work_[i] != kNegInf) order_.push_back(i);
  if (params_.top_k > 0 && static_cast<size_t>(params_.top_k) < order_.size()) {
    std::nth_element(order_.begin(), order_.begin() + params_.top_k, order_.end(), by_logit);
    order_.resize(params_.top_k);
  }
  std::sort(order_.begin(), order_.end(), by_logit);

  // 6. Softmax over the candidates (sorted, so the first has the highest logit).
  std::vector<double> probs(order_.size());
  double sum = 0.0;
  for (size_t i = 0; i < order_.size(); ++i) {
    probs[i] = std::exp(static_cast<double>(work_[order_[i]] - work_[order_[0]]) / temperature);
    sum += probs[i];
  }
  for (double& p : probs) p /= sum;

  // 7. Top-p: the smallest prefix reaching top_p.
  size_t keep = probs.size();
  if (params_.top_p < 1.0f) {
    double cumulative = 0.0;
    for (size_t i = 0; i < probs.size(); ++i) {
      cumulative += probs[i];
      if (cumulative >= params_.top_p) {
        keep = i + 1;
        break;
      }
    }
  }
  // 8. Min-p, relative to the most likely token (probs[0]).
  if (params_.min_p > 0.0f) {
    const double threshold = static_cast<double>(params_.min_p) * probs[0];
    size_t i = 1;
    while (i < keep && probs[i] >= threshold) ++i;
    keep = i;
  }

  // 9. Draw from what is kept.
  double kept_sum = 0.0;
  for (size_t i = 0; i < keep; ++i) kept_sum += probs[i];
  const double r = rng_.next_double() * kept_sum;
  size_t chosen = keep - 1;
  double cumulative = 0.0;
  for (size_t i = 0; i < keep; ++i) {
    cumulative += probs[i];
    if (r < cumulative) {
      chosen = i;
      break;
    }
  }
  result.id = order_[chosen];
  result.probability = probability_of(result.id);
  return result;
}

}  // namespace neox
