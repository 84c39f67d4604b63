// Lookups, decoding and streaming on the GPT-NeoX-20B tokenizer, and UTF-8
// edge cases of the stream.
#include <gtest/gtest.h>

#include "tokenizer/utf8.h"
#include "tokenizer_test_util.h"

namespace neox {
namespace {

TEST(TokenizerApi, LookupsOnNeox) {
  // Values from tokenizer.json / HF: 50,277 tokens, "Ġthe" = 253,
  // whitespace-run tokens 50254 (24 spaces) .. 50276 (2 spaces).
  const Tokenizer& t = test::neox_json_tokenizer();
  EXPECT_EQ(t.vocab_size(), 50277);
  EXPECT_EQ(t.find("Ġthe"), 253);
  EXPECT_EQ(t.token_bytes(253), " the");
  EXPECT_EQ(t.token_bytes(50276), "  ");
  EXPECT_EQ(t.token_bytes(50254), std::string(24, ' '));
  EXPECT_EQ(t.token_bytes(0), "<|endoftext|>");
  EXPECT_EQ(t.token_bytes(-1), "");
  EXPECT_EQ(t.token_bytes(1 << 30), "");
  EXPECT_EQ(t.find("<|endoftext|>"), 0);
  EXPECT_FALSE(t.find("no such token").has_value());
  EXPECT_TRUE(t.is_special(0));
  EXPECT_FALSE(t.is_special(50254));
  EXPECT_FALSE(t.is_special(253));
  EXPECT_FALSE(t.is_special(-5));
  EXPECT_EQ(t.bos_id(), 0);
  EXPECT_EQ(t.eos_id(), 0);
  EXPECT_EQ(t.added_tokens().size(), 25u);
  EXPECT_EQ(t.decode({253, 0, 253}, /*skip_special=*/true), " the the");
  EXPECT_EQ(t.decode({253, 0, 253}), " the<|endoftext|> the");
}

TEST(TokenizerApi, GgufLookups) {
  const Tokenizer& t = test::neox_gguf_tokenizer();
  EXPECT_EQ(t.vocab_size(), 50432);  // padded with [PADn] entries
  EXPECT_EQ(t.bos_id(), 0);
  EXPECT_EQ(t.eos_id(), 0);
  EXPECT_EQ(t.find("<|padding|>"), 1);
  EXPECT_TRUE(t.is_special(1));
  EXPECT_EQ(t.encode("[PAD50300]"), test::neox_json_tokenizer().encode("[PAD50300]"));
}

TEST(TokenizerApi, InvalidUtf8InputIsReadAsReplacementCharacters) {
  const Tokenizer& t = test::neox_json_tokenizer();
  EXPECT_EQ(t.encode("a\xFF"
                     "b\xE2\x82"),
            t.encode("a\xEF\xBF\xBD"
                     "b\xEF\xBF\xBD"));
  EXPECT_EQ(t.count(std::string("\0\0", 2)), t.encode(std::string("\0\0", 2)).size());
  EXPECT_TRUE(t.encode("").empty());
}

TEST(TokenTextStream, HoldsBackACutCharacter) {
  const Tokenizer& t = test::neox_json_tokenizer();
  // "€" is E2 82 AC: one single-byte token for each byte.
  std::vector<int32_t> ids;
  for (const char* byte : {"\xE2", "\x82", "\xAC"}) {
    for (int32_t id = 0; id < t.vocab_size(); ++id) {
      if (t.token_bytes(id) == byte) {
        ids.push_back(id);
        break;
      }
    }
  }
  ASSERT_EQ(ids.size(), 3u);
  ASSERT_EQ(t.decode(ids), "\xE2\x82\xAC");
  TokenTextStream stream(t);
  EXPECT_EQ(stream.push(ids[0]), "");
  EXPECT_EQ(stream.push(ids[1]), "");
  EXPECT_EQ(stream.push(ids[2]), "\xE2\x82\xAC");
  EXPECT_EQ(stream.flush(), "");
  // Cut off: flush gives one U+FFFD for the incomplete sequence.
  EXPECT_EQ(stream.push(ids[0]), "");
  EXPECT_EQ(stream.push(ids[1]), "");
  EXPECT_EQ(stream.flush(), "\xEF\xBF\xBD");
  // A sequence that can never complete is emitted at once.
  EXPECT_EQ(stream.push(ids[0]), "");
  EXPECT_EQ(stream.push(*t.find("a")),
            "\xEF\xBF\xBD"
            "a");
}

TEST(Utf8, LossyReplacesMaximalSubparts) {
  // Unicode's recommended practice (W3C/WHATWG, Rust's from_utf8_lossy).
  EXPECT_EQ(tok::utf8_lossy("a\x80"
                            "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(tok::utf8_lossy("\xE2\x82"
                            "x"),
            "\xEF\xBF\xBD"
            "x");                                                                      // one subpart
  EXPECT_EQ(tok::utf8_lossy("\xF0\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong: 3
  EXPECT_EQ(tok::utf8_lossy("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate: 3
  EXPECT_EQ(tok::utf8_lossy("\xF4\x90\x80\x80").size(), 12u);                          // > U+10FFFF
  EXPECT_EQ(tok::utf8_incomplete_tail("a\xF0\x9F\x98"), 3u);
  EXPECT_EQ(tok::utf8_incomplete_tail("a\xF0\x8F"), 0u);  // can never complete
  EXPECT_EQ(tok::utf8_incomplete_tail("a\xE2\x82\xAC"), 0u);
}

}  // namespace
}  // namespace neox
