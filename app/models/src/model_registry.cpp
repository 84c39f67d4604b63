// Model rows from metadata.
#include "neox/models/model_registry.h"

#include <cstring>
#include <fstream>

namespace neox::models {

neox::storage::ModelRecord model_record(const ModelInfo& info) {
  neox::storage::ModelRecord r;
  r.path = info.path.string();
  r.display_name = info.name;
  r.format = info.format;
  r.architecture = info.architecture;
  r.parameter_count = info.parameter_count;
  r.quantization = info.quantization;
  r.size_bytes = static_cast<int64_t>(info.size_bytes);
  r.license = info.license;
  return r;
}

neox::storage::ModelRecord register_model(neox::storage::ModelStore& store, const std::filesystem::path& path,
                                          const std::string& source_url, const std::string& sha256,
                                          const std::string& display_name) {
  neox::storage::ModelRecord r = model_record(read_model_info(path, display_name));
  r.source_url = source_url;
  r.sha256 = sha256;
  return store.upsert(r);
}

bool is_weight_download(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".gguf" || ext == ".safetensors") return true;
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

DownloadRegistrar storage_registrar(neox::storage::ModelStore& store) {
  return [&store](const DownloadRequest& request, const QString& path, const QString& sha256) {
    const std::filesystem::path p = path.toStdString();
    // config.json, tokenizer.json and the shard index are parts of a model, not models.
    if (!is_weight_download(p)) return;
    const bool folder_part = p.extension() == ".safetensors";
    register_model(
        store, folder_part ? p.parent_path() : p, folder_part ? "" : request.url.toString().toStdString(),
        folder_part ? "" : sha256.toStdString(), folder_part ? "" : request.display_name.toStdString());
  };
}

}  // namespace neox::models
