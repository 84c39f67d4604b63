// GGUF v2/v3 reader over a memory map. Metadata is parsed into values that
// point into the map (strings are string_views, numeric arrays raw bytes);
// tensor data is never copied. Every length, count and offset is checked
// against the file size, so a truncated or hostile file gives neox::Error,
// never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "neox/dtype.h"
#include "neox/mapped_file.h"

namespace neox {

// GGUF metadata value types, as numbered in the file format.
enum class GgufType : uint32_t {
  U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, BOOL = 7,
  STRING = 8, ARRAY = 9, U64 = 10, I64 = 11, F64 = 12,
};
const char* gguf_type_name(GgufType t);

struct GgufValue;

struct GgufArray {
  GgufType elem_type = GgufType::U8;
  uint64_t count = 0;
  // Numeric/bool elements: `count` packed little-endian values starting here.
  const uint8_t* raw = nullptr;
  std::vector<std::string_view> strings;  // elem_type == STRING
  std::vector<GgufValue> arrays;          // elem_type == ARRAY (nested)

  // Element i of a numeric array converted; throws neox::Error if not numeric.
  int64_t int_at(uint64_t i) const;
  double float_at(uint64_t i) const;
};

struct GgufValue {
  GgufType type = GgufType::U8;
  // Integers of every width are widened: unsigned to uint64, signed to int64.
  std::variant<uint64_t, int64_t, double, bool, std::string_view, std::shared_ptr<GgufArray>> value;
};

struct GgufTensor {
  std::string name;
  DType type = DType::F32;
  std::vector<int64_t> shape;  // GGML order: shape[0] is the contiguous (fastest) dimension
  uint64_t offset = 0;         // relative to the data section
  const uint8_t* data = nullptr;
  uint64_t nbytes = 0;

  int64_t elements() const;
};

class GgufFile {
 public:
  // Maps and parses `path`. Throws neox::Error naming the file and problem.
  static GgufFile open(const std::string& path);
  // Parses bytes already in memory (fuzzing, tests); `label` names it in errors.
  // The bytes must outlive the returned object.
  static GgufFile parse(const uint8_t* data, size_t size, const std::string& label);

  const std::string& path() const { return label_; }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }

  const std::map<std::string, GgufValue, std::less<>>& metadata() const { return kv_; }
  const GgufValue* find(std::string_view key) const;
  std::optional<std::string> get_string(std::string_view key) const;
  // Any integer type; nullopt if absent. Throws if present with another type.
  std::optional<int64_t> get_int(std::string_view key) const;
  std::optional<double> get_float(std::string_view key) const;  // float or integer
  std::optional<bool> get_bool(std::string_view key) const;
  const GgufArray* get_array(std::string_view key) const;

  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const GgufTensor* find_tensor(std::string_view name) const;

 private:
  std::shared_ptr<MappedFile> file_;  // null when parsing caller-owned bytes
  std::string label_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::map<std::string, GgufValue, std::less<>> kv_;
  std::vector<GgufTensor> tensors_;
  std::map<std::string, size_t, std::less<>> tensor_index_;
};

// Renders a metadata value for `neox info` (arrays abbreviated).
std::string gguf_value_to_string(const GgufValue& v, size_t max_items = 8);

}  // namespace neox
