// Catalog loading with a validation error for every field that can be wrong.
#include "neox/models/catalog.h"

#include <nlohmann/json.hpp>
#include <set>

#include "neox/chat_template.h"
#include "neox/error.h"
#include "neox/mapped_file.h"

namespace neox::models {
namespace {

using nlohmann::json;

class Reader {
 public:
  explicit Reader(std::string label) : label_(std::move(label)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw Error(label_ + ": " + where + ": " + problem);
  }

  const json& member(const json& obj, const std::string& where, const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end()) fail(where, std::string("missing \"") + key + "\"");
    return *it;
  }

  std::string text(const json& obj, const std::string& where, const char* key,
                   bool allow_empty = false) const {
    const json& v = member(obj, where, key);
    if (!v.is_string()) fail(where + "." + key, "not a string");
    std::string s = v.get<std::string>();
    if (s.empty() && !allow_empty) fail(where + "." + key, "empty");
    return s;
  }

  bool flag(const json& obj, const std::string& where, const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end()) return false;
    if (!it->is_boolean()) fail(where + "." + key, "not true or false");
    return it->get<bool>();
  }

  // A positive integer, or null (unknown) when `nullable`.
  std::optional<int64_t> count(const json& obj, const std::string& where, const char* key,
                               bool nullable) const {
    const json& v = member(obj, where, key);
    if (v.is_null() && nullable) return std::nullopt;
    if (!v.is_number_integer() || v.get<int64_t>() <= 0) fail(where + "." + key, "not a positive integer");
    return v.get<int64_t>();
  }

  const std::string& label() const { return label_; }

 private:
  std::string label_;
};

bool is_hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

CatalogFile read_file(const Reader& r, const json& j, const std::string& where, const std::string& repo) {
  if (!j.is_object()) r.fail(where, "not an object");
  CatalogFile f;
  f.path = r.text(j, where, "path");
  if (f.path.find("..") != std::string::npos || f.path.front() == '/')
    r.fail(where + ".path", "must stay inside the model's folder");
  f.url = r.text(j, where, "url");
  const std::string prefix = "https://huggingface.co/" + repo + "/resolve/";
  if (f.url.rfind(prefix, 0) != 0) r.fail(where + ".url", "not of the form " + prefix + "<revision>/<file>");
  if (std::optional<int64_t> size = r.count(j, where, "size_bytes", true))
    f.size_bytes = static_cast<uint64_t>(*size);
  const json& sha = r.member(j, where, "sha256");
  if (!sha.is_null()) {
    if (!sha.is_string() || !is_hex64(sha.get<std::string>()))
      r.fail(where + ".sha256", "not 64 lowercase hex digits (use null when unknown)");
    f.sha256 = sha.get<std::string>();
  }
  return f;
}

CatalogVariant read_variant(const Reader& r, const json& j, const std::string& where,
                            const std::string& repo) {
  if (!j.is_object()) r.fail(where, "not an object");
  CatalogVariant v;
  v.format = r.text(j, where, "format");
  if (v.format != "safetensors" && v.format != "gguf")
    r.fail(where + ".format", "\"" + v.format + "\" is not safetensors or gguf");
  v.quantization = r.text(j, where, "quantization");
  v.approx_size_bytes = static_cast<uint64_t>(*r.count(j, where, "approx_size_bytes", false));
  v.source = r.text(j, where, "source");
  if (v.source != "download" && v.source != "quantize_locally")
    r.fail(where + ".source", "\"" + v.source + "\" is not download or quantize_locally");
  v.files_checked = r.flag(j, where, "files_checked");
  v.shards_from_index = r.flag(j, where, "shards_from_index");
  if (v.source == "download") {
    const json& files = r.member(j, where, "files");
    if (!files.is_array() || files.empty()) r.fail(where + ".files", "not a non-empty array");
    std::set<std::string> paths;
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string fw = where + ".files[" + std::to_string(i) + "]";
      v.files.push_back(read_file(r, files[i], fw, repo));
      if (!paths.insert(v.files.back().path).second)
        r.fail(fw + ".path", "\"" + v.files.back().path + "\" twice");
    }
  }
  return v;
}

CatalogModel read_model(const Reader& r, const json& j, const std::string& where) {
  if (!j.is_object()) r.fail(where, "not an object");
  CatalogModel m;
  m.id = r.text(j, where, "id");
  m.name = r.text(j, where, "name");
  m.repo = r.text(j, where, "repo");
  const size_t slash = m.repo.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == m.repo.size() ||
      m.repo.find('/', slash + 1) != std::string::npos)
    r.fail(where + ".repo", "\"" + m.repo + "\" is not <owner>/<name>");
  m.architecture = r.text(j, where, "architecture");
  m.parameters = *r.count(j, where, "parameters", false);
  m.parameters_exact = r.flag(j, where, "parameters_exact");
  m.context_length = r.count(j, where, "context_length", true);
  m.license = r.text(j, where, "license");
  m.chat_template = r.text(j, where, "chat_template");
  try {
    ChatTemplate::by_name(m.chat_template);
  } catch (const Error& e) {
    r.fail(where + ".chat_template", e.what());
  }
  m.description = r.text(j, where, "description", true);
  const json& variants = r.member(j, where, "variants");
  if (!variants.is_array() || variants.empty()) r.fail(where + ".variants", "not a non-empty array");
  for (size_t i = 0; i < variants.size(); ++i)
    m.variants.push_back(
        read_variant(r, variants[i], where + ".variants[" + std::to_string(i) + "]", m.repo));
  return m;
}

}  // namespace

Catalog Catalog::parse(std::string_view text, const std::string& label) {
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw Error(label + ": not valid JSON (byte " + std::to_string(e.byte) + "): " + e.what());
  }
  Reader r(label);
  if (!root.is_object()) r.fail("top level", "not an object");
  const json& version = r.member(root, "top level", "version");
  if (!version.is_number_integer() || version.get<int64_t>() != 1)
    r.fail("version", "this app reads catalog version 1, the file says " + version.dump());
  const json& models = r.member(root, "top level", "models");
  if (!models.is_array()) r.fail("models", "not an array");
  Catalog c;
  std::set<std::string> ids;
  for (size_t i = 0; i < models.size(); ++i) {
    const std::string where = "models[" + std::to_string(i) + "]";
    c.models_.push_back(read_model(r, models[i], where));
    if (!ids.insert(c.models_.back().id).second)
      r.fail(where + ".id", "\"" + c.models_.back().id + "\" twice");
  }
  return c;
}

Catalog Catalog::load(const std::filesystem::path& path) {
  return parse(read_text_file(path.string()), path.filename().string());
}

const CatalogModel* Catalog::find(std::string_view id) const {
  for (const CatalogModel& m : models_)
    if (m.id == id) return &m;
  return nullptr;
}

std::filesystem::path Catalog::default_path(const std::filesystem::path& executable_dir) {
  std::error_code ec;
  const std::filesystem::path installed =
      executable_dir / ".." / "share" / "neox-studio" / "catalog" / "models.json";
  if (std::filesystem::exists(installed, ec)) return installed.lexically_normal();
#ifdef NEOX_CATALOG_SOURCE_PATH
  if (std::filesystem::exists(NEOX_CATALOG_SOURCE_PATH, ec)) return NEOX_CATALOG_SOURCE_PATH;
#endif
  return {};
}

}  // namespace neox::models
