// Where a model's tensors come from: one GGUF file or the safetensors files of
// a Hugging Face folder. Both give the same view of a tensor (row-major shape,
// type name, pointer into the memory map), so the GPT-NeoX loader validates
// and maps them with one piece of code.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neox/dtype.h"
#include "neox/gguf.h"
#include "neox/safetensors.h"

namespace neox::model {

struct RawTensor {
  std::string name;            // as named in the file
  std::string file;            // the file that holds it (for error messages)
  std::string type_name;       // "F32", "Q4_K", "I64", ...
  std::optional<DType> dtype;  // set for the types the engine computes with (dtype_is_supported_weight)
  bool quantized = false;      // a block-quantized GGML type (Q4_0, Q8_0, K-quants, ...)
  std::vector<int64_t> shape;  // row-major, shape.back() contiguous: a weight is [out, in]
  const uint8_t* data = nullptr;
  uint64_t nbytes = 0;
};

class WeightSource {
 public:
  virtual ~WeightSource() = default;
  virtual std::optional<RawTensor> find(std::string_view name) const = 0;
  // The file (or folder, for shards) a missing tensor was looked for in.
  virtual std::string where(std::string_view name) const = 0;
};

// Keeps `gguf` (and its memory map) alive.
std::unique_ptr<WeightSource> make_gguf_source(std::shared_ptr<const GgufFile> gguf);
// Opens the checkpoint of a Hugging Face folder (headers only; data stays mapped).
std::unique_ptr<WeightSource> make_safetensors_source(const std::string& folder);

}  // namespace neox::model
