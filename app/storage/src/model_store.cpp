#include "neox/storage/model_store.h"

#include "clock.h"

namespace neox::storage {
namespace {

#define NEOX_MODEL_COLUMNS                                                                            \
  "id, path, display_name, format, architecture, parameter_count, quantization, size_bytes, sha256, " \
  "source_url, "                                                                                      \
  "license, added_ms, last_used_ms, default_settings_json"

ModelRecord read_model(const sql::Statement& row) {
  ModelRecord m;
  m.id = row.int64(0);
  m.path = row.text(1);
  m.display_name = row.text(2);
  m.format = row.text(3);
  m.architecture = row.text(4);
  m.parameter_count = row.int64(5);
  m.quantization = row.text(6);
  m.size_bytes = row.int64(7);
  m.sha256 = row.text(8);
  m.source_url = row.text(9);
  m.license = row.text(10);
  m.added_ms = row.int64(11);
  m.last_used_ms = row.int64(12);
  m.default_settings_json = row.text(13);
  return m;
}

void require_changed(sql::Connection& connection, int64_t id) {
  if (connection.changes() == 0) {
    throw StorageError(ErrorKind::kNotFound, connection.label() + ": no model with id " + std::to_string(id));
  }
}

}  // namespace

ModelRecord ModelStore::upsert(const ModelRecord& model) {
  if (model.path.empty()) {
    throw StorageError(ErrorKind::kInvalidArgument, db_.connection().label() + ": a model needs a path");
  }
  return db_.write([&] {
    db_.connection()
        .prepare(
            "INSERT INTO models (path, display_name, format, architecture, parameter_count, quantization, "
            "size_bytes, sha256, source_url, license, added_ms, default_settings_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
            "display_name = excluded.display_name, format = excluded.format, architecture = "
            "excluded.architecture, "
            "parameter_count = excluded.parameter_count, quantization = excluded.quantization, "
            "size_bytes = excluded.size_bytes, sha256 = excluded.sha256, source_url = excluded.source_url, "
            "license = excluded.license")
        .bind_all(model.path, model.display_name, model.format, model.architecture, model.parameter_count,
                  model.quantization, model.size_bytes, model.sha256, model.source_url, model.license,
                  model.added_ms != 0 ? model.added_ms : now_ms(),
                  model.default_settings_json.empty() ? std::string("{}") : model.default_settings_json)
        .run();
    return *find_by_path(model.path);
  });
}

std::optional<ModelRecord> ModelStore::find(int64_t id) {
  return db_.read([&]() -> std::optional<ModelRecord> {
    auto row = db_.connection().prepare("SELECT " NEOX_MODEL_COLUMNS " FROM models WHERE id = ?");
    row.bind(1, id);
    if (!row.step()) return std::nullopt;
    return read_model(row);
  });
}

std::optional<ModelRecord> ModelStore::find_by_path(std::string_view path) {
  return db_.read([&]() -> std::optional<ModelRecord> {
    auto row = db_.connection().prepare("SELECT " NEOX_MODEL_COLUMNS " FROM models WHERE path = ?");
    row.bind(1, path);
    if (!row.step()) return std::nullopt;
    return read_model(row);
  });
}

std::vector<ModelRecord> ModelStore::list() {
  return db_.read([&] {
    auto rows = db_.connection().prepare("SELECT " NEOX_MODEL_COLUMNS
                                         " FROM models ORDER BY last_used_ms DESC, added_ms DESC, id DESC");
    std::vector<ModelRecord> result;
    while (rows.step()) result.push_back(read_model(rows));
    return result;
  });
}

void ModelStore::touch(int64_t id) {
  db_.write([&] {
    db_.connection().prepare("UPDATE models SET last_used_ms = ? WHERE id = ?").bind_all(now_ms(), id).run();
    require_changed(db_.connection(), id);
  });
}

void ModelStore::set_default_settings(int64_t id, std::string_view settings_json) {
  db_.write([&] {
    db_.connection()
        .prepare("UPDATE models SET default_settings_json = ? WHERE id = ?")
        .bind_all(settings_json.empty() ? std::string_view("{}") : settings_json, id)
        .run();
    require_changed(db_.connection(), id);
  });
}

void ModelStore::remove(int64_t id) {
  db_.write([&] {
    db_.connection().prepare("DELETE FROM models WHERE id = ?").bind(1, id).run();
    require_changed(db_.connection(), id);
  });
}

}  // namespace neox::storage
