// Finds added tokens in text the way Hugging Face's AddedVocabulary does:
// leftmost-longest matches over all patterns of one set (a byte trie stands in
// for its Aho-Corasick automaton), then per match: single_word discards a match
// glued to a word character, lstrip/rstrip widen it over adjacent whitespace,
// and skipped special tokens stay plain text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neox/tokenizer.h"

namespace neox::tok {

struct TextPiece {
  size_t begin = 0, end = 0;
  int32_t token_id = -1;  // -1: ordinary text
};

class AddedTokenMatcher {
 public:
  // `pattern` is what is searched for (the content, NFC-normalized for the
  // normalized set); `token` gives id and flags.
  void add(std::string_view pattern, const AddedToken& token);
  bool empty() const { return tokens_.empty(); }

  // Tiles `text` into pieces. skip_special: special tokens are not recognised
  // (their match is dropped, not searched again for shorter tokens, as HF does).
  void split(std::string_view text, bool skip_special, std::vector<TextPiece>* out) const;

 private:
  struct Node {
    int32_t token = -1;  // index into tokens_ of a pattern ending here
    std::vector<std::pair<uint8_t, int32_t>> next;
  };
  int32_t child(int32_t node, uint8_t byte) const;
  // Length of the longest pattern starting at text[i], 0 if none; *token its index.
  size_t longest_at(std::string_view text, size_t i, int32_t* token) const;

  std::vector<Node> nodes_ = std::vector<Node>(1);
  bool can_start_[256] = {};  // first bytes of patterns: other positions are skipped at once
  std::vector<AddedToken> tokens_;
};

}  // namespace neox::tok
