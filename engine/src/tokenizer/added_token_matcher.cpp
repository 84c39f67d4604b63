#include "tokenizer/added_token_matcher.h"

#include <utf8proc.h>

#include <algorithm>

#include "tokenizer/utf8.h"

namespace neox::tok {
namespace {

// Rust's char::is_whitespace (the White_Space property), used by lstrip/rstrip.
bool is_white_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

// A regex \w character, which single_word tests on both sides of a match:
// letters, marks, decimal and letter numbers, connector punctuation ('_') and
// the joiners. (Alphabetic's few Other_Alphabetic symbols are not included.)
bool is_word_char(char32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
  if (cp == 0x200C || cp == 0x200D) return true;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_PC:
      return true;
    default:
      return false;
  }
}

char32_t first_char(std::string_view s) {
  char32_t cp = 0;
  return utf8_valid_len(s, 0, &cp) > 0 ? cp : kReplacementChar;
}

// Start of the UTF-8 character that ends just before byte `end`.
size_t prev_char_begin(std::string_view s, size_t end) {
  size_t i = end - 1;
  while (i > 0 && (static_cast<uint8_t>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

char32_t last_char(std::string_view s) {
  return first_char(s.substr(prev_char_begin(s, s.size())));
}

}  // namespace

int32_t AddedTokenMatcher::child(int32_t node, uint8_t byte) const {
  for (const auto& [b, next] : nodes_[node].next)
    if (b == byte) return next;
  return -1;
}

void AddedTokenMatcher::add(std::string_view pattern, const AddedToken& token) {
  if (pattern.empty()) return;  // an empty pattern would match everywhere; HF never matches it
  can_start_[static_cast<uint8_t>(pattern[0])] = true;
  int32_t node = 0;
  for (char c : pattern) {
    const uint8_t b = static_cast<uint8_t>(c);
    int32_t next = child(node, b);
    if (next < 0) {
      next = static_cast<int32_t>(nodes_.size());
      nodes_[node].next.emplace_back(b, next);
      nodes_.emplace_back();
    }
    node = next;
  }
  if (nodes_[node].token >= 0) return;  // same pattern twice: the first one wins
  nodes_[node].token = static_cast<int32_t>(tokens_.size());
  tokens_.push_back(token);
}

size_t AddedTokenMatcher::longest_at(std::string_view text, size_t i, int32_t* token) const {
  size_t best = 0;
  int32_t node = 0;
  for (size_t k = i; k < text.size(); ++k) {
    node = child(node, static_cast<uint8_t>(text[k]));
    if (node < 0) break;
    if (nodes_[node].token >= 0) {
      best = k + 1 - i;
      *token = nodes_[node].token;
    }
  }
  return best;
}

void AddedTokenMatcher::split(std::string_view text, bool skip_special, std::vector<TextPiece>* out) const {
  size_t done = 0;  // text before this is already in `out`
  if (!tokens_.empty()) {
    size_t i = 0;
    while (i < text.size()) {
      if (!can_start_[static_cast<uint8_t>(text[i])]) {
        ++i;
        continue;
      }
      int32_t index = -1;
      const size_t len = longest_at(text, i, &index);
      if (len == 0) {
        ++i;
        continue;
      }
      size_t start = i, stop = i + len;
      i = stop;  // matches never overlap, whatever happens to this one below
      const AddedToken& token = tokens_[index];
      if (skip_special && token.special) continue;
      if (token.single_word) {
        const bool word_before = start > 0 && is_word_char(last_char(text.substr(0, start)));
        const bool word_after = stop < text.size() && is_word_char(first_char(text.substr(stop)));
        if (word_before || word_after) continue;
      }
      if (token.lstrip) {
        size_t s = start;
        while (s > 0) {
          const size_t p = prev_char_begin(text, s);
          if (!is_white_space(first_char(text.substr(p)))) break;
          s = p;
        }
        // Whitespace an earlier match already took is not taken again.
        start = std::max(s, done);
      }
      if (token.rstrip) {
        while (stop < text.size()) {
          char32_t cp = 0;
          const size_t n = utf8_valid_len(text, stop, &cp);
          if (n == 0 || !is_white_space(cp)) break;
          stop += n;
        }
      }
      if (done < start) out->push_back({done, start, -1});
      out->push_back({start, stop, token.id});
      done = stop;
    }
  }
  if (done < text.size()) out->push_back({done, text.size(), -1});
}

}  // namespace neox::tok
