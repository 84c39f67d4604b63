// Added tokens with lstrip / rstrip / single_word / normalized, written with
// ids out of order, on the tiny fixture vocabulary: ids as Hugging Face gives
// them (added_token_cases.jsonl from make_tokenizer_corpus.py).
#include <gtest/gtest.h>

#include "tokenizer_test_util.h"

namespace neox {
namespace {

const Tokenizer& added_tokenizer() {
  static const Tokenizer t =
      Tokenizer::from_tokenizer_json(test::kFixtureDir + "/added_tokens_tokenizer.json");
  return t;
}

TEST(AddedTokens, MatchHuggingFace) {
  const auto cases = test::read_jsonl(test::kFixtureDir + "/added_token_cases.jsonl");
  ASSERT_GE(cases.size(), 400u);
  for (const nlohmann::json& c : cases) {
    const std::string text = c.at("text").get<std::string>();
    EXPECT_EQ(added_tokenizer().encode(text), test::ids_of(c, "ids")) << c.at("text").dump();
    EXPECT_EQ(added_tokenizer().encode(text, false), test::ids_of(c, "ids_raw")) << c.at("text").dump();
  }
}

TEST(AddedTokens, IdsAreAssignedLikeHuggingFace) {
  // The file writes ids 1200..2000 out of order; HF ignores them, adds the
  // tokens in file order and gives each the next free id after the 1,000-token
  // vocabulary, or the vocabulary's own id when the content is a vocabulary
  // token ("é" is the byte 0xE9's symbol). Values from HF's token_to_id.
  const Tokenizer& t = added_tokenizer();
  EXPECT_EQ(t.find("<mask>"), 1000);
  EXPECT_EQ(t.find("bcd"), 1007);
  EXPECT_EQ(t.find(" qq"), 1008);
  EXPECT_EQ(t.find("\u00e9"), 166);
  EXPECT_EQ(t.find("<|endoftext|>"), 0);
  EXPECT_EQ(t.vocab_size(), 1009);
  EXPECT_TRUE(t.is_special(*t.find("<both>")));
  EXPECT_FALSE(t.is_special(*t.find("zzqq")));
  EXPECT_EQ(t.added_tokens().size(), 11u);  // the second <|endoftext|> is not added again
}

}  // namespace
}  // namespace neox
