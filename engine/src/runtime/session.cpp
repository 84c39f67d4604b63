// The generation loop: prefix reuse, prompt evaluation in batches, sampling,
// streaming through UTF-8 and stop-string holdback, and the ways it ends.
#include "neox/session.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "neox/error.h"
#include "runtime/stop_string_filter.h"

namespace neox {

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

const char* finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::kEos:
    case FinishReason::kStopString:
      return "stop";
    case FinishReason::kMaxTokens:
    case FinishReason::kContextFull:
      return "length";
    case FinishReason::kCancelled:
      return "cancelled";
  }
  return "stop";
}

Session::Session(std::shared_ptr<LoadedModel> model, SessionOptions options)
    : model_(std::move(model)), options_(options) {
  if (!model_) throw Error("Session: no model");
  const ModelConfig& config = model_->config();
  n_ctx_ = options_.n_ctx > 0 ? options_.n_ctx
                              : (config.n_ctx_train > 0 ? std::min<int64_t>(config.n_ctx_train, 2048) : 2048);
  if (options_.n_batch <= 0) options_.n_batch = 512;
  cache_ = std::make_unique<KvCache>(model_->backend(), config, n_ctx_, options_.kv_cache);
  logits_.resize(static_cast<size_t>(config.n_vocab));
}

Session::~Session() = default;

void Session::evaluate(const int32_t* tokens, int64_t n, bool want_logits) {
  const int64_t pos0 = static_cast<int64_t>(cached_.size());
  {
    auto lock = model_->run_lock();
    model_->model().forward(tokens, n, pos0, *cache_, want_logits ? 1 : 0, want_logits ? logits_.data() : nullptr);
  }
  // Only after the forward pass succeeded do these tokens count as cached.
  cached_.insert(cached_.end(), tokens, tokens + n);
  tokens_evaluated_ += n;
}

GenerationResult Session::generate(std::string_view prompt, const GenerateOptions& options) {
  return generate_tokens(model_->tokenizer().encode(prompt, /*parse_special=*/true), options);
}

GenerationResult Session::generate_tokens(const std::vector<int32_t>& prompt, const GenerateOptions& options) {
  cancel_.store(false, std::memory_order_relaxed);
  const Clock::time_point t_start = Clock::now();
  GenerationResult result;
  GenerationTimings& timings = result.timings;
  timings.prompt_tokens = static_cast<int64_t>(prompt.size());

  if (prompt.empty()) throw Error("the prompt is empty (no tokens to start from)");
  if (static_cast<int64_t>(prompt.size()) > n_ctx_)
    throw Error("the prompt is " + std::to_string(prompt.size()) + " tokens, but the context holds only " +
                std::to_string(n_ctx_));
  // Sampling covers every row of the output layer, as Hugging Face does; ids
  // past the tokenizer's vocabulary (padding rows) have no text.
  const int32_t vocab = static_cast<int32_t>(model_->config().n_vocab);
  const int32_t text_vocab = model_->tokenizer().vocab_size();
  for (int32_t id : prompt)
    if (id < 0 || id >= model_->config().n_vocab)
      throw Error("prompt token id " + std::to_string(id) + " is outside the model's vocabulary (" +
                  std::to_string(model_->config().n_vocab) + ")");

  // Longest shared prefix with the cache; the last prompt token is always
  // evaluated, since its logits choose the first new token.
  size_t common = 0;
  while (common < cached_.size() && common < prompt.size() && cached_[common] == prompt[common]) ++common;
  common = std::min(common, prompt.size() - 1);
  cached_.resize(common);

  for (size_t at = common; at < prompt.size();) {
    if (cancel_.load(std::memory_order_relaxed)) {
      result.finish_reason = FinishReason::kCancelled;
      timings.prompt_ms = ms_between(t_start, Clock::now());
      return result;
    }
    const size_t n = std::min<size_t>(options_.n_batch, prompt.size() - at);
    evaluate(prompt.data() + at, static_cast<int64_t>(n), at + n == prompt.size());
    timings.prompt_evaluated += static_cast<int64_t>(n);
    at += n;
  }
  const Clock::time_point t_prompt_done = Clock::now();
  timings.prompt_ms = ms_between(t_start, t_prompt_done);
  if (timings.prompt_ms > 0) timings.prompt_tokens_per_s = timings.prompt_evaluated * 1000.0 / timings.prompt_ms;

  Sampler sampler(options.sampling);
  std::vector<int32_t> history = prompt;  // the penalties' window looks at prompt and reply
  TokenTextStream stream(model_->tokenizer());
  StopStringFilter filter(options.stop);
  const std::optional<int32_t> eos = model_->eos_id();

  auto emit = [&](const std::string& piece, int32_t id, float probability,
                  const std::vector<TokenAlternative>* top) {
    result.text += piece;
    if (timings.generated_tokens == 1 && id >= 0) timings.time_to_first_token_ms = ms_between(t_start, Clock::now());
    if (options.on_token) {
      TokenEvent event;
      event.piece = piece;
      event.id = id;
      event.probability = probability;
      event.top = top;
      options.on_token(event);
    }
  };

  result.finish_reason = FinishReason::kMaxTokens;
  while (true) {
    if (cancel_.load(std::memory_order_relaxed)) {
      result.finish_reason = FinishReason::kCancelled;
      break;
    }
    if (options.max_tokens >= 0 && timings.generated_tokens >= options.max_tokens) {
      result.finish_reason = FinishReason::kMaxTokens;
      break;
    }
    const SampledToken token = sampler.sample(std::span<const float>(logits_.data(), vocab), history);
    if (options.stop_at_eos && eos && token.id == *eos) {
      result.finish_reason = FinishReason::kEos;
      break;
    }
    result.generated_ids.push_back(token.id);
    history.push_back(token.id);
    ++timings.generated_tokens;
    emit(filter.push(token.id < text_vocab ? stream.push(token.id) : std::string()), token.id, token.probability, &token.top);
    if (filter.stopped()) {
      result.finish_reason = FinishReason::kStopString;
      break;
    }
    if (options.max_tokens >= 0 && timings.generated_tokens >= options.max_tokens) {
      result.finish_reason = FinishReason::kMaxTokens;
      break;  // no need to evaluate a token nobody will follow
    }
    if (static_cast<int64_t>(cached_.size()) >= n_ctx_) {
      result.finish_reason = FinishReason::kContextFull;
      break;
    }
    evaluate(&token.id, 1, true);
  }

  if (!filter.stopped()) {
    std::string tail = filter.push(stream.flush());
    if (filter.stopped()) result.finish_reason = FinishReason::kStopString;
    tail += filter.flush();
    if (!tail.empty()) emit(tail, -1, 0.0f, nullptr);
  }

  const Clock::time_point t_end = Clock::now();
  timings.generation_ms = ms_between(t_prompt_done, t_end);
  if (timings.generation_ms > 0 && timings.generated_tokens > 0)
    timings.generation_tokens_per_s = timings.generated_tokens * 1000.0 / timings.generation_ms;
  return result;
}

}  // namespace neox
