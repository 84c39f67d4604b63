#include "io/gguf_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "neox/error.h"

namespace neox {
namespace {

template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  const size_t at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &v, sizeof(T));
}

void put_string(std::vector<uint8_t>& out, std::string_view s) {
  put<uint64_t>(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

size_t scalar_bytes(GgufType t) {
  switch (t) {
    case GgufType::U8:
    case GgufType::I8:
    case GgufType::BOOL:
      return 1;
    case GgufType::U16:
    case GgufType::I16:
      return 2;
    case GgufType::U32:
    case GgufType::I32:
    case GgufType::F32:
      return 4;
    case GgufType::U64:
    case GgufType::I64:
    case GgufType::F64:
      return 8;
    default:
      return 0;
  }
}

// The bytes of a parsed value, as the file held them (after the type id).
void put_value(std::vector<uint8_t>& out, const GgufValue& v) {
  switch (v.type) {
    case GgufType::U8:
      put<uint8_t>(out, static_cast<uint8_t>(std::get<uint64_t>(v.value)));
      return;
    case GgufType::I8:
      put<int8_t>(out, static_cast<int8_t>(std::get<int64_t>(v.value)));
      return;
    case GgufType::U16:
      put<uint16_t>(out, static_cast<uint16_t>(std::get<uint64_t>(v.value)));
      return;
    case GgufType::I16:
      put<int16_t>(out, static_cast<int16_t>(std::get<int64_t>(v.value)));
      return;
    case GgufType::U32:
      put<uint32_t>(out, static_cast<uint32_t>(std::get<uint64_t>(v.value)));
      return;
    case GgufType::I32:
      put<int32_t>(out, static_cast<int32_t>(std::get<int64_t>(v.value)));
      return;
    case GgufType::U64:
      put<uint64_t>(out, std::get<uint64_t>(v.value));
      return;
    case GgufType::I64:
      put<int64_t>(out, std::get<int64_t>(v.value));
      return;
    case GgufType::F32:
      put<float>(out, static_cast<float>(std::get<double>(v.value)));
      return;
    case GgufType::F64:
      put<double>(out, std::get<double>(v.value));
      return;
    case GgufType::BOOL:
      put<uint8_t>(out, std::get<bool>(v.value) ? 1 : 0);
      return;
    case GgufType::STRING:
      put_string(out, std::get<std::string_view>(v.value));
      return;
    case GgufType::ARRAY: {
      const GgufArray& a = *std::get<std::shared_ptr<GgufArray>>(v.value);
      put<uint32_t>(out, static_cast<uint32_t>(a.elem_type));
      put<uint64_t>(out, a.count);
      if (size_t sz = scalar_bytes(a.elem_type)) {
        out.insert(out.end(), a.raw, a.raw + a.count * sz);
      } else if (a.elem_type == GgufType::STRING) {
        for (std::string_view s : a.strings) put_string(out, s);
      } else {
        for (const GgufValue& inner : a.arrays) put_value(out, inner);
      }
      return;
    }
  }
  throw Error("GGUF writer: value of unknown type");
}

}  // namespace

GgufWriter::Entry& GgufWriter::entry(const std::string& key, GgufType type) {
  for (Entry& e : kv_)
    if (e.key == key) {
      e.type = static_cast<uint32_t>(type);
      e.payload.clear();
      return e;
    }
  kv_.push_back(Entry{key, static_cast<uint32_t>(type), {}});
  return kv_.back();
}

bool GgufWriter::has_key(const std::string& key) const {
  for (const Entry& e : kv_)
    if (e.key == key) return true;
  return false;
}

void GgufWriter::add_string(const std::string& key, const std::string& value) {
  put_string(entry(key, GgufType::STRING).payload, value);
}
void GgufWriter::add_u32(const std::string& key, uint32_t value) {
  put(entry(key, GgufType::U32).payload, value);
}
void GgufWriter::add_i32(const std::string& key, int32_t value) {
  put(entry(key, GgufType::I32).payload, value);
}
void GgufWriter::add_f32(const std::string& key, float value) {
  put(entry(key, GgufType::F32).payload, value);
}
void GgufWriter::add_bool(const std::string& key, bool value) {
  put<uint8_t>(entry(key, GgufType::BOOL).payload, value ? 1 : 0);
}

void GgufWriter::add_string_array(const std::string& key, const std::vector<std::string>& values) {
  std::vector<uint8_t>& p = entry(key, GgufType::ARRAY).payload;
  put<uint32_t>(p, static_cast<uint32_t>(GgufType::STRING));
  put<uint64_t>(p, values.size());
  for (const std::string& s : values) put_string(p, s);
}

void GgufWriter::add_i32_array(const std::string& key, const std::vector<int32_t>& values) {
  std::vector<uint8_t>& p = entry(key, GgufType::ARRAY).payload;
  put<uint32_t>(p, static_cast<uint32_t>(GgufType::I32));
  put<uint64_t>(p, values.size());
  for (int32_t v : values) put(p, v);
}

void GgufWriter::copy_value(const std::string& key, const GgufValue& value) {
  put_value(entry(key, value.type).payload, value);
}

size_t GgufWriter::add_tensor(const std::string& name, const std::vector<int64_t>& shape, DType type) {
  auto layout = dtype_layout(static_cast<uint32_t>(type));
  if (!layout || shape.empty() || shape[0] % layout->block_elems != 0)
    throw Error("GGUF writer: tensor '" + name + "' cannot be stored as " + dtype_name(type));
  uint64_t elems = 1;
  for (int64_t d : shape) elems *= static_cast<uint64_t>(d);
  TensorInfo t{name, shape, type, elems / layout->block_elems * layout->block_bytes, data_size_};
  data_size_ += (t.nbytes + kAlignment - 1) / kAlignment * kAlignment;
  tensors_.push_back(std::move(t));
  return tensors_.size() - 1;
}

void GgufWriter::write(const std::string& path,
                       const std::function<void(size_t, std::vector<uint8_t>&)>& produce) const {
  std::vector<uint8_t> header;
  header.insert(header.end(), {'G', 'G', 'U', 'F'});
  put<uint32_t>(header, 3);
  put<uint64_t>(header, tensors_.size());
  put<uint64_t>(header, kv_.size());
  for (const Entry& e : kv_) {
    put_string(header, e.key);
    put<uint32_t>(header, e.type);
    header.insert(header.end(), e.payload.begin(), e.payload.end());
  }
  for (const TensorInfo& t : tensors_) {
    put_string(header, t.name);
    put<uint32_t>(header, static_cast<uint32_t>(t.shape.size()));
    for (int64_t d : t.shape) put<uint64_t>(header, static_cast<uint64_t>(d));
    put<uint32_t>(header, static_cast<uint32_t>(t.type));
    put<uint64_t>(header, t.offset);
  }
  header.resize((header.size() + kAlignment - 1) / kAlignment * kAlignment, 0);

  const std::string tmp = path + ".part";
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
  if (!f) throw Error(path + ": cannot create " + tmp + " (" + std::strerror(errno) + ")");
  // Whatever ends the write early (a full disk, a producer that throws to
  // cancel) leaves no partial file behind.
  struct RemoveUnlessDone {
    std::unique_ptr<FILE, int (*)(FILE*)>& file;
    const std::string& name;
    bool done = false;
    ~RemoveUnlessDone() {
      if (done) return;
      file.reset();
      std::error_code ignored;
      std::filesystem::remove(name, ignored);
    }
  } cleanup{f, tmp};
  auto write_bytes = [&](const void* p, size_t n) {
    if (n && std::fwrite(p, 1, n, f.get()) != n)
      throw Error(path + ": write failed (" + std::string(std::strerror(errno)) + "; disk full?)");
  };
  write_bytes(header.data(), header.size());
  std::vector<uint8_t> data;
  static const uint8_t kZeros[kAlignment] = {};
  for (size_t i = 0; i < tensors_.size(); ++i) {
    data.clear();
    produce(i, data);
    if (data.size() != tensors_[i].nbytes)
      throw Error(path + ": tensor '" + tensors_[i].name + "' produced " + std::to_string(data.size()) +
                  " bytes, expected " + std::to_string(tensors_[i].nbytes));
    write_bytes(data.data(), data.size());
    write_bytes(kZeros, (kAlignment - data.size() % kAlignment) % kAlignment);
  }
  if (std::fflush(f.get()) != 0)
    throw Error(path + ": write failed (" + std::string(std::strerror(errno)) + ")");
  f.reset();
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error(path + ": cannot rename " + tmp + " into place (" + ec.message() + ")");
  cleanup.done = true;
}

}  // namespace neox
