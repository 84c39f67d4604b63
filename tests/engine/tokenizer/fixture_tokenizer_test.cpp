// The tiny 1,000-token tokenizer the fixture models use (trained by
// tests/fixtures/make_model_fixtures.py): its prompts give the ids recorded
// there with Hugging Face.
#include <gtest/gtest.h>

#include "tokenizer_test_util.h"

namespace neox {
namespace {

TEST(FixtureTokenizer, PromptsEncodeToReferenceIds) {
  const std::string models = std::string(NEOX_SOURCE_DIR) + "/tests/fixtures/models";
  const Tokenizer t = Tokenizer::from_tokenizer_json(models + "/tokenizer.json");
  const nlohmann::json refs = nlohmann::json::parse(test::read_file(models + "/references.json"));
  const auto texts = refs.at("prompt_texts").get<std::vector<std::string>>();
  const auto prompts = refs.at("prompts").get<std::vector<std::vector<int32_t>>>();
  ASSERT_EQ(texts.size(), prompts.size());
  ASSERT_FALSE(texts.empty());
  EXPECT_EQ(t.vocab_size(), refs.at("tokenizer_vocab").get<int32_t>());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(t.encode(texts[i]), prompts[i]) << texts[i];
    EXPECT_EQ(t.decode(prompts[i]), texts[i]);
  }
  EXPECT_EQ(t.eos_id(), t.find("<|endoftext|>"));
}

}  // namespace
}  // namespace neox
