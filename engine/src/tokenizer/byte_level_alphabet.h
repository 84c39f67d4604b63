// GPT-2's byte-to-unicode alphabet: every byte value gets a printable code
// point so that byte-level BPE vocabularies can be written as JSON strings
// ("Ġ" is the space byte 0x20, "Ċ" the newline 0x0A).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace neox::tok {

char32_t byte_to_alphabet_char(uint8_t b);

// The alphabet string (UTF-8) for raw bytes.
std::string bytes_to_alphabet(std::string_view bytes);

// Raw bytes of a token written in the alphabet. Returns false if the token is
// not valid UTF-8 or uses a code point outside the alphabet (added tokens such
// as "  " or "<|endoftext|>" written as plain text); *out is then unspecified.
bool alphabet_to_bytes(std::string_view token, std::string* out);

}  // namespace neox::tok
