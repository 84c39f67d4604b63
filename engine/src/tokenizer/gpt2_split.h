// The GPT-2 pre-tokenizer split, written as a scanner instead of a regex:
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Every character falls in one alternative, so the pieces tile the text.
// \s follows Oniguruma (what Hugging Face runs): \t..\r, U+0085 and the Zs, Zl,
// Zp categories; letters and numbers are the L* and N* general categories.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace neox::tok {

enum class CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };

CharClass classify_char(char32_t cp);

// Appends [begin, end) byte ranges of the pieces of valid UTF-8 `text`.
struct Span {
  size_t begin = 0, end = 0;
};
void gpt2_split(std::string_view text, std::vector<Span>* pieces);

}  // namespace neox::tok
