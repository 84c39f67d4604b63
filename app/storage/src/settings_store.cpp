#include "neox/storage/settings_store.h"

namespace neox::storage {

std::optional<std::string> SettingsStore::get(std::string_view key) {
  return db_.read([&]() -> std::optional<std::string> {
    auto row = db_.connection().prepare("SELECT value FROM settings WHERE key = ?");
    row.bind(1, key);
    if (!row.step()) return std::nullopt;
    return row.text(0);
  });
}

std::string SettingsStore::get_or(std::string_view key, std::string_view fallback) {
  auto value = get(key);
  return value ? *value : std::string(fallback);
}

void SettingsStore::set(std::string_view key, std::string_view value) {
  db_.write([&] {
    db_.connection()
        .prepare(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
            "excluded.value")
        .bind_all(key, value)
        .run();
  });
}

void SettingsStore::remove(std::string_view key) {
  db_.write([&] { db_.connection().prepare("DELETE FROM settings WHERE key = ?").bind(1, key).run(); });
}

std::map<std::string, std::string> SettingsStore::all() {
  return db_.read([&] {
    auto rows = db_.connection().prepare("SELECT key, value FROM settings");
    std::map<std::string, std::string> result;
    while (rows.step()) result.emplace(rows.text(0), rows.text(1));
    return result;
  });
}

}  // namespace neox::storage
