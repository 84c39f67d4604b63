// Feeds arbitrary bytes to the GGUF reader and walks everything it returns.
// Any input must give either a parsed file or neox::Error: never a crash,
// an out-of-bounds read (ASan) or undefined behaviour (UBSan).
#include <cstddef>
#include <cstdint>

#include "neox/error.h"
#include "neox/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    neox::GgufFile g = neox::GgufFile::parse(data, size, "fuzz.gguf");
    for (const auto& [key, value] : g.metadata()) (void)neox::gguf_value_to_string(value, 4);
    uint64_t sum = 0;
    for (const neox::GgufTensor& t : g.tensors()) {
      // Touch the first and last byte of each tensor: must be inside the input.
      if (t.nbytes > 0) sum += t.data[0] + t.data[t.nbytes - 1];
    }
    (void)g.get_string("general.architecture");
    if (const neox::GgufArray* a = g.get_array("tokenizer.ggml.tokens"))
      for (uint64_t i = 0; i < a->strings.size(); ++i) sum += a->strings[i].size();
    return static_cast<int>(sum & 0);
  } catch (const neox::Error&) {
    return 0;
  }
}
