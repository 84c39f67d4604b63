#include <gtest/gtest.h>

#include "neox/error.h"
#include "neox/gguf.h"

namespace {

const std::string kVocab = std::string(NEOX_SHARED_DIR) + "/reference/tokenizers/ggml-vocab-gpt-neox.gguf";

TEST(GgufReader, ReadsRealVocabFile) {
  neox::GgufFile g = neox::GgufFile::open(kVocab);
  EXPECT_EQ(g.version(), 3u);
  EXPECT_EQ(g.get_string("tokenizer.ggml.model"), "gpt2");
  const neox::GgufArray* tokens = g.get_array("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->count, 50432u);
  EXPECT_EQ(tokens->strings[0], "<|endoftext|>");
  const neox::GgufArray* merges = g.get_array("tokenizer.ggml.merges");
  ASSERT_NE(merges, nullptr);
  EXPECT_EQ(merges->count, 50009u);
}

TEST(GgufReader, RejectsNonGguf) {
  const char text[] = "hello, not a model";
  try {
    neox::GgufFile::parse(reinterpret_cast<const uint8_t*>(text), sizeof text, "x.bin");
    FAIL() << "expected an error";
  } catch (const neox::Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.bin: not a GGUF file"), std::string::npos) << e.what();
  }
}

}  // namespace
