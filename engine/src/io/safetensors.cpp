#include "neox/safetensors.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "neox/error.h"

namespace neox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The reference implementation refuses headers over 100 MB; so do we (a
// header that size would describe millions of tensors).
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;
constexpr size_t kMaxDims = 8;

std::optional<DType> engine_dtype(std::string_view name) {
  if (name == "F32") return DType::F32;
  if (name == "F16") return DType::F16;
  if (name == "BF16") return DType::BF16;
  return std::nullopt;
}

[[noreturn]] void fail_tensor(const std::string& label, const std::string& name, const std::string& what) {
  throw Error(label + ": tensor '" + name + "' " + what);
}

// One tensor's entry of the header, checked against the data buffer
// [0, buffer_size). Returns the tensor with data pointing into the buffer.
SafetensorsTensor parse_entry(const std::string& label, const std::string& name, const json& entry,
                              const uint8_t* buffer, uint64_t buffer_size) {
  auto fail = [&](const std::string& what) { fail_tensor(label, name, what); };
  if (!entry.is_object()) fail("is not described by a JSON object");
  SafetensorsTensor t;
  t.name = name;

  auto dtype_it = entry.find("dtype");
  if (dtype_it == entry.end() || !dtype_it->is_string()) fail("has no \"dtype\" string");
  t.dtype_name = dtype_it->get<std::string>();
  std::optional<uint32_t> element = safetensors_element_size(t.dtype_name);
  if (!element) fail("has unknown dtype \"" + t.dtype_name + "\"");
  t.dtype = engine_dtype(t.dtype_name);

  auto shape_it = entry.find("shape");
  if (shape_it == entry.end() || !shape_it->is_array()) fail("has no \"shape\" array");
  if (shape_it->size() > kMaxDims) fail("has " + std::to_string(shape_it->size()) + " dimensions");
  // Element count with overflow checks: dims are bounded by the buffer size
  // unless some dim is 0.
  uint64_t elements = 1;
  bool overflow = false;
  for (const json& d : *shape_it) {
    if (!d.is_number_unsigned()) fail("has a shape entry that is not a non-negative integer");
    uint64_t v = d.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) fail("has a dimension too large");
    t.shape.push_back(static_cast<int64_t>(v));
    if (v != 0 && elements > std::numeric_limits<uint64_t>::max() / v) overflow = true;
    elements *= v;
  }
  for (int64_t d : t.shape)
    if (d == 0) overflow = false, elements = 0;

  auto off_it = entry.find("data_offsets");
  if (off_it == entry.end() || !off_it->is_array() || off_it->size() != 2 ||
      !(*off_it)[0].is_number_unsigned() || !(*off_it)[1].is_number_unsigned())
    fail("has no \"data_offsets\" [begin, end] of non-negative integers");
  uint64_t begin = (*off_it)[0].get<uint64_t>();
  uint64_t end = (*off_it)[1].get<uint64_t>();
  if (end < begin)
    fail("has data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
         "] with end before begin");
  if (end > buffer_size)
    fail("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
         "] are out of bounds (the data buffer is " + std::to_string(buffer_size) +
         " bytes; the file may be truncated)");
  if (overflow || elements > std::numeric_limits<uint64_t>::max() / *element ||
      elements * *element != end - begin)
    fail("has " + std::to_string(end - begin) + " bytes of data but its shape and dtype " + t.dtype_name +
         " need " + (overflow ? std::string("more than 2^64") : std::to_string(elements * *element)));
  t.data = buffer + begin;
  t.nbytes = end - begin;
  return t;
}

}  // namespace

int64_t SafetensorsTensor::elements() const {
  // parse() checked that the product fits the data, unless some dim is 0
  // (then the others may be anything: return 0 before multiplying them).
  for (int64_t d : shape)
    if (d == 0) return 0;
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::optional<uint32_t> safetensors_element_size(std::string_view name) {
  static const std::pair<std::string_view, uint32_t> kSizes[] = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"F8_E8M0", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},     {"U32", 4},
      {"F32", 4},  {"F64", 8}, {"I64", 8}, {"U64", 8},
  };
  for (const auto& [n, size] : kSizes)
    if (n == name) return size;
  return std::nullopt;
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  auto file = std::make_shared<MappedFile>(path);
  SafetensorsFile f = parse(file->data(), file->size(), path);
  f.file_ = std::move(file);
  return f;
}

SafetensorsFile SafetensorsFile::parse(const uint8_t* data, size_t size, const std::string& label) {
  SafetensorsFile f;
  f.label_ = label;
  if (size < 8)
    throw Error(label + ": not a safetensors file (only " + std::to_string(size) +
                " bytes; the 8-byte header length is missing)");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | data[i];
  if (header_len > size - 8)
    throw Error(label + ": header length " + std::to_string(header_len) + " runs past the end of the file (" +
                std::to_string(size) + " bytes; truncated or not a safetensors file)");
  if (header_len > kMaxHeaderBytes)
    throw Error(label + ": header of " + format_bytes(header_len) + " is larger than the 100 MB limit");
  const char* header = reinterpret_cast<const char*>(data + 8);
  if (header_len == 0 || header[0] != '{')
    throw Error(label + ": not a safetensors file (the header is not a JSON object)");

  json root;
  try {
    root = json::parse(header, header + header_len);
  } catch (const json::exception& e) {
    throw Error(label + ": header is not valid JSON (" + e.what() + ")");
  }
  if (!root.is_object()) throw Error(label + ": header is not a JSON object");

  const uint8_t* buffer = data + 8 + header_len;
  const uint64_t buffer_size = size - 8 - header_len;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) throw Error(label + ": __metadata__ is not a JSON object");
      for (auto m = it->begin(); m != it->end(); ++m)
        if (m->is_string()) f.metadata_[m.key()] = m->get<std::string>();
      continue;
    }
    f.tensors_.push_back(parse_entry(label, it.key(), *it, buffer, buffer_size));
  }

  // The format requires the tensors to tile the buffer exactly: sorted by
  // offset, each begins where the previous ended and the last ends the file.
  std::vector<const SafetensorsTensor*> by_offset;
  for (const SafetensorsTensor& t : f.tensors_) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const SafetensorsTensor* a, const SafetensorsTensor* b) {
    return a->data != b->data ? a->data < b->data : a->nbytes < b->nbytes;
  });
  uint64_t expected = 0;
  for (const SafetensorsTensor* t : by_offset) {
    uint64_t begin = static_cast<uint64_t>(t->data - buffer);
    if (begin < expected)
      throw Error(label + ": tensor '" + t->name + "' overlaps another tensor's data (it begins at byte " +
                  std::to_string(begin) + ", the previous tensor ends at " + std::to_string(expected) + ")");
    if (begin > expected)
      throw Error(label + ": the data buffer has a hole of " + std::to_string(begin - expected) +
                  " bytes before tensor '" + t->name + "'");
    expected = begin + t->nbytes;
  }
  if (expected != buffer_size)
    throw Error(label + ": the data buffer has " + std::to_string(buffer_size - expected) +
                " bytes after the last tensor that no tensor describes");

  for (size_t i = 0; i < f.tensors_.size(); ++i) f.index_[f.tensors_[i].name] = i;
  return f;
}

const SafetensorsTensor* SafetensorsFile::find_tensor(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

SafetensorsCheckpoint SafetensorsCheckpoint::open_folder(const std::string& folder) {
  SafetensorsCheckpoint c;
  c.folder_ = folder;
  const fs::path dir(folder);
  std::error_code ec;
  const fs::path single = dir / "model.safetensors";
  const fs::path index_path = dir / "model.safetensors.index.json";
  if (fs::exists(index_path, ec)) {
    const std::string label = index_path.string();
    json index;
    try {
      index = json::parse(read_text_file(label));
    } catch (const json::exception& e) {
      throw Error(label + ": not valid JSON (" + e.what() + ")");
    }
    auto map_it = index.is_object() ? index.find("weight_map") : index.end();
    if (map_it == index.end() || !map_it->is_object()) throw Error(label + ": has no \"weight_map\" object");
    std::map<std::string, size_t> file_index;  // shard file name → index in files_
    for (auto it = map_it->begin(); it != map_it->end(); ++it) {
      if (!it->is_string()) throw Error(label + ": weight_map entry '" + it.key() + "' is not a file name");
      std::string shard = it->get<std::string>();
      // Shards live beside the index: a path elsewhere is refused.
      if (shard.empty() || shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos ||
          shard == "." || shard == "..")
        throw Error(label + ": weight_map names '" + shard + "', which is not a file in the folder");
      auto [f, inserted] = file_index.emplace(shard, c.files_.size());
      if (inserted) {
        const fs::path shard_path = dir / shard;
        if (!fs::exists(shard_path, ec))
          throw Error(label + ": shard '" + shard + "' (holding '" + it.key() +
                      "') is missing from the folder");
        c.files_.push_back(SafetensorsFile::open(shard_path.string()));
      }
      if (!c.files_[f->second].find_tensor(it.key()))
        throw Error(label + ": weight_map puts tensor '" + it.key() + "' in " + shard +
                    ", which does not hold it");
      c.tensor_file_[it.key()] = f->second;
    }
    return c;
  }
  if (fs::exists(single, ec)) {
    c.files_.push_back(SafetensorsFile::open(single.string()));
    for (const SafetensorsTensor& t : c.files_[0].tensors()) c.tensor_file_[t.name] = 0;
    return c;
  }
  throw Error(folder + ": folder has neither model.safetensors nor model.safetensors.index.json");
}

const SafetensorsTensor* SafetensorsCheckpoint::find_tensor(std::string_view name) const {
  auto it = tensor_file_.find(name);
  return it == tensor_file_.end() ? nullptr : files_[it->second].find_tensor(name);
}

const std::string& SafetensorsCheckpoint::file_of(std::string_view name) const {
  auto it = tensor_file_.find(name);
  if (it != tensor_file_.end()) return files_[it->second].path();
  if (files_.size() == 1) return files_[0].path();
  return folder_;
}

}  // namespace neox
