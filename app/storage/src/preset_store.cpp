#include "neox/storage/preset_store.h"

#include <nlohmann/json.hpp>

#include "clock.h"

namespace neox::storage {
namespace {

std::string examples_to_json(const std::vector<FewShotExample>& examples) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : examples) list.push_back({{"user", e.user}, {"assistant", e.assistant}});
  return list.dump();
}

std::vector<FewShotExample> examples_from_json(sql::Connection& connection, const std::string& text) {
  std::vector<FewShotExample> examples;
  const auto list = nlohmann::json::parse(text, nullptr, false);
  if (!list.is_array()) {
    throw StorageError(ErrorKind::kCorrupt, connection.label() + ": a few-shot preset holds invalid JSON");
  }
  for (const auto& e : list) {
    if (!e.is_object()) continue;
    examples.push_back({e.value("user", ""), e.value("assistant", "")});
  }
  return examples;
}

// Names are unique per table; a clear message beats a constraint error.
void require_free_name(sql::Connection& connection, const char* sql, std::string_view name, int64_t own_id) {
  if (name.empty())
    throw StorageError(ErrorKind::kInvalidArgument, connection.label() + ": a preset needs a name");
  auto row = connection.prepare(sql);
  row.bind_all(name, own_id);
  if (row.step()) {
    throw StorageError(ErrorKind::kInvalidArgument,
                       connection.label() + ": a preset named \"" + std::string(name) + "\" already exists");
  }
}

void require_changed(sql::Connection& connection, int64_t id) {
  if (connection.changes() == 0) {
    throw StorageError(ErrorKind::kNotFound,
                       connection.label() + ": no preset with id " + std::to_string(id));
  }
}

constexpr const char* kPromptNameTaken = "SELECT 1 FROM prompt_presets WHERE name = ? AND id != ?";
constexpr const char* kFewShotNameTaken = "SELECT 1 FROM few_shot_presets WHERE name = ? AND id != ?";

}  // namespace

PromptPreset PresetStore::add_prompt(std::string_view name, std::string_view text) {
  return db_.write([&] {
    auto& connection = db_.connection();
    require_free_name(connection, kPromptNameTaken, name, 0);
    const int64_t now = now_ms();
    connection.prepare("INSERT INTO prompt_presets (name, text, created_ms, updated_ms) VALUES (?, ?, ?, ?)")
        .bind_all(name, text, now, now)
        .run();
    return PromptPreset{connection.last_insert_rowid(), std::string(name), std::string(text), now, now};
  });
}

void PresetStore::update_prompt(int64_t id, std::string_view name, std::string_view text) {
  db_.write([&] {
    auto& connection = db_.connection();
    require_free_name(connection, kPromptNameTaken, name, id);
    connection.prepare("UPDATE prompt_presets SET name = ?, text = ?, updated_ms = ? WHERE id = ?")
        .bind_all(name, text, now_ms(), id)
        .run();
    require_changed(connection, id);
  });
}

std::optional<PromptPreset> PresetStore::find_prompt(int64_t id) {
  return db_.read([&]() -> std::optional<PromptPreset> {
    auto row = db_.connection().prepare(
        "SELECT id, name, text, created_ms, updated_ms FROM prompt_presets WHERE id = ?");
    row.bind(1, id);
    if (!row.step()) return std::nullopt;
    return PromptPreset{row.int64(0), row.text(1), row.text(2), row.int64(3), row.int64(4)};
  });
}

std::vector<PromptPreset> PresetStore::prompts() {
  return db_.read([&] {
    auto rows = db_.connection().prepare(
        "SELECT id, name, text, created_ms, updated_ms FROM prompt_presets ORDER BY name COLLATE NOCASE, id");
    std::vector<PromptPreset> result;
    while (rows.step())
      result.push_back({rows.int64(0), rows.text(1), rows.text(2), rows.int64(3), rows.int64(4)});
    return result;
  });
}

void PresetStore::remove_prompt(int64_t id) {
  db_.write([&] {
    db_.connection().prepare("DELETE FROM prompt_presets WHERE id = ?").bind(1, id).run();
    require_changed(db_.connection(), id);
  });
}

FewShotPreset PresetStore::add_few_shot(std::string_view name, const std::vector<FewShotExample>& examples) {
  return db_.write([&] {
    auto& connection = db_.connection();
    require_free_name(connection, kFewShotNameTaken, name, 0);
    const int64_t now = now_ms();
    connection
        .prepare(
            "INSERT INTO few_shot_presets (name, examples_json, created_ms, updated_ms) VALUES (?, ?, ?, ?)")
        .bind_all(name, examples_to_json(examples), now, now)
        .run();
    return FewShotPreset{connection.last_insert_rowid(), std::string(name), examples, now, now};
  });
}

void PresetStore::update_few_shot(int64_t id, std::string_view name,
                                  const std::vector<FewShotExample>& examples) {
  db_.write([&] {
    auto& connection = db_.connection();
    require_free_name(connection, kFewShotNameTaken, name, id);
    connection.prepare("UPDATE few_shot_presets SET name = ?, examples_json = ?, updated_ms = ? WHERE id = ?")
        .bind_all(name, examples_to_json(examples), now_ms(), id)
        .run();
    require_changed(connection, id);
  });
}

std::optional<FewShotPreset> PresetStore::find_few_shot(int64_t id) {
  return db_.read([&]() -> std::optional<FewShotPreset> {
    auto row = db_.connection().prepare(
        "SELECT id, name, examples_json, created_ms, updated_ms FROM few_shot_presets WHERE id = ?");
    row.bind(1, id);
    if (!row.step()) return std::nullopt;
    return FewShotPreset{row.int64(0), row.text(1), examples_from_json(db_.connection(), row.text(2)),
                         row.int64(3), row.int64(4)};
  });
}

std::vector<FewShotPreset> PresetStore::few_shots() {
  return db_.read([&] {
    auto rows = db_.connection().prepare(
        "SELECT id, name, examples_json, created_ms, updated_ms FROM few_shot_presets ORDER BY name COLLATE "
        "NOCASE, id");
    std::vector<FewShotPreset> result;
    while (rows.step()) {
      result.push_back({rows.int64(0), rows.text(1), examples_from_json(db_.connection(), rows.text(2)),
                        rows.int64(3), rows.int64(4)});
    }
    return result;
  });
}

void PresetStore::remove_few_shot(int64_t id) {
  db_.write([&] {
    db_.connection().prepare("DELETE FROM few_shot_presets WHERE id = ?").bind(1, id).run();
    require_changed(db_.connection(), id);
  });
}

}  // namespace neox::storage
