#include "neox/gguf.h"

#include <cstring>
#include <limits>

#include "neox/error.h"

namespace neox {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
constexpr uint64_t kMaxDims = 4;
constexpr uint64_t kMaxArrayDepth = 4;

// Bounds-checked little-endian reader over the header.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size, const std::string& label)
      : data_(data), size_(size), label_(label) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  const uint8_t* here() const { return data_ + pos_; }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(label_ + ": " + what + " (at byte " + std::to_string(pos_) + " of " +
                std::to_string(size_) + ")");
  }

  void need(uint64_t n, const char* what) {
    if (n > remaining())
      fail(std::string("file is truncated: ") + what + " needs " + format_bytes(n) + ", only " +
           format_bytes(remaining()) + " left");
  }

  template <typename T>
  T read(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string_view string(const char* what) {
    uint64_t len = read<uint64_t>(what);
    need(len, what);
    std::string_view s(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return s;
  }

  void skip(uint64_t n, const char* what) {
    need(n, what);
    pos_ += static_cast<size_t>(n);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  const std::string& label_;
};

size_t scalar_size(GgufType t) {
  switch (t) {
    case GgufType::U8: case GgufType::I8: case GgufType::BOOL: return 1;
    case GgufType::U16: case GgufType::I16: return 2;
    case GgufType::U32: case GgufType::I32: case GgufType::F32: return 4;
    case GgufType::U64: case GgufType::I64: case GgufType::F64: return 8;
    default: return 0;
  }
}

bool known_type(uint32_t t) { return t <= 12; }

GgufValue read_scalar(Cursor& c, GgufType t) {
  GgufValue v;
  v.type = t;
  switch (t) {
    case GgufType::U8: v.value = uint64_t{c.read<uint8_t>("u8 value")}; break;
    case GgufType::I8: v.value = int64_t{c.read<int8_t>("i8 value")}; break;
    case GgufType::U16: v.value = uint64_t{c.read<uint16_t>("u16 value")}; break;
    case GgufType::I16: v.value = int64_t{c.read<int16_t>("i16 value")}; break;
    case GgufType::U32: v.value = uint64_t{c.read<uint32_t>("u32 value")}; break;
    case GgufType::I32: v.value = int64_t{c.read<int32_t>("i32 value")}; break;
    case GgufType::U64: v.value = c.read<uint64_t>("u64 value"); break;
    case GgufType::I64: v.value = c.read<int64_t>("i64 value"); break;
    case GgufType::F32: v.value = double{c.read<float>("f32 value")}; break;
    case GgufType::F64: v.value = c.read<double>("f64 value"); break;
    case GgufType::BOOL: {
      uint8_t b = c.read<uint8_t>("bool value");
      if (b > 1) c.fail("bool value " + std::to_string(b) + " is neither 0 nor 1");
      v.value = b != 0;
      break;
    }
    case GgufType::STRING: v.value = c.string("string value"); break;
    default: c.fail("unexpected metadata type");
  }
  return v;
}

GgufValue read_value(Cursor& c, GgufType t, uint64_t depth);

std::shared_ptr<GgufArray> read_array(Cursor& c, uint64_t depth) {
  if (depth > kMaxArrayDepth) c.fail("metadata arrays nested too deeply");
  auto arr = std::make_shared<GgufArray>();
  uint32_t et = c.read<uint32_t>("array element type");
  if (!known_type(et)) c.fail("array has unknown element type " + std::to_string(et));
  arr->elem_type = static_cast<GgufType>(et);
  arr->count = c.read<uint64_t>("array length");
  if (size_t sz = scalar_size(arr->elem_type)) {
    if (arr->count > c.remaining() / sz)
      c.fail("array of " + std::to_string(arr->count) + " elements runs past the end of the file");
    arr->raw = c.here();
    c.skip(arr->count * sz, "array data");
  } else if (arr->elem_type == GgufType::STRING) {
    // Each string takes at least its 8-byte length: reject impossible counts early.
    if (arr->count > c.remaining() / 8)
      c.fail("array of " + std::to_string(arr->count) + " strings runs past the end of the file");
    arr->strings.reserve(static_cast<size_t>(arr->count));
    for (uint64_t i = 0; i < arr->count; ++i) arr->strings.push_back(c.string("array string"));
  } else {
    if (arr->count > c.remaining() / 12)
      c.fail("array of " + std::to_string(arr->count) + " arrays runs past the end of the file");
    for (uint64_t i = 0; i < arr->count; ++i)
      arr->arrays.push_back(read_value(c, GgufType::ARRAY, depth + 1));
  }
  return arr;
}

GgufValue read_value(Cursor& c, GgufType t, uint64_t depth) {
  if (t != GgufType::ARRAY) return read_scalar(c, t);
  GgufValue v;
  v.type = t;
  v.value = read_array(c, depth);
  return v;
}

}  // namespace

const char* gguf_type_name(GgufType t) {
  static const char* const kNames[] = {"u8",  "i8",     "u16",   "i16", "u32", "i32", "f32",
                                       "bool", "string", "array", "u64", "i64", "f64"};
  auto i = static_cast<uint32_t>(t);
  return i <= 12 ? kNames[i] : "unknown";
}

int64_t GgufArray::int_at(uint64_t i) const {
  if (i >= count) throw Error("GGUF array index " + std::to_string(i) + " out of range");
  const uint8_t* p = raw + i * scalar_size(elem_type);
  switch (elem_type) {
    case GgufType::U8: return *p;
    case GgufType::I8: return static_cast<int8_t>(*p);
    case GgufType::BOOL: return *p != 0;
    case GgufType::U16: { uint16_t v; std::memcpy(&v, p, 2); return v; }
    case GgufType::I16: { int16_t v; std::memcpy(&v, p, 2); return v; }
    case GgufType::U32: { uint32_t v; std::memcpy(&v, p, 4); return v; }
    case GgufType::I32: { int32_t v; std::memcpy(&v, p, 4); return v; }
    case GgufType::U64: { uint64_t v; std::memcpy(&v, p, 8); return static_cast<int64_t>(v); }
    case GgufType::I64: { int64_t v; std::memcpy(&v, p, 8); return v; }
    case GgufType::F32: { float v; std::memcpy(&v, p, 4); return static_cast<int64_t>(v); }
    case GgufType::F64: { double v; std::memcpy(&v, p, 8); return static_cast<int64_t>(v); }
    default: throw Error(std::string("GGUF array of ") + gguf_type_name(elem_type) + " is not numeric");
  }
}

double GgufArray::float_at(uint64_t i) const {
  if (i >= count) throw Error("GGUF array index " + std::to_string(i) + " out of range");
  const uint8_t* p = raw + i * scalar_size(elem_type);
  if (elem_type == GgufType::F32) { float v; std::memcpy(&v, p, 4); return v; }
  if (elem_type == GgufType::F64) { double v; std::memcpy(&v, p, 8); return v; }
  return static_cast<double>(int_at(i));
}

int64_t GgufTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

GgufFile GgufFile::open(const std::string& path) {
  auto file = std::make_shared<MappedFile>(path);
  GgufFile g = parse(file->data(), file->size(), path);
  g.file_ = std::move(file);
  return g;
}

GgufFile GgufFile::parse(const uint8_t* data, size_t size, const std::string& label) {
  GgufFile g;
  g.label_ = label;
  Cursor c(data, size, g.label_);
  if (size < 4 || std::memcmp(data, "GGUF", 4) != 0)
    throw Error(label + ": not a GGUF file (it does not start with the bytes \"GGUF\")");
  if (c.read<uint32_t>("magic") != kMagic) c.fail("bad magic");
  g.version_ = c.read<uint32_t>("version");
  if (g.version_ == 1)
    throw Error(label + ": GGUF version 1 is obsolete and not supported; re-convert the model");
  if (g.version_ != 2 && g.version_ != 3)
    throw Error(label + ": unsupported GGUF version " + std::to_string(g.version_) +
                " (this build reads versions 2 and 3)");
  uint64_t n_tensors = c.read<uint64_t>("tensor count");
  uint64_t n_kv = c.read<uint64_t>("metadata count");
  // Each entry needs at least a key length and a type: bound counts by the file size.
  if (n_kv > c.remaining() / 12) c.fail("metadata count " + std::to_string(n_kv) + " is impossible for the file size");
  if (n_tensors > c.remaining() / 24)
    c.fail("tensor count " + std::to_string(n_tensors) + " is impossible for the file size");

  for (uint64_t i = 0; i < n_kv; ++i) {
    std::string key(c.string("metadata key"));
    uint32_t t = c.read<uint32_t>("metadata type");
    if (!known_type(t)) c.fail("metadata key '" + key + "' has unknown type " + std::to_string(t));
    GgufValue v = read_value(c, static_cast<GgufType>(t), 0);
    if (!g.kv_.emplace(key, std::move(v)).second) c.fail("metadata key '" + key + "' appears twice");
  }

  if (const GgufValue* a = g.find("general.alignment")) {
    const uint64_t* u = std::get_if<uint64_t>(&a->value);
    if (!u || *u == 0 || (*u & (*u - 1)) != 0 || *u > 1u << 20)
      throw Error(label + ": general.alignment must be a power of two");
    g.alignment_ = *u;
  }

  g.tensors_.reserve(static_cast<size_t>(n_tensors));
  for (uint64_t i = 0; i < n_tensors; ++i) {
    GgufTensor t;
    t.name = std::string(c.string("tensor name"));
    uint32_t n_dims = c.read<uint32_t>("tensor dimension count");
    if (n_dims == 0 || n_dims > kMaxDims)
      c.fail("tensor '" + t.name + "' has " + std::to_string(n_dims) + " dimensions (1 to 4 allowed)");
    for (uint32_t d = 0; d < n_dims; ++d) {
      uint64_t dim = c.read<uint64_t>("tensor dimension");
      if (dim == 0 || dim > (uint64_t{1} << 40))
        c.fail("tensor '" + t.name + "' has an invalid dimension " + std::to_string(dim));
      t.shape.push_back(static_cast<int64_t>(dim));
    }
    uint32_t type_id = c.read<uint32_t>("tensor type");
    auto layout = dtype_layout(type_id);
    if (!layout)
      c.fail("tensor '" + t.name + "' has unknown data type id " + std::to_string(type_id) +
             " (made by a newer GGML than this build knows?)");
    t.type = static_cast<DType>(type_id);
    t.offset = c.read<uint64_t>("tensor offset");
    // Element count with overflow checks (each dim < 2^40, product checked).
    unsigned __int128 elems = 1;
    for (int64_t d : t.shape) {
      elems *= static_cast<uint64_t>(d);
      if (elems > (static_cast<unsigned __int128>(1) << 50)) c.fail("tensor '" + t.name + "' is impossibly large");
    }
    if (t.shape[0] % layout->block_elems != 0)
      c.fail("tensor '" + t.name + "' of type " + dtype_name(t.type) + " has a row of " +
             std::to_string(t.shape[0]) + " elements, not a multiple of the block size " +
             std::to_string(layout->block_elems));
    t.nbytes = static_cast<uint64_t>(elems) / layout->block_elems * layout->block_bytes;
    if (!g.tensor_index_.emplace(t.name, g.tensors_.size()).second)
      c.fail("tensor '" + t.name + "' appears twice");
    g.tensors_.push_back(std::move(t));
  }

  uint64_t header_end = c.pos();
  g.data_offset_ = (header_end + g.alignment_ - 1) / g.alignment_ * g.alignment_;
  if (n_tensors > 0 && g.data_offset_ > size)
    throw Error(label + ": file is truncated: it ends before its tensor data begins");
  for (GgufTensor& t : g.tensors_) {
    if (t.offset % g.alignment_ != 0)
      throw Error(label + ": tensor '" + t.name + "' starts at offset " + std::to_string(t.offset) +
                  ", not a multiple of the alignment " + std::to_string(g.alignment_));
    uint64_t begin = g.data_offset_ + t.offset;
    if (t.offset > size || begin > size || t.nbytes > size - begin) {
      uint64_t have = begin < size ? size - begin : 0;
      throw Error(label + ": tensor '" + t.name + "' is truncated (needs " + format_bytes(t.nbytes) +
                  " at byte " + std::to_string(begin) + ", file has " + format_bytes(have) +
                  " there; the file is " + format_bytes(size) + ")");
    }
    t.data = data + begin;
  }
  return g;
}

const GgufValue* GgufFile::find(std::string_view key) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? nullptr : &it->second;
}

namespace {
[[noreturn]] void wrong_type(const std::string& label, std::string_view key, GgufType have,
                             const char* want) {
  throw Error(label + ": metadata '" + std::string(key) + "' is " + gguf_type_name(have) +
              ", expected " + want);
}
}  // namespace

std::optional<std::string> GgufFile::get_string(std::string_view key) const {
  const GgufValue* v = find(key);
  if (!v) return std::nullopt;
  if (auto s = std::get_if<std::string_view>(&v->value)) return std::string(*s);
  wrong_type(label_, key, v->type, "a string");
}

std::optional<int64_t> GgufFile::get_int(std::string_view key) const {
  const GgufValue* v = find(key);
  if (!v) return std::nullopt;
  if (auto u = std::get_if<uint64_t>(&v->value)) {
    if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw Error(label_ + ": metadata '" + std::string(key) + "' is out of range");
    return static_cast<int64_t>(*u);
  }
  if (auto i = std::get_if<int64_t>(&v->value)) return *i;
  wrong_type(label_, key, v->type, "an integer");
}

std::optional<double> GgufFile::get_float(std::string_view key) const {
  const GgufValue* v = find(key);
  if (!v) return std::nullopt;
  if (auto d = std::get_if<double>(&v->value)) return *d;
  if (std::holds_alternative<uint64_t>(v->value) || std::holds_alternative<int64_t>(v->value))
    return static_cast<double>(*get_int(key));
  wrong_type(label_, key, v->type, "a number");
}

std::optional<bool> GgufFile::get_bool(std::string_view key) const {
  const GgufValue* v = find(key);
  if (!v) return std::nullopt;
  if (auto b = std::get_if<bool>(&v->value)) return *b;
  wrong_type(label_, key, v->type, "a bool");
}

const GgufArray* GgufFile::get_array(std::string_view key) const {
  const GgufValue* v = find(key);
  if (!v) return nullptr;
  if (auto a = std::get_if<std::shared_ptr<GgufArray>>(&v->value)) return a->get();
  wrong_type(label_, key, v->type, "an array");
}

const GgufTensor* GgufFile::find_tensor(std::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

std::string gguf_value_to_string(const GgufValue& v, size_t max_items) {
  struct Visitor {
    size_t max_items;
    std::string operator()(uint64_t u) const { return std::to_string(u); }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", d);
      return buf;
    }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::string_view s) const {
      std::string out = "\"";
      out.append(s.substr(0, 200));
      out += '"';
      if (s.size() > 200) out += "…";
      return out;
    }
    std::string operator()(const std::shared_ptr<GgufArray>& a) const {
      std::string out = "[";
      out.append(gguf_type_name(a->elem_type));
      out.append(" × ").append(std::to_string(a->count)).append(": ");
      for (uint64_t i = 0; i < a->count && i < max_items; ++i) {
        if (i) out += ", ";
        if (a->elem_type == GgufType::STRING) out += (*this)(a->strings[i]);
        else if (a->elem_type == GgufType::ARRAY) out += "[…]";
        else if (a->elem_type == GgufType::F32 || a->elem_type == GgufType::F64) out += (*this)(a->float_at(i));
        else out += std::to_string(a->int_at(i));
      }
      if (a->count > max_items) out += ", …";
      return out + "]";
    }
  };
  return std::visit(Visitor{max_items}, v.value);
}

}  // namespace neox
