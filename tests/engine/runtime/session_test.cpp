// Session over a fake model with known next tokens: prefix reuse, context
// full, cancellation from another thread, streaming, stop strings, EOS.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "neox/error.h"
#include "neox/session.h"

namespace neox {
namespace {

const char* kTokenizer = NEOX_SOURCE_DIR "/tests/fixtures/models/tokenizer.json";

// Next token = (last * 7 + 3) % 997 + 1 (never 0 = <|endoftext|>), except
// that `eos_after` maps to 0. Optionally slow, to give cancel() time.
class FakeModel : public Model {
 public:
  FakeModel(Backend& backend, int32_t eos_after = -1, int sleep_ms = 0)
      : backend_(backend), eos_after_(eos_after), sleep_ms_(sleep_ms) {
    config_.name = "fake";
    config_.n_vocab = 1024;
    config_.n_embd = 8;
    config_.n_head = 1;
    config_.head_dim = 8;
    config_.n_layer = 1;
    config_.n_ff = 32;
    config_.n_ctx_train = 64;
    config_.eos_id = 0;
  }
  static int32_t next_of(int32_t t, int32_t eos_after) { return t == eos_after ? 0 : (t * 7 + 3) % 997 + 1; }
  const ModelConfig& config() const override { return config_; }
  Backend& backend() const override { return backend_; }
  const std::string& path() const override { return path_; }
  void forward(const int32_t* tokens, int64_t n, int64_t pos0, KvCache& cache, int64_t n_out,
               float* logits) override {
    if (pos0 + n > cache.n_ctx()) throw Error("fake: past the cache");
    if (sleep_ms_) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
    if (n_out > 0) {
      std::fill(logits, logits + config_.n_vocab, 0.0f);
      logits[next_of(tokens[n - 1], eos_after_)] = 10.0f;
    }
  }

 private:
  Backend& backend_;
  ModelConfig config_;
  std::string path_ = "fake";
  int32_t eos_after_;
  int sleep_ms_;
};

std::shared_ptr<LoadedModel> fake(int32_t eos_after = -1, int sleep_ms = 0) {
  std::shared_ptr<Backend> backend = make_cpu_backend();
  auto model = std::make_unique<FakeModel>(*backend, eos_after, sleep_ms);
  return std::make_shared<LoadedModel>(backend, std::move(model), Tokenizer::from_tokenizer_json(kTokenizer));
}

GenerateOptions greedy(int max_tokens) {
  GenerateOptions o;
  o.sampling = greedy_sampler_params();
  o.max_tokens = max_tokens;
  return o;
}

TEST(Session, FollowsTheModelGreedily) {
  Session s(fake());
  const auto r = s.generate_tokens({5, 6, 7}, greedy(4));
  std::vector<int32_t> expected;
  int32_t t = 7;
  for (int i = 0; i < 4; ++i) expected.push_back(t = FakeModel::next_of(t, -1));
  EXPECT_EQ(r.generated_ids, expected);
  EXPECT_EQ(r.finish_reason, FinishReason::kMaxTokens);
  EXPECT_STREQ(finish_reason_name(r.finish_reason), "length");
}

TEST(Session, FollowUpEvaluatesOnlyNewTokens) {
  Session s(fake());
  const std::vector<int32_t> p1 = {10, 11, 12, 13, 14};
  const auto r1 = s.generate_tokens(p1, greedy(3));
  EXPECT_EQ(r1.timings.prompt_evaluated, 5);
  EXPECT_EQ(s.tokens_evaluated(), 5 + 2);  // the last sampled token is not evaluated
  // The conversation so far plus a new message.
  std::vector<int32_t> p2 = p1;
  p2.insert(p2.end(), r1.generated_ids.begin(), r1.generated_ids.end());
  p2.insert(p2.end(), {50, 51, 52});
  const int64_t before = s.tokens_evaluated();
  const auto r2 = s.generate_tokens(p2, greedy(1));
  EXPECT_EQ(r2.timings.prompt_tokens, static_cast<int64_t>(p2.size()));
  EXPECT_EQ(r2.timings.prompt_evaluated, 4);  // the third reply token and the 3 new ones
  EXPECT_EQ(s.tokens_evaluated() - before, 4);
  // A prompt that diverges early re-evaluates from the divergence.
  const auto r3 = s.generate_tokens({10, 11, 99}, greedy(1));
  EXPECT_EQ(r3.timings.prompt_evaluated, 1);
  // The same prompt again: only its last token, for fresh logits.
  const auto r4 = s.generate_tokens({10, 11, 99}, greedy(1));
  EXPECT_EQ(r4.timings.prompt_evaluated, 1);
  s.reset();
  EXPECT_EQ(s.generate_tokens({10, 11, 99}, greedy(1)).timings.prompt_evaluated, 3);
}

TEST(Session, ContextFullEndsWithLengthAndOversizedPromptThrows) {
  SessionOptions opts;
  opts.n_ctx = 8;
  Session s(fake(), opts);
  const auto r = s.generate_tokens({1, 2, 3, 4, 5}, greedy(100));
  EXPECT_EQ(r.finish_reason, FinishReason::kContextFull);
  EXPECT_STREQ(finish_reason_name(r.finish_reason), "length");
  EXPECT_EQ(r.generated_ids.size(), 4u);  // 3 more fit in the cache, the 4th is sampled from the last logits
  EXPECT_EQ(s.cached_tokens().size(), 8u);
  EXPECT_THROW(s.generate_tokens({1, 2, 3, 4, 5, 6, 7, 8, 9}, greedy(1)), Error);
  EXPECT_THROW(s.generate_tokens({}, greedy(1)), Error);
  EXPECT_EQ(Session(fake()).n_ctx(), 64);  // min(n_ctx_train, 2048)
}

TEST(Session, CancelFromAnotherThreadWithinOneToken) {
  SessionOptions opts;
  opts.n_ctx = 2048;
  Session s(fake(-1, 2), opts);
  std::atomic<int> seen{0};
  std::atomic<int> seen_at_cancel{-1};
  GenerateOptions o = greedy(-1);
  o.on_token = [&](const TokenEvent& e) {
    if (e.id >= 0) ++seen;
  };
  std::thread canceller([&] {
    while (seen.load() < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    seen_at_cancel = seen.load();
    s.cancel();
  });
  const auto r = s.generate_tokens({1, 2, 3}, o);
  canceller.join();
  EXPECT_EQ(r.finish_reason, FinishReason::kCancelled);
  EXPECT_LE(static_cast<int>(r.generated_ids.size()), seen_at_cancel.load() + 1);
  EXPECT_LT(r.generated_ids.size(), 1000u);
}

TEST(Session, StreamedPiecesMakeTheTextAndStopStringsSplitAcrossTokens) {
  Session s(fake());
  std::vector<std::string> pieces;
  GenerateOptions o = greedy(12);
  o.on_token = [&](const TokenEvent& e) { pieces.emplace_back(e.piece); };
  const auto full = s.generate_tokens({42}, o);
  std::string joined;
  for (const auto& p : pieces) joined += p;
  EXPECT_EQ(joined, full.text);
  EXPECT_EQ(full.text, s.model().tokenizer().decode(full.generated_ids));

  // A stop string made of the end of token 3's text and the start of token 4's.
  const Tokenizer& tok = s.model().tokenizer();
  const std::string head = tok.decode({full.generated_ids.begin(), full.generated_ids.begin() + 3});
  const std::string t3 = tok.token_bytes(full.generated_ids[3]);
  ASSERT_FALSE(head.empty());
  ASSERT_FALSE(t3.empty());
  const std::string stop = head.substr(head.size() - 1) + t3.substr(0, 1);
  const size_t at = full.text.find(stop);
  ASSERT_NE(at, std::string::npos);
  pieces.clear();
  o.stop = {stop, "never-appears"};
  const auto stopped = s.generate_tokens({42}, o);
  EXPECT_EQ(stopped.finish_reason, FinishReason::kStopString);
  EXPECT_EQ(stopped.text, full.text.substr(0, at));
  joined.clear();
  for (const auto& p : pieces) joined += p;
  EXPECT_EQ(joined, stopped.text);
}

TEST(Session, StopsAtEosWithoutIncludingIt) {
  const int32_t after = FakeModel::next_of(FakeModel::next_of(3, -1), -1);
  Session s(fake(after));
  const auto r = s.generate_tokens({3}, greedy(50));
  EXPECT_EQ(r.finish_reason, FinishReason::kEos);
  EXPECT_EQ(r.generated_ids.size(), 2u);
  GenerateOptions o = greedy(5);
  o.stop_at_eos = false;
  const auto r2 = s.generate_tokens({3}, o);
  EXPECT_EQ(r2.generated_ids.size(), 5u);
  EXPECT_EQ(r2.generated_ids[2], 0);
}

}  // namespace
}  // namespace neox
