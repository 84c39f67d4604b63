// Safetensors reader over a memory map, and the sharded-checkpoint index
// (model.safetensors.index.json) of Hugging Face folders.
//
// File layout: 8-byte little-endian header length N, N bytes of JSON
// {"name": {"dtype": "F32", "shape": [rows, cols], "data_offsets": [begin, end]}, ...,
//  "__metadata__": {...}}, then the data buffer; offsets are relative to the
// buffer. Every offset, size and shape is checked against the file (the
// buffer must be covered exactly, without holes or overlaps, as the format
// requires), so a truncated or hostile file gives neox::Error, never an
// out-of-bounds read. Tensor data is never copied.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neox/dtype.h"
#include "neox/mapped_file.h"

namespace neox {

struct SafetensorsTensor {
  std::string name;
  std::string dtype_name;      // as written in the file: "F32", "BF16", "I64", ...
  std::optional<DType> dtype;  // F32, F16 or BF16; nullopt for types the engine does not compute with
  std::vector<int64_t> shape;  // row-major, shape.back() contiguous (PyTorch order)
  const uint8_t* data = nullptr;
  uint64_t nbytes = 0;

  int64_t elements() const;
};

class SafetensorsFile {
 public:
  // Maps and parses `path`. Throws neox::Error naming the file and problem.
  static SafetensorsFile open(const std::string& path);
  // Parses bytes already in memory (fuzzing, tests); `label` names it in
  // errors. The bytes must outlive the returned object.
  static SafetensorsFile parse(const uint8_t* data, size_t size, const std::string& label);

  const std::string& path() const { return label_; }
  const std::vector<SafetensorsTensor>& tensors() const { return tensors_; }
  const SafetensorsTensor* find_tensor(std::string_view name) const;
  // String entries of "__metadata__" (informational only).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::shared_ptr<MappedFile> file_;  // null when parsing caller-owned bytes
  std::string label_;
  std::vector<SafetensorsTensor> tensors_;
  std::map<std::string, size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

// Byte size of one element of a safetensors dtype name ("F32" → 4, "BOOL" → 1),
// nullopt for names the format does not define.
std::optional<uint32_t> safetensors_element_size(std::string_view dtype_name);

// The checkpoint of a Hugging Face folder: model.safetensors, or the shards
// listed by model.safetensors.index.json (weight_map: tensor → file).
class SafetensorsCheckpoint {
 public:
  // Opens the single file or the index of `folder`; throws neox::Error when
  // neither exists or a shard is missing or invalid.
  static SafetensorsCheckpoint open_folder(const std::string& folder);

  // The tensor, searched in the file the index names (or the single file);
  // null when absent.
  const SafetensorsTensor* find_tensor(std::string_view name) const;
  // Which file holds `name` (for error messages); the folder when absent.
  const std::string& file_of(std::string_view name) const;
  const std::vector<SafetensorsFile>& files() const { return files_; }
  const std::string& folder() const { return folder_; }

 private:
  std::string folder_;
  std::vector<SafetensorsFile> files_;
  std::map<std::string, size_t, std::less<>> tensor_file_;  // tensor name → index in files_
};

}  // namespace neox
