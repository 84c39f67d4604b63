#include "tokenizer/utf8.h"

namespace neox::tok {
namespace {

// Allowed range of the second byte for each lead byte (Unicode Table 3-7);
// later continuation bytes are always 0x80..0xBF.
bool second_byte_ok(uint8_t lead, uint8_t b) {
  if (lead == 0xE0) return b >= 0xA0 && b <= 0xBF;
  if (lead == 0xED) return b >= 0x80 && b <= 0x9F;
  if (lead == 0xF0) return b >= 0x90 && b <= 0xBF;
  if (lead == 0xF4) return b >= 0x80 && b <= 0x8F;
  return b >= 0x80 && b <= 0xBF;
}

// Total length a lead byte announces, or 0 for a byte that cannot start a sequence.
size_t sequence_length(uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

bool is_continuation(uint8_t b) {
  return (b & 0xC0) == 0x80;
}

// How many bytes of s[i..] (up to the announced length) are a valid prefix.
size_t valid_prefix(std::string_view s, size_t i, size_t need) {
  const uint8_t lead = static_cast<uint8_t>(s[i]);
  size_t k = 1;
  while (k < need && i + k < s.size()) {
    const uint8_t b = static_cast<uint8_t>(s[i + k]);
    if (k == 1 ? !second_byte_ok(lead, b) : !is_continuation(b)) break;
    ++k;
  }
  return k;
}

}  // namespace

size_t utf8_valid_len(std::string_view s, size_t i, char32_t* cp) {
  if (i >= s.size()) return 0;
  const uint8_t lead = static_cast<uint8_t>(s[i]);
  const size_t need = sequence_length(lead);
  if (need == 0) return 0;
  if (need == 1) {
    *cp = lead;
    return 1;
  }
  if (valid_prefix(s, i, need) != need) return 0;
  char32_t c = lead & (0xFF >> (need + 1));
  for (size_t k = 1; k < need; ++k) c = (c << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3F);
  *cp = c;
  return need;
}

size_t utf8_maximal_subpart(std::string_view s, size_t i) {
  const size_t need = sequence_length(static_cast<uint8_t>(s[i]));
  if (need <= 1) return 1;
  return valid_prefix(s, i, need);
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  char32_t cp;
  while (i < s.size()) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = utf8_valid_len(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string utf8_lossy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  char32_t cp;
  while (i < s.size()) {
    const size_t n = utf8_valid_len(s, i, &cp);
    if (n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      append_utf8(out, kReplacementChar);
      i += utf8_maximal_subpart(s, i);
    }
  }
  return out;
}

size_t utf8_incomplete_tail(std::string_view s) {
  // A lead byte at most 3 bytes from the end whose bytes so far are a valid
  // prefix but fewer than it announces.
  for (size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    const size_t i = s.size() - back;
    const uint8_t b = static_cast<uint8_t>(s[i]);
    if (is_continuation(b)) continue;
    const size_t need = sequence_length(b);
    if (need <= back) return 0;
    return valid_prefix(s, i, need) == back ? back : 0;
  }
  return 0;
}

}  // namespace neox::tok
