#include "tokenizer/gpt2_split.h"

#include <utf8proc.h>

#include <array>

#include "tokenizer/utf8.h"

namespace neox::tok {
namespace {

std::array<CharClass, 128> make_ascii_classes() {
  std::array<CharClass, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      t[c] = CharClass::kLetter;
    } else if (c >= '0' && c <= '9') {
      t[c] = CharClass::kNumber;
    } else if (c == ' ' || (c >= '\t' && c <= '\r')) {
      t[c] = CharClass::kSpace;
    } else {
      t[c] = CharClass::kOther;
    }
  }
  return t;
}

const std::array<CharClass, 128> kAsciiClasses = make_ascii_classes();

// Letters and numbers new in Unicode 16.0: Hugging Face's Oniguruma knows them,
// utf8proc 2.8 (Unicode 15.0) calls them unassigned. Consulted only for code
// points utf8proc reports unassigned, so a newer utf8proc changes nothing.
// Found by tests/engine/tokenizer/char_class_test.cpp against HF's classes.
struct ClassRange {
  char32_t first, last;
  CharClass cls;
};
constexpr ClassRange kUnicode16Additions[] = {
    {0x1c89, 0x1c8a, CharClass::kLetter},   {0xa7cb, 0xa7cd, CharClass::kLetter},
    {0xa7da, 0xa7dc, CharClass::kLetter},   {0x105c0, 0x105f3, CharClass::kLetter},
    {0x10d40, 0x10d49, CharClass::kNumber}, {0x10d4a, 0x10d65, CharClass::kLetter},
    {0x10d6f, 0x10d85, CharClass::kLetter}, {0x10ec2, 0x10ec4, CharClass::kLetter},
    {0x11380, 0x11389, CharClass::kLetter}, {0x1138b, 0x1138b, CharClass::kLetter},
    {0x1138e, 0x1138e, CharClass::kLetter}, {0x11390, 0x113b5, CharClass::kLetter},
    {0x113b7, 0x113b7, CharClass::kLetter}, {0x113d1, 0x113d1, CharClass::kLetter},
    {0x113d3, 0x113d3, CharClass::kLetter}, {0x116d0, 0x116e3, CharClass::kNumber},
    {0x11bc0, 0x11be0, CharClass::kLetter}, {0x11bf0, 0x11bf9, CharClass::kNumber},
    {0x13460, 0x143fa, CharClass::kLetter}, {0x16100, 0x1611d, CharClass::kLetter},
    {0x16130, 0x16139, CharClass::kNumber}, {0x16d40, 0x16d6c, CharClass::kLetter},
    {0x16d70, 0x16d79, CharClass::kNumber}, {0x18cff, 0x18cff, CharClass::kLetter},
    {0x1ccf0, 0x1ccf9, CharClass::kNumber}, {0x1e5d0, 0x1e5ed, CharClass::kLetter},
    {0x1e5f0, 0x1e5f0, CharClass::kLetter}, {0x1e5f1, 0x1e5fa, CharClass::kNumber},
    {0x2ebf0, 0x2ee5d, CharClass::kLetter},
};

CharClass unassigned_class(char32_t cp) {
  for (const ClassRange& r : kUnicode16Additions)
    if (cp >= r.first && cp <= r.last) return r.cls;
  return CharClass::kOther;
}

struct Char {
  char32_t cp = 0;
  size_t len = 1;
  CharClass cls = CharClass::kOther;
};

Char char_at(std::string_view s, size_t i) {
  Char c;
  const uint8_t b = static_cast<uint8_t>(s[i]);
  if (b < 0x80) {
    c.cp = b;
    c.cls = kAsciiClasses[b];
    return c;
  }
  c.len = utf8_valid_len(s, i, &c.cp);
  if (c.len == 0) {  // callers pass valid UTF-8; stay safe anyway
    c.len = 1;
    c.cp = kReplacementChar;
  }
  c.cls = classify_char(c.cp);
  return c;
}

}  // namespace

CharClass classify_char(char32_t cp) {
  if (cp < 128) return kAsciiClasses[cp];
  if (cp == 0x85) return CharClass::kSpace;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return CharClass::kLetter;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return CharClass::kNumber;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return CharClass::kSpace;
    case UTF8PROC_CATEGORY_CN:
      return unassigned_class(cp);
    default:
      return CharClass::kOther;
  }
}

void gpt2_split(std::string_view text, std::vector<Span>* pieces) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Contractions come first in the alternation, and are case-sensitive.
    if (text[i] == '\'' && i + 1 < n) {
      const char c = text[i + 1];
      if (c == 's' || c == 't' || c == 'm' || c == 'd') {
        pieces->push_back({i, i + 2});
        i += 2;
        continue;
      }
      if (i + 2 < n) {
        const std::string_view two = text.substr(i + 1, 2);
        if (two == "re" || two == "ve" || two == "ll") {
          pieces->push_back({i, i + 3});
          i += 3;
          continue;
        }
      }
    }
    const Char c0 = char_at(text, i);
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: the class of the first
    // character after an optional leading space picks the alternative.
    Char first = c0;
    size_t run_begin = i;
    if (c0.cp == ' ' && i + 1 < n) {
      const Char c1 = char_at(text, i + 1);
      if (c1.cls != CharClass::kSpace) {
        first = c1;
        run_begin = i + 1;
      }
    }
    if (first.cls != CharClass::kSpace) {
      size_t k = run_begin + first.len;
      while (k < n) {
        const Char c = char_at(text, k);
        if (c.cls != first.cls) break;
        k += c.len;
      }
      pieces->push_back({i, k});
      i = k;
      continue;
    }
    // Whitespace run. `\s+(?!\S)` backs off one character when the run is
    // followed by a non-space, leaving that character to start the next piece
    // (" word"); a lone whitespace character before a non-space is `\s+`.
    size_t k = i, last_begin = i;
    while (k < n) {
      const Char c = char_at(text, k);
      if (c.cls != CharClass::kSpace) break;
      last_begin = k;
      k += c.len;
    }
    const size_t end = (k == n || last_begin == i) ? k : last_begin;
    pieces->push_back({i, end});
    i = end;
  }
}

}  // namespace neox::tok
