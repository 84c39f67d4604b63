// The built-in catalog of known models (resources/catalog/models.json):
// what the Models page offers to download, with licences, chat templates and
// approximate sizes per format. Loading validates every field; a malformed
// file gives neox::Error naming the file and the JSON path of the problem
// ("models.json: models[3].variants[0].files[2].sha256: not 64 hex digits").
// Qt-free.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neox::models {

struct CatalogFile {
  std::string path;                    // relative to the model's folder: "model.safetensors"
  std::string url;                     // https://huggingface.co/<repo>/resolve/<rev>/<path>
  std::optional<uint64_t> size_bytes;  // unknown: nullopt
  std::string sha256;                  // lowercase hex; "" when unknown
};

struct CatalogVariant {
  std::string format;              // "safetensors" or "gguf"
  std::string quantization;        // "F16", "Q8_0", "Q4_K_M"
  uint64_t approx_size_bytes = 0;  // estimate from the parameter count, not a file size
  // "download": fetch `files`; "quantize_locally": made from the download by `neox quantize`.
  std::string source;
  std::vector<CatalogFile> files;
  bool files_checked = false;  // file list confirmed against the Hub
  bool shards_from_index =
      false;  // files include model.safetensors.index.json; its weight_map names the shards
};

struct CatalogModel {
  std::string id;    // unique, stable: "pythia-1.4b"
  std::string name;  // "Pythia 1.4B"
  std::string repo;  // "EleutherAI/pythia-1.4b"
  std::string architecture;
  int64_t parameters = 0;
  bool parameters_exact = false;
  std::optional<int64_t> context_length;
  std::string license;        // SPDX-style id, or "unknown"
  std::string chat_template;  // a neox::ChatTemplate name
  std::string description;
  std::vector<CatalogVariant> variants;
};

class Catalog {
 public:
  // Throws neox::Error (file name + JSON path + problem) for a malformed catalog.
  static Catalog load(const std::filesystem::path& path);
  static Catalog parse(std::string_view json_text, const std::string& label);

  const std::vector<CatalogModel>& models() const { return models_; }
  const CatalogModel* find(std::string_view id) const;

  // The catalog installed with the app: <exe>/../share/neox-studio/catalog/models.json,
  // else the source tree's copy (development builds). Empty when neither exists.
  static std::filesystem::path default_path(const std::filesystem::path& executable_dir);

 private:
  std::vector<CatalogModel> models_;
};

}  // namespace neox::models
