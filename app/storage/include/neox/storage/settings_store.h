// App settings as key/value text (callers encode structured values as JSON).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "neox/storage/database.h"

namespace neox::storage {

class SettingsStore {
 public:
  explicit SettingsStore(Database& db) : db_(db) {}

  std::optional<std::string> get(std::string_view key);
  std::string get_or(std::string_view key, std::string_view fallback);
  void set(std::string_view key, std::string_view value);
  void remove(std::string_view key);
  std::map<std::string, std::string> all();

 private:
  Database& db_;
};

}  // namespace neox::storage
