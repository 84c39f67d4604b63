// Chooses the next token from a row of logits. Seeded and reproducible: the
// random numbers come from our own generator (xoshiro256** seeded through
// splitmix64) and our own bits-to-float conversion, so a seed gives the same
// draws on every platform and compiler.
//
// The steps apply in this order (each one is off at its neutral value):
//   1. logit bias        logit[id] += bias[id]   (-inf bans a token)
//   2. penalties over the last `repeat_last_n` tokens of the history:
//        repetition (llama/CTRL): a seen token's logit is divided by
//          repeat_penalty when positive, multiplied when negative;
//        frequency: logit -= frequency_penalty * count;
//        presence:  logit -= presence_penalty   (once, if count > 0).
//   3. temperature <= 0: greedy, the highest logit wins (lowest id on ties).
//   4. temperature:      logit /= temperature
//   5. top-k:            keep the k highest logits (k <= 0: all)
//   6. softmax over what is left
//   7. top-p (nucleus):  keep the smallest prefix of the sorted tokens whose
//                        probabilities sum to >= top_p (at least one token)
//   8. min-p:            keep tokens with p >= min_p * p_max
//   9. renormalise and draw one token with the seeded generator.
//
// The probability reported for the chosen token and its alternatives is the
// full softmax after steps 1-4 (before truncation): what the model, with
// penalties and temperature, thought of each token. For greedy sampling the
// temperature is taken as 1.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace neox {

struct SamplerParams {
  float temperature = 0.8f;     // 0: greedy
  int top_k = 40;               // <= 0: off
  float top_p = 0.95f;          // >= 1: off
  float min_p = 0.05f;          // <= 0: off
  float repeat_penalty = 1.0f;  // 1: off (Hugging Face default; 1.1 is a common choice)
  int repeat_last_n = 64;       // window of the history the penalties see; 0: off, < 0: all
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  std::map<int32_t, float> logit_bias;  // id -> added to the logit; -inf bans
  uint64_t seed = 0;
  int n_alternatives = 5;       // how many top alternatives to report
};

// Settings that make sampling greedy and neutral (temperature 0, no penalty).
SamplerParams greedy_sampler_params();

struct TokenAlternative {
  int32_t id = 0;
  float probability = 0.0f;
};

struct SampledToken {
  int32_t id = 0;
  float probability = 0.0f;             // of `id`, see the header comment
  std::vector<TokenAlternative> top;    // most likely first; may include `id`
};

// xoshiro256** (Blackman & Vigna), state filled by splitmix64 from a seed.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }
  void reseed(uint64_t seed);
  uint64_t next_u64();
  // Uniform in [0, 1): the top 24 bits of next_u64() times 2^-24, exact in float.
  float next_float();
  // Uniform in [0, 1) with 53 random bits.
  double next_double();

 private:
  uint64_t s_[4];
};

class Sampler {
 public:
  explicit Sampler(SamplerParams params = {});
  const SamplerParams& params() const { return params_; }
  void reseed(uint64_t seed) { rng_.reseed(seed); }

  // logits: one row [n_vocab]. history: tokens seen so far (prompt and
  // generated), oldest first; only the last repeat_last_n are looked at.
  // Throws neox::Error when every token is banned or logits are empty.
  SampledToken sample(std::span<const float> logits, std::span<const int32_t> history);

 private:
  SamplerParams params_;
  Rng rng_;
  std::vector<float> work_;      // adjusted logits [n_vocab]
  std::vector<int32_t> order_;   // candidate ids
};

}  // namespace neox
