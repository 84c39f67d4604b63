// Writes GGUF v3 files: metadata (new values, or values copied from another
// GGUF), a tensor table, then each tensor's data produced on demand in table
// order, so a converter never holds more than one tensor in memory. The file
// is written under a temporary name and renamed when complete.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "neox/dtype.h"
#include "neox/gguf.h"

namespace neox {

class GgufWriter {
 public:
  static constexpr uint64_t kAlignment = 32;

  void add_string(const std::string& key, const std::string& value);
  void add_u32(const std::string& key, uint32_t value);
  void add_i32(const std::string& key, int32_t value);
  void add_f32(const std::string& key, float value);
  void add_bool(const std::string& key, bool value);
  void add_string_array(const std::string& key, const std::vector<std::string>& values);
  void add_i32_array(const std::string& key, const std::vector<int32_t>& values);
  // A value read from another GGUF file, written as it was.
  void copy_value(const std::string& key, const GgufValue& value);
  bool has_key(const std::string& key) const;

  // shape in GGML order (shape[0] contiguous). Returns the tensor's index.
  size_t add_tensor(const std::string& name, const std::vector<int64_t>& shape, DType type);
  uint64_t tensor_bytes(size_t index) const { return tensors_[index].nbytes; }

  // Writes the file; produce(i, out) fills out with exactly tensor_bytes(i)
  // bytes of tensor i. Throws neox::Error naming `path` on I/O failure.
  void write(const std::string& path,
             const std::function<void(size_t, std::vector<uint8_t>&)>& produce) const;

 private:
  struct Entry {
    std::string key;
    uint32_t type;
    std::vector<uint8_t> payload;  // the value's bytes after its type
  };
  struct TensorInfo {
    std::string name;
    std::vector<int64_t> shape;
    DType type;
    uint64_t nbytes;
    uint64_t offset;
  };
  Entry& entry(const std::string& key, GgufType type);

  std::vector<Entry> kv_;
  std::vector<TensorInfo> tensors_;
  uint64_t data_size_ = 0;
};

}  // namespace neox
