// Unicode NFC normalization (utf8proc), the `NFC` normalizer of tokenizer.json.
#pragma once

#include <string>
#include <string_view>

namespace neox::tok {

// NFC of valid UTF-8 text. Text below U+0300 is returned unchanged without
// calling utf8proc: no code point there decomposes or composes.
std::string nfc(std::string_view text);

}  // namespace neox::tok
