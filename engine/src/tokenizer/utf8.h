// UTF-8 helpers for the tokenizer: decoding one code point, replacing invalid
// sequences with U+FFFD the way Rust's String::from_utf8_lossy (and so Hugging
// Face's ByteLevel decoder) does, and finding an incomplete trailing sequence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace neox::tok {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Length of the valid UTF-8 sequence starting at s[i], or 0 if the bytes there
// are not a complete, well-formed sequence (overlong, surrogate, > U+10FFFF,
// truncated). On success *cp receives the code point.
size_t utf8_valid_len(std::string_view s, size_t i, char32_t* cp);

// Length of the longest prefix of s[i..] that could still begin a well-formed
// sequence ("maximal subpart"): what from_utf8_lossy replaces by one U+FFFD.
// Always >= 1 when i < s.size().
size_t utf8_maximal_subpart(std::string_view s, size_t i);

// Appends the UTF-8 encoding of cp.
void append_utf8(std::string& out, char32_t cp);

bool is_valid_utf8(std::string_view s);

// s with each maximal invalid subsequence replaced by U+FFFD.
std::string utf8_lossy(std::string_view s);

// Number of bytes at the end of s that form a proper prefix of a well-formed
// sequence (0..3): bytes a later token may complete.
size_t utf8_incomplete_tail(std::string_view s);

}  // namespace neox::tok
