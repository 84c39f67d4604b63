// Feeds arbitrary bytes to the safetensors reader and walks everything it
// returns. Any input must give either a parsed file or neox::Error: never a
// crash, an out-of-bounds read (ASan) or undefined behaviour (UBSan).
//
// Seeds (tests/fuzz/corpus/safetensors/) were written by the Python
// safetensors library: save_file of F32/F16/I64 tensors with metadata
// (mixed), BF16 and a [0, 3] tensor (bf16), and no tensors at all (empty).
#include <cstddef>
#include <cstdint>

#include "neox/error.h"
#include "neox/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    neox::SafetensorsFile f = neox::SafetensorsFile::parse(data, size, "fuzz.safetensors");
    uint64_t sum = 0;
    for (const neox::SafetensorsTensor& t : f.tensors()) {
      // Touch the first and last byte of each tensor: must be inside the input.
      if (t.nbytes > 0) sum += t.data[0] + t.data[t.nbytes - 1];
      sum += static_cast<uint64_t>(t.elements()) + t.dtype_name.size();
      if (f.find_tensor(t.name) == nullptr) __builtin_trap();
    }
    for (const auto& [key, value] : f.metadata()) sum += key.size() + value.size();
    return static_cast<int>(sum & 0);
  } catch (const neox::Error&) {
    return 0;
  }
}
