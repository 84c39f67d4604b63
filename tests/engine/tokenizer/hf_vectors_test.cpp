// The shared Hugging Face test vectors for GPT-NeoX-20B, through both the
// tokenizer.json and the GGUF vocabulary: every entry id for id.
#include <gtest/gtest.h>

#include "tokenizer_test_util.h"

namespace neox {
namespace {

struct VectorFile {
  const char* inputs;
  const char* outputs;
};

class HfVectors : public ::testing::TestWithParam<VectorFile> {};

// The GGUF vocabulary names id 1 "<|padding|>" (as Pythia's files do); the
// reference tokenizer.json names it "<|unk|>". Text containing either name
// therefore tokenizes differently by design; corpus_test checks the GGUF on
// such text against Hugging Face run on the Pythia-named tokenizer.json.
bool names_token_1(const std::string& text) {
  return text.find("<|padding|>") != std::string::npos || text.find("<|unk|>") != std::string::npos;
}

void expect_all_match(const Tokenizer& tokenizer, const VectorFile& files, const char* via) {
  const auto inputs = test::read_vocab_test_inputs(test::kRefDir + "/" + files.inputs);
  const auto outputs = test::read_vocab_test_outputs(test::kRefDir + "/" + files.outputs);
  ASSERT_FALSE(inputs.empty());
  ASSERT_EQ(inputs.size(), outputs.size()) << files.inputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (std::string(via) == "gguf" && names_token_1(inputs[i])) continue;
    EXPECT_EQ(tokenizer.encode(inputs[i]), outputs[i])
        << via << " entry " << i << ": \"" << inputs[i] << "\"";
    EXPECT_EQ(tokenizer.count(inputs[i]), outputs[i].size()) << via << " entry " << i;
  }
}

TEST_P(HfVectors, TokenizerJsonMatchesHuggingFace) {
  expect_all_match(test::neox_json_tokenizer(), GetParam(), "tokenizer.json");
}

TEST_P(HfVectors, GgufVocabMatchesHuggingFace) {
  expect_all_match(test::neox_gguf_tokenizer(), GetParam(), "gguf");
}

INSTANTIATE_TEST_SUITE_P(GptNeox20b, HfVectors,
                         ::testing::Values(VectorFile{"gpt-neox-20b.hf.inp", "gpt-neox-20b.hf.out"},
                                           VectorFile{"gpt-neox-20b.extra.inp",
                                                      "gpt-neox-20b.extra.hf.out"}));

// The same vocabulary with tokenizer.ggml.pre = "olmo" (what llama.cpp's
// converter writes for it): NFC is chosen from the pre key.
TEST_P(HfVectors, GgufWithPreOlmoMatchesHuggingFace) {
  const GgufFile g = GgufFile::open(test::kRefDir + "/ggml-vocab-gpt-neox-pre-olmo.gguf");
  expect_all_match(Tokenizer::from_gguf(g), GetParam(), "gguf");
}

// GPT-2's vocabulary (same split rule, no normalizer) against llama.cpp's
// test vectors, which llama.cpp generates with Hugging Face's tokenizer.
TEST(HfVectors, Gpt2GgufMatchesLlamaCppVectors) {
  const GgufFile g = GgufFile::open(test::kRefDir + "/ggml-vocab-gpt-2.gguf");
  const Tokenizer t = Tokenizer::from_gguf(g);
  EXPECT_EQ(t.eos_id(), 50256);
  expect_all_match(t, {"ggml-vocab-gpt-2.gguf.inp", "ggml-vocab-gpt-2.gguf.out"}, "gpt-2 gguf");
}

TEST(HfVectors, EntryCountsAreTheDocumentedOnes) {
  EXPECT_EQ(test::read_vocab_test_inputs(test::kRefDir + "/gpt-neox-20b.hf.inp").size(), 46u);
  EXPECT_EQ(test::read_vocab_test_inputs(test::kRefDir + "/gpt-neox-20b.extra.inp").size(), 10u);
}

}  // namespace
}  // namespace neox
