// Decoding: greedy continuations against the transformers reference, and
// incremental evaluation (prefill, then pieces at pos0 > 0) against one pass.
#include <gtest/gtest.h>

#include "model/model_test_support.h"
#include "neox/error.h"

namespace {

using neox_test::references;

struct GreedyCase {
  std::string model;      // what runs
  std::string reference;  // whose greedy_tokens / greedy_margins
  double tolerance;       // logits tolerance of ReferenceLogits for this pair
};

void PrintTo(const GreedyCase& c, std::ostream* os) {
  *os << c.model << " vs " << c.reference;
}

class Greedy : public ::testing::TestWithParam<GreedyCase> {};

// Teacher-forced: after the prompt, feed the reference's own tokens one at a
// time and check our argmax at every step whose reference top-1/top-2 margin
// exceeds twice the logits tolerance (there our rounding cannot flip it).
// Then free-running: our own greedy tokens must equal the reference up to the
// first step with a smaller margin.
TEST_P(Greedy, ContinuationMatchesReference) {
  const GreedyCase& c = GetParam();
  const neox_test::References& refs = references();
  const neox_test::ReferenceModel& ref = refs.model(c.reference);
  ASSERT_EQ(ref.greedy_tokens.size(), 64u);
  ASSERT_EQ(ref.greedy_margins.size(), 64u);
  std::unique_ptr<neox::Model> model = neox::Model::load(refs.model(c.model).path, neox_test::cpu_backend());
  const int64_t nv = model->config().n_vocab;
  const std::vector<int32_t>& prompt = refs.prompts[static_cast<size_t>(refs.greedy_prompt)];
  const double threshold = 2 * c.tolerance;

  size_t clear_steps = 0;
  for (double m : ref.greedy_margins) clear_steps += m > threshold;
  EXPECT_GE(clear_steps, 60u) << "the fixture's margins are too small to test greedy decoding";

  for (bool teacher_forced : {true, false}) {
    neox::KvCache cache(model->backend(), model->config(), 128);
    std::vector<float> logits(static_cast<size_t>(nv));
    model->forward(prompt.data(), static_cast<int64_t>(prompt.size()), 0, cache, 1, logits.data());
    int64_t pos = static_cast<int64_t>(prompt.size());
    for (size_t i = 0; i < ref.greedy_tokens.size(); ++i) {
      const int32_t ours = neox_test::argmax(logits.data(), nv);
      if (ref.greedy_margins[i] > threshold) {
        EXPECT_EQ(ours, ref.greedy_tokens[i])
            << (teacher_forced ? "teacher-forced" : "free-running") << " step " << i << ", reference margin "
            << ref.greedy_margins[i];
      } else if (!teacher_forced) {
        break;  // our token may legitimately differ from here on
      }
      const int32_t next = teacher_forced ? ref.greedy_tokens[i] : ours;
      model->forward(&next, 1, pos++, cache, 1, logits.data());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Greedy,
                         ::testing::Values(GreedyCase{"neox-par-r25", "neox-par-r25", 1e-4},
                                           GreedyCase{"neox-seq-r100", "neox-seq-r100", 1e-4},
                                           GreedyCase{"neox-hd24", "neox-hd24", 1e-4},
                                           GreedyCase{"neox-par-r25-f16", "neox-par-r25-f16", 1e-4},
                                           GreedyCase{"neox-par-r25-bf16", "neox-par-r25-bf16", 1e-4},
                                           // GGUF with the folder's F32 weights: the folder's continuation.
                                           GreedyCase{"neox-par-r25.f32-llama", "neox-par-r25", 1e-4},
                                           GreedyCase{"neox-hd24.f32-llama", "neox-hd24", 1e-4},
                                           GreedyCase{"neox-seq-r100.f32-llama", "neox-seq-r100", 5e-3}),
                         [](const ::testing::TestParamInfo<GreedyCase>& info) {
                           std::string s = info.param.model;
                           for (char& ch : s)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

// Incremental evaluation must reproduce the one-pass logits. The matmul takes
// another path for few tokens than for many, so agreement is to float32
// rounding, not bit-exact.
class Incremental : public ::testing::TestWithParam<std::string> {};

constexpr double kIncrementalTolerance = 1e-4;
// With an F16 cache the two sides' keys and values, equal to float32
// rounding, can round to neighbouring F16 values (one F16 ulp is 2^-11
// relative), and each flip moves the logits: measured up to 1.4e-3 on these
// fixtures, within the F16 cache's own error against the exact answer
// (reference_logits_test.cpp: 5.5e-3). A wrong position or a stale row moves
// them by far more than 1e-2.
constexpr double kIncrementalToleranceF16 = 5e-3;

void check_incremental(const std::string& name, neox::KvCacheType kv) {
  const double tolerance = kv == neox::KvCacheType::kF16 ? kIncrementalToleranceF16 : kIncrementalTolerance;
  const neox_test::References& refs = references();
  const neox_test::ReferenceModel& m = refs.model(name);
  std::unique_ptr<neox::Model> model = neox::Model::load(m.path, neox_test::cpu_backend());
  const size_t nv = static_cast<size_t>(model->config().n_vocab);
  // A prompt and a continuation: 74 tokens.
  std::vector<int32_t> tokens = refs.prompts[0];
  for (const std::vector<int32_t>& p : refs.prompts) tokens.insert(tokens.end(), p.begin(), p.end());
  tokens.insert(tokens.end(), refs.model("neox-par-r25").greedy_tokens.begin(),
                refs.model("neox-par-r25").greedy_tokens.end());
  const int64_t n = static_cast<int64_t>(tokens.size());
  const std::vector<float> one_pass = neox_test::all_logits(*model, tokens, 256, kv);

  // Prefill 5 tokens, then one at a time.
  {
    neox::KvCache cache(model->backend(), model->config(), 256, kv);
    std::vector<float> got(static_cast<size_t>(n) * nv);
    model->forward(tokens.data(), 5, 0, cache, 5, got.data());
    for (int64_t i = 5; i < n; ++i) model->forward(&tokens[i], 1, i, cache, 1, got.data() + i * nv);
    EXPECT_LE(neox_test::max_abs_diff(got.data(), one_pass.data(), got.size()), tolerance);
  }
  // Uneven chunks at pos0 > 0, logits of only the last 3 tokens of each.
  {
    neox::KvCache cache(model->backend(), model->config(), 256, kv);
    std::vector<float> got(3 * nv);
    for (int64_t pos = 0, step = 7; pos < n; pos += step, step = step % 11 + 3) {
      const int64_t len = std::min(step, n - pos);
      const int64_t n_out = std::min<int64_t>(3, len);
      model->forward(&tokens[pos], len, pos, cache, n_out, got.data());
      const float* expected = one_pass.data() + (pos + len - n_out) * nv;
      EXPECT_LE(neox_test::max_abs_diff(got.data(), expected, n_out * nv), tolerance)
          << "chunk at " << pos;
    }
  }
  // Re-evaluating from a position overwrites the cache rows after it (a
  // session rewinding to a shared prefix).
  {
    neox::KvCache cache(model->backend(), model->config(), 256, kv);
    std::vector<int32_t> other(tokens.begin(), tokens.end());
    for (int64_t i = 20; i < n; ++i) other[i] = (other[i] * 7 + 3) % 1000;
    std::vector<float> scratch(static_cast<size_t>(n) * nv), got(nv);
    model->forward(other.data(), n, 0, cache, 0, nullptr);
    model->forward(&tokens[20], n - 20, 20, cache, 1, got.data());
    EXPECT_LE(neox_test::max_abs_diff(got.data(), one_pass.data() + (n - 1) * nv, nv), tolerance);
  }
}

// With either cache type (each side writes its own cache and reads it back).
TEST_P(Incremental, PiecesGiveTheLogitsOfOnePass) {
  {
    SCOPED_TRACE("F32 cache");
    check_incremental(GetParam(), neox::KvCacheType::kF32);
  }
  {
    SCOPED_TRACE("F16 cache");
    check_incremental(GetParam(), neox::KvCacheType::kF16);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Incremental,
                         ::testing::Values("neox-par-r25", "neox-seq-r100", "neox-hd24.f32-llama",
                                           "neox-par-r25.f16-llama", "neox-par-r25-bf16"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string s = info.param;
                           for (char& ch : s)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

// A prompt longer than the forward pass's internal chunk (512 tokens): its
// logits rows span chunks; pieces of other sizes must agree.
TEST(LongPrompt, ChunkedPrefillMatchesPieces) {
  std::unique_ptr<neox::Model> model =
      neox::Model::load(references().model("neox-par-r25").path, neox_test::cpu_backend());
  const size_t nv = static_cast<size_t>(model->config().n_vocab);
  std::vector<int32_t> tokens(700);
  uint32_t s = 12345;
  for (int32_t& t : tokens) t = static_cast<int32_t>((s = s * 1664525u + 1013904223u) >> 8) % 1000;
  const int64_t n = 700, n_out = 600;
  neox::KvCache cache(model->backend(), model->config(), 1024);
  std::vector<float> whole(n_out * nv);
  model->forward(tokens.data(), n, 0, cache, n_out, whole.data());

  neox::KvCache cache2(model->backend(), model->config(), 1024);
  std::vector<float> pieces(n * nv);
  model->forward(tokens.data(), 300, 0, cache2, 300, pieces.data());
  model->forward(&tokens[300], 1, 300, cache2, 1, pieces.data() + 300 * nv);
  model->forward(&tokens[301], 399, 301, cache2, 399, pieces.data() + 301 * nv);
  EXPECT_LE(neox_test::max_abs_diff(whole.data(), pieces.data() + (n - n_out) * nv, n_out * nv),
            kIncrementalTolerance);
}

std::string forward_error(neox::Model& model, neox::KvCache& cache, std::vector<int32_t> tokens, int64_t pos0,
                          int64_t n_out) {
  std::vector<float> logits(tokens.size() * static_cast<size_t>(model.config().n_vocab) + 1);
  try {
    model.forward(tokens.data(), static_cast<int64_t>(tokens.size()), pos0, cache, n_out, logits.data());
  } catch (const neox::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Forward, RejectsBadArguments) {
  std::unique_ptr<neox::Model> model =
      neox::Model::load(references().model("neox-par-r25").path, neox_test::cpu_backend());
  neox::KvCache cache(model->backend(), model->config(), 16);
  EXPECT_NE(forward_error(*model, cache, {1, 1024}, 0, 1).find("token id 1024 is out of range"),
            std::string::npos);
  EXPECT_NE(forward_error(*model, cache, {-1}, 0, 1).find("token id -1 is out of range"), std::string::npos);
  EXPECT_NE(forward_error(*model, cache, {1, 2, 3}, 14, 1).find("context is full"), std::string::npos);
  EXPECT_NE(forward_error(*model, cache, {1, 2}, 0, 3).find("logits of 3 of 2 tokens"), std::string::npos);
  EXPECT_NE(forward_error(*model, cache, {1}, -1, 1).find("negative"), std::string::npos);
  std::unique_ptr<neox::Model> other =
      neox::Model::load(references().model("neox-seq-r100").path, neox_test::cpu_backend());
  EXPECT_NE(forward_error(*other, cache, {1}, 0, 1).find("KV cache was made for another model"),
            std::string::npos);
  // The failed calls left the cache usable.
  EXPECT_EQ(forward_error(*model, cache, {1, 2, 3}, 13, 1), "(no error)");
}

TEST(KvCache, SizeIsTwoMatricesPerLayerF16OnTheCpuUnlessF32IsAsked) {
  std::unique_ptr<neox::Model> model =
      neox::Model::load(references().model("neox-seq-r100").path, neox_test::cpu_backend());
  neox::KvCache cache(model->backend(), model->config(), 100);  // Auto: F16 where the backend stores it
  EXPECT_EQ(cache.n_ctx(), 100);
  EXPECT_EQ(cache.n_layer(), 3);
  EXPECT_EQ(cache.bytes(), 3u * 2 * 100 * 64 * 2);
  EXPECT_EQ(cache.k(2).rows, 100);
  EXPECT_EQ(cache.k(2).dtype, neox::DType::F16);
  EXPECT_EQ(cache.v(0).cols, 64);
  neox::KvCache exact(model->backend(), model->config(), 100, neox::KvCacheType::kF32);
  EXPECT_EQ(exact.bytes(), 3u * 2 * 100 * 64 * 4);
  EXPECT_EQ(exact.v(1).dtype, neox::DType::F32);
  EXPECT_THROW(neox::KvCache(model->backend(), model->config(), 0), neox::Error);
}

}  // namespace
