// ByteLevel's add_prefix_space and use_regex switched on the tiny fixture
// tokenizer: ids as Hugging Face gives them (pre_tokenizer_cases.jsonl).
#include <gtest/gtest.h>

#include <map>

#include "tokenizer_test_util.h"

namespace neox {
namespace {

Tokenizer fixture_with(bool add_prefix_space, bool use_regex) {
  nlohmann::json j = nlohmann::json::parse(
      test::read_file(std::string(NEOX_SOURCE_DIR) + "/tests/fixtures/models/tokenizer.json"));
  j["pre_tokenizer"]["add_prefix_space"] = add_prefix_space;
  j["pre_tokenizer"]["use_regex"] = use_regex;
  return Tokenizer::from_tokenizer_json_text(j.dump(), "fixture tokenizer.json (modified)");
}

TEST(PreTokenizerOptions, MatchHuggingFace) {
  std::map<std::pair<bool, bool>, Tokenizer> tokenizers;
  size_t checked = 0;
  for (const nlohmann::json& c : test::read_jsonl(test::kFixtureDir + "/pre_tokenizer_cases.jsonl")) {
    const std::pair<bool, bool> key{c.at("add_prefix_space").get<bool>(), c.at("use_regex").get<bool>()};
    if (!tokenizers.count(key)) tokenizers.emplace(key, fixture_with(key.first, key.second));
    const std::string text = c.at("text").get<std::string>();
    EXPECT_EQ(tokenizers.at(key).encode(text), test::ids_of(c, "ids"))
        << "add_prefix_space=" << key.first << " use_regex=" << key.second << " " << c.at("text").dump();
    ++checked;
  }
  EXPECT_EQ(tokenizers.size(), 3u);
  EXPECT_GE(checked, 450u);
}

}  // namespace
}  // namespace neox
