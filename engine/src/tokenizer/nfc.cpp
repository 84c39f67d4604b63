#include "tokenizer/nfc.h"

#include <utf8proc.h>

#include <cstdlib>

namespace neox::tok {

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
  utf8proc_uint8_t* out = nullptr;
  // Without UTF8PROC_NULLTERM, so embedded NUL bytes are kept.
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
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

}  // namespace neox::tok
