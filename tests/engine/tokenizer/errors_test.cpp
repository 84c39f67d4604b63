// Bad tokenizer files give neox::Error naming the file and the problem.
#include <gtest/gtest.h>

#include <cstring>

#include "neox/error.h"
#include "tokenizer_test_util.h"

namespace neox {
namespace {

// A minimal valid tokenizer.json: byte-level BPE over "a", "b", "ab".
std::string tiny_json(const std::string& model, const std::string& normalizer = R"({"type":"NFC"})") {
  return R"({"version":"1.0","added_tokens":[],"normalizer":)" + normalizer +
         R"(,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":true},"model":)" +
         model + "}";
}
const std::string kGoodModel = R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]})";

// Expects neox::Error whose message contains the label and `problem`.
void expect_error(const std::string& json, const std::string& problem) {
  try {
    (void)Tokenizer::from_tokenizer_json_text(json, "bad/tokenizer.json");
    ADD_FAILURE() << "no error for: " << json;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad/tokenizer.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find(problem), std::string::npos) << msg;
  }
}

TEST(TokenizerErrors, TinyTokenizerLoads) {
  const Tokenizer t = Tokenizer::from_tokenizer_json_text(tiny_json(kGoodModel), "tiny");
  EXPECT_EQ(t.encode("abab"), (std::vector<int32_t>{2, 2}));
  const Tokenizer pairs = Tokenizer::from_tokenizer_json_text(
      tiny_json(R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[["a","b"]]})"), "pairs");
  EXPECT_EQ(pairs.encode("ab"), (std::vector<int32_t>{2}));
}

TEST(TokenizerErrors, MalformedJson) {
  expect_error("{\"model\": ", "malformed JSON");
  expect_error("[1, 2]", "not a tokenizer.json");
  expect_error("", "malformed JSON");
}

TEST(TokenizerErrors, MissingVocab) {
  expect_error(tiny_json(R"({"type":"BPE","merges":[]})"), "model.vocab is missing");
  expect_error(tiny_json(R"({"type":"BPE","vocab":[1,2],"merges":[]})"), "model.vocab");
  expect_error(R"({"normalizer":null})", "model is missing");
}

TEST(TokenizerErrors, MergeWithUnknownToken) {
  expect_error(tiny_json(R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a c"]})"),
               "not in model.vocab");
  expect_error(tiny_json(R"({"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]})"), "\"ab\"");
  expect_error(tiny_json(R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b c"]})"),
               "model.merges[0]");
}

TEST(TokenizerErrors, UnsupportedModelAndNormalizer) {
  expect_error(tiny_json(R"({"type":"WordPiece","vocab":{"a":0}})"), "\"WordPiece\" is not supported");
  expect_error(tiny_json(R"({"type":"Unigram","vocab":[["a",0.0]]})"), "\"Unigram\" is not supported");
  expect_error(tiny_json(kGoodModel, R"({"type":"Lowercase"})"), "normalizer type \"Lowercase\"");
}

TEST(TokenizerErrors, MissingFileNamesIt) {
  try {
    (void)Tokenizer::from_tokenizer_json("/nonexistent/tokenizer.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tokenizer.json"), std::string::npos);
  }
}

// A GGUF v3 file in memory with string-valued metadata and no tensors.
// Built in a std::string: appending to a vector<uint8_t> trips GCC 12's
// -Wstringop-overflow false positive.
std::string gguf_with(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string out;
  const auto put = [&](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
  const auto put_u32 = [&](uint32_t v) { put(&v, 4); };  // little-endian host
  const auto put_u64 = [&](uint64_t v) { put(&v, 8); };
  const auto put_str = [&](const std::string& s) {
    put_u64(s.size());
    put(s.data(), s.size());
  };
  put("GGUF", 4);
  put_u32(3);
  put_u64(0);
  put_u64(kv.size());
  for (const auto& [key, value] : kv) {
    put_str(key);
    put_u32(8);  // STRING
    put_str(value);
  }
  while (out.size() % 32) out.push_back('\0');
  return out;
}

void expect_gguf_error(const std::vector<std::pair<std::string, std::string>>& kv,
                       const std::string& problem) {
  const std::string bytes = gguf_with(kv);
  const GgufFile g =
      GgufFile::parse(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "bad.gguf");
  try {
    (void)Tokenizer::from_gguf(g);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.gguf"), std::string::npos) << msg;
    EXPECT_NE(msg.find(problem), std::string::npos) << msg;
  }
}

TEST(TokenizerErrors, GgufWithoutTokenizer) {
  expect_gguf_error({{"general.architecture", "gptneox"}}, "tokenizer.ggml.model is missing");
  expect_gguf_error({{"tokenizer.ggml.model", "llama"}}, "\"llama\" is not supported");
  expect_gguf_error({{"tokenizer.ggml.model", "gpt2"}}, "tokenizer.ggml.tokens");
  expect_gguf_error({{"tokenizer.ggml.model", "gpt2"}, {"tokenizer.ggml.pre", "llama-bpe"}}, "llama-bpe");
}

}  // namespace
}  // namespace neox
