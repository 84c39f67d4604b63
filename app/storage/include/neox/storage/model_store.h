// Models known to the app, one row per path, with per-model default settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "neox/storage/database.h"
#include "neox/storage/records.h"

namespace neox::storage {

class ModelStore {
 public:
  explicit ModelStore(Database& db) : db_(db) {}

  // Inserts the model, or updates the row with the same path (keeping its id,
  // added_ms, last_used_ms and default settings). Returns the stored row.
  ModelRecord upsert(const ModelRecord& model);
  std::optional<ModelRecord> find(int64_t id);
  std::optional<ModelRecord> find_by_path(std::string_view path);
  // Most recently used first, then most recently added.
  std::vector<ModelRecord> list();
  // Records that the model was just used (last_used_ms = now).
  void touch(int64_t id);
  void set_default_settings(int64_t id, std::string_view settings_json);
  void remove(int64_t id);

 private:
  Database& db_;
};

}  // namespace neox::storage
