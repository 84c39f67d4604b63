// One conversation's generation state over a shared LoadedModel: a KV cache,
// the token ids it holds, and the loop that samples, streams and stops.
//
// Prefix reuse: the cache remembers which tokens it holds. A new prompt that
// starts with some of them (a follow-up message re-renders the conversation)
// evaluates only the tokens after the longest shared prefix.
//
// Context: the cache holds n_ctx tokens (default min(n_ctx_train, 2048)).
// A prompt longer than that is a neox::Error; when the cache fills during
// generation, generation ends with FinishReason::kContextFull ("length").
//
// Threading: one thread runs generate(); any thread may call cancel(), which
// ends the generation within one token with FinishReason::kCancelled.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "neox/loaded_model.h"
#include "neox/sampler.h"

namespace neox {

struct SessionOptions {
  int64_t n_ctx = 0;      // 0: min(n_ctx_train, 2048)
  int64_t n_batch = 512;  // prompt tokens per forward call
  KvCacheType kv_cache = KvCacheType::kAuto;  // F16 where the backend stores it (neox/model.h)
};

enum class FinishReason {
  kEos,          // the model wrote its end-of-text token
  kStopString,   // a stop string appeared (it is not part of the text)
  kMaxTokens,    // max_tokens reached
  kContextFull,  // the KV cache is full
  kCancelled,    // cancel() was called
};
// OpenAI-style names: "stop" (EOS, stop string), "length" (max tokens,
// context full), "cancelled".
const char* finish_reason_name(FinishReason reason);

// One streamed step. `piece` is the text that became safe to show with this
// token: complete UTF-8, with text that might begin a stop string held back
// until decided; it may be empty. The last event of a generation may carry
// id -1: text held back until the end, with no new token.
struct TokenEvent {
  std::string_view piece;
  int32_t id = -1;
  float probability = 0.0f;
  const std::vector<TokenAlternative>* top = nullptr;  // never null for id >= 0
};
using TokenCallback = std::function<void(const TokenEvent&)>;

struct GenerateOptions {
  SamplerParams sampling;
  int max_tokens = 256;            // < 0: until EOS, a stop string or a full context
  std::vector<std::string> stop;   // stop strings
  bool stop_at_eos = true;
  TokenCallback on_token;          // called on the generating thread; may be empty
};

struct GenerationTimings {
  int64_t prompt_tokens = 0;     // tokens in the prompt
  int64_t prompt_evaluated = 0;  // of those, evaluated this call (the rest came from the cache)
  int64_t generated_tokens = 0;
  double prompt_ms = 0.0;        // evaluating the prompt
  double generation_ms = 0.0;    // from the end of the prompt to the end
  double time_to_first_token_ms = 0.0;  // from the call to the first token's event
  double prompt_tokens_per_s = 0.0;     // prompt_evaluated / prompt time
  double generation_tokens_per_s = 0.0; // generated_tokens / generation time
};

struct GenerationResult {
  std::vector<int32_t> generated_ids;  // sampled tokens; an EOS that ended generation is not included
  std::string text;                    // what the events' pieces add up to
  FinishReason finish_reason = FinishReason::kMaxTokens;
  GenerationTimings timings;
};

class Session {
 public:
  explicit Session(std::shared_ptr<LoadedModel> model, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Tokenizes `prompt` (special tokens written in it are recognised, as
  // Hugging Face does) and generates. Throws neox::Error if the prompt does
  // not fit in the context or is empty.
  GenerationResult generate(std::string_view prompt, const GenerateOptions& options);
  GenerationResult generate_tokens(const std::vector<int32_t>& prompt, const GenerateOptions& options);

  // Thread-safe. Ends the generate() running now within one token. A cancel
  // before generate() starts is forgotten when it starts.
  void cancel() { cancel_.store(true, std::memory_order_relaxed); }
  // Forgets the cache contents (the next prompt is evaluated in full).
  void reset() { cached_.clear(); }

  int64_t n_ctx() const { return n_ctx_; }
  // Token ids whose keys/values are in the cache, in order.
  const std::vector<int32_t>& cached_tokens() const { return cached_; }
  // Tokens run through the model since the session was made (prompt and
  // generated): what prefix reuse saves shows here.
  int64_t tokens_evaluated() const { return tokens_evaluated_; }
  LoadedModel& model() { return *model_; }

 private:
  void evaluate(const int32_t* tokens, int64_t n, bool want_logits);

  std::shared_ptr<LoadedModel> model_;
  SessionOptions options_;
  int64_t n_ctx_ = 0;
  std::unique_ptr<KvCache> cache_;
  std::vector<int32_t> cached_;
  std::vector<float> logits_;  // [n_vocab] for the last evaluated token
  int64_t tokens_evaluated_ = 0;
  std::atomic<bool> cancel_{false};
};

}  // namespace neox
