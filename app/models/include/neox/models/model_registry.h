// Puts models into storage's models table: one row per path, filled from the
// metadata (read without loading weights). Downloads register here once
// their checksum passed; the scanner's finds can be registered the same way.
#pragma once

#include <filesystem>
#include <string>

#include "neox/models/download_manager.h"
#include "neox/models/model_info.h"
#include "neox/storage/model_store.h"

namespace neox::models {

// The row for a model: display name, format, architecture, parameters,
// quantization, size and licence from `info`.
neox::storage::ModelRecord model_record(const ModelInfo& info);

// Reads the model's metadata and upserts its row (keeping an existing row's
// id, default settings and times). Throws neox::Error when the path does not
// exist; an unsupported model is still registered (the Models page shows why).
neox::storage::ModelRecord register_model(neox::storage::ModelStore& store, const std::filesystem::path& path,
                                          const std::string& source_url = {}, const std::string& sha256 = {},
                                          const std::string& display_name = {});

// Whether a downloaded file is a model's weights (.gguf, .safetensors, or GGUF by its magic).
bool is_weight_download(const std::filesystem::path& path);

// A DownloadManager registrar writing into `store` (which must outlive the manager
// and belong to the manager's thread). Registers weight files only: a GGUF file
// as itself (with its URL and sha256), a .safetensors file as its folder (the
// row is updated as each shard arrives; the engine's verdict says when one is missing).
DownloadRegistrar storage_registrar(neox::storage::ModelStore& store);

}  // namespace neox::models
