// The one exception type that crosses the engine API. Its message is written
// for the user: it names the file and the problem ("model.gguf: tensor
// blk.3.attn_qkv.weight is truncated (needs 12.6 MB, file ends 4.1 MB in)").
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace neox {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Human-readable byte count for error messages: "12.6 MB", "512 B".
std::string format_bytes(uint64_t bytes);

}  // namespace neox
