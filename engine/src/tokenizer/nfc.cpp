#include "tokenizer/nfc.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>

#include "tokenizer/utf8.h"

namespace neox::tok {
namespace {

// Hugging Face normalizes with the `unicode-normalization-alignments` crate,
// whose Unicode data predates these code points (combining marks added in
// Unicode 11-15, and U+11930, whose composition with U+11935 came in 13.0).
// To it they are starters that neither reorder nor compose, so they split the
// text into runs normalized independently. Found by comparing HF's NFC with
// utf8proc's on probes of every code point (make_tokenizer_corpus.py writes
// the HF side to nfc_cases.jsonl; nfc_test.cpp checks it).
struct Range {
  char32_t first, last;
};
constexpr Range kInertForHuggingFace[] = {
    {0x7fd, 0x7fd}, {0x898, 0x89f}, {0x8ca, 0x8d3}, {0x9fe, 0x9fe}, {0xc3c, 0xc3c}, {0xd3b, 0xd3c},
    {0xeba, 0xeba}, {0x1715, 0x1715}, {0x1abf, 0x1ace}, {0x1df6, 0x1dfa}, {0xa82c, 0xa82c},
    {0x10d24, 0x10d27}, {0x10eab, 0x10eac}, {0x10efd, 0x10eff}, {0x10f46, 0x10f50}, {0x10f82, 0x10f85},
    {0x11070, 0x11070}, {0x1133b, 0x1133b}, {0x1145e, 0x1145e}, {0x11839, 0x1183a}, {0x11930, 0x11930},
    {0x1193d, 0x1193e}, {0x11943, 0x11943}, {0x119e0, 0x119e0}, {0x11a34, 0x11a34}, {0x11a47, 0x11a47},
    {0x11a99, 0x11a99}, {0x11d42, 0x11d42}, {0x11d44, 0x11d45}, {0x11d97, 0x11d97}, {0x11f41, 0x11f42},
    {0x16ff0, 0x16ff1}, {0x1e08f, 0x1e08f}, {0x1e130, 0x1e136}, {0x1e2ae, 0x1e2ae}, {0x1e2ec, 0x1e2ef},
    {0x1e4ec, 0x1e4ef},
};

bool inert_for_hugging_face(char32_t cp) {
  if (cp < kInertForHuggingFace[0].first) return false;
  for (const Range& r : kInertForHuggingFace)
    if (cp >= r.first && cp <= r.last) return true;
  return false;
}

std::string utf8proc_nfc(std::string_view text) {
  if (text.empty()) return {};
  utf8proc_uint8_t* out = nullptr;
  // Without UTF8PROC_NULLTERM, so embedded NUL bytes are kept.
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) {  // only on invalid UTF-8, which callers have already replaced
    std::free(out);
    return std::string(text);
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

}  // namespace

std::string nfc(std::string_view text) {
  // Lead bytes >= 0xCC start code points >= U+0300 (0xCC 0x80 is U+0300).
  bool may_change = false;
  for (char c : text) {
    if (static_cast<uint8_t>(c) >= 0xCC) {
      may_change = true;
      break;
    }
  }
  if (!may_change) return std::string(text);
  std::string result;
  result.reserve(text.size());
  size_t run = 0, i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const size_t len = std::max<size_t>(1, utf8_valid_len(text, i, &cp));
    if (len > 1 && inert_for_hugging_face(cp)) {
      result += utf8proc_nfc(text.substr(run, i - run));
      result.append(text.substr(i, len));
      run = i + len;
    }
    i += len;
  }
  result += utf8proc_nfc(text.substr(run));
  return result;
}

}  // namespace neox::tok
