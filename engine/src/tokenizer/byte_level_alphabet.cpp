#include "tokenizer/byte_level_alphabet.h"

#include <array>

#include "tokenizer/utf8.h"

namespace neox::tok {
namespace {

// Bytes that are printable on their own ('!'..'~', '¡'..'¬', '®'..'ÿ') map to
// the same code point; the other 68 map to U+0100 + n in byte order.
struct Alphabet {
  std::array<char32_t, 256> to_char{};
  std::array<int16_t, 324> to_byte{};  // indexed by code point < 0x144; -1 = not in alphabet

  Alphabet() {
    to_byte.fill(-1);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      to_char[b] = printable ? static_cast<char32_t>(b) : next++;
      to_byte[to_char[b]] = static_cast<int16_t>(b);
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet a;
  return a;
}

}  // namespace

char32_t byte_to_alphabet_char(uint8_t b) {
  return alphabet().to_char[b];
}

std::string bytes_to_alphabet(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) append_utf8(out, byte_to_alphabet_char(static_cast<uint8_t>(c)));
  return out;
}

bool alphabet_to_bytes(std::string_view token, std::string* out) {
  const Alphabet& a = alphabet();
  out->clear();
  size_t i = 0;
  while (i < token.size()) {
    char32_t cp = 0;
    const size_t n = utf8_valid_len(token, i, &cp);
    if (n == 0 || cp >= a.to_byte.size() || a.to_byte[cp] < 0) return false;
    out->push_back(static_cast<char>(a.to_byte[cp]));
    i += n;
  }
  return true;
}

}  // namespace neox::tok
