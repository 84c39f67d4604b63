// Model rows from metadata.
#include "neox/models/model_registry.h"

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

DownloadRegistrar storage_registrar(neox::storage::ModelStore& store) {
  return [&store](const DownloadRequest& request, const QString& path, const QString& sha256) {
    register_model(store, path.toStdString(), request.url.toString().toStdString(), sha256.toStdString(),
                   request.display_name.toStdString());
  };
}

}  // namespace neox::models
