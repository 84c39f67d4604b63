// Feeds arbitrary bytes to the tokenizer.json loader and, when they load,
// encodes, counts, decodes and streams a few strings (including invalid
// UTF-8). Any input must give a tokenizer or neox::Error: never a crash, an
// out-of-bounds access (ASan) or undefined behaviour (UBSan).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "neox/error.h"
#include "neox/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  try {
    const neox::Tokenizer t = neox::Tokenizer::from_tokenizer_json_text(json, "fuzz/tokenizer.json");
    const std::string_view tail = json.substr(size > 64 ? size - 64 : 0);  // fuzzer-chosen text too
    for (std::string_view text :
         {std::string_view("Hello, world! It's 2024.\n    def f(x):\t\treturn x"),
          std::string_view("<|endoftext|> caf\xC3\xA9 e\xCC\x81 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"),
          std::string_view("\xFF\xC3 \xE2\x82  \xF0\x9F\x98"), tail}) {
      for (bool parse_special : {true, false}) {
        const std::vector<int32_t> ids = t.encode(text, parse_special);
        if (parse_special && t.count(text) != ids.size()) __builtin_trap();
        const std::string decoded = t.decode(ids, parse_special);
        neox::TokenTextStream stream(t);
        std::string streamed;
        for (int32_t id : ids) streamed += stream.push(id);
        streamed += stream.flush();
        if (!parse_special && streamed != t.decode(ids)) __builtin_trap();
        (void)decoded;
      }
    }
    for (int32_t id : {-1, 0, 1, t.vocab_size() - 1, t.vocab_size(), 1 << 30}) {
      (void)t.token_bytes(id);
      (void)t.is_special(id);
    }
    (void)t.find("a");
    return 0;
  } catch (const neox::Error&) {
    return 0;
  }
}
