#include "schema.h"

#include <array>
#include <string>

#include "neox/storage/database.h"
#include "neox/storage/storage_error.h"

namespace neox::storage {
namespace {

// Version 1: conversations, message tree, models, settings.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  archived INTEGER NOT NULL DEFAULT 0,
  model TEXT NOT NULL DEFAULT '',
  system_prompt TEXT NOT NULL DEFAULT '',
  sampling_json TEXT NOT NULL DEFAULT '{}',
  shown_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX conversations_by_update ON conversations(archived, pinned DESC, updated_ms DESC, id DESC);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  text TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'complete',
  error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
CREATE INDEX messages_by_parent ON messages(parent_id, id);
CREATE INDEX messages_streaming ON messages(id) WHERE status = 'streaming';
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL DEFAULT '',
  architecture TEXT NOT NULL DEFAULT '',
  parameter_count INTEGER NOT NULL DEFAULT 0,
  quantization TEXT NOT NULL DEFAULT '',
  size_bytes INTEGER NOT NULL DEFAULT 0,
  added_ms INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql";

// Version 2: full-text search over messages and titles (external-content
// FTS5 tables kept in sync by triggers), prompt and few-shot presets.
constexpr const char* kVersion2 = R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5(
  text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE conversations_fts USING fts5(
  title, content = 'conversations', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
  INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
  INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
  INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
  INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title);
END;
INSERT INTO conversations_fts(conversations_fts) VALUES ('rebuild');
CREATE TABLE prompt_presets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE few_shot_presets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  examples_json TEXT NOT NULL DEFAULT '[]',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
PRAGMA user_version = 2;
)sql";

// Version 3: per-message model and statistics, conversation chat template and
// "title is automatic" flag, model provenance and per-model defaults.
constexpr const char* kVersion3 = R"sql(
ALTER TABLE messages ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN prompt_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN completion_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN ttft_ms REAL NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN tokens_per_second REAL NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN chat_template TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN title_is_auto INTEGER NOT NULL DEFAULT 1;
-- Versions 1 and 2 did not record who chose a title: a title that is set stays.
UPDATE conversations SET title_is_auto = (title = '');
UPDATE messages SET model = (SELECT c.model FROM conversations c WHERE c.id = messages.conversation_id)
  WHERE role = 'assistant';
ALTER TABLE models ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE models ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE models ADD COLUMN source_url TEXT NOT NULL DEFAULT '';
ALTER TABLE models ADD COLUMN license TEXT NOT NULL DEFAULT '';
ALTER TABLE models ADD COLUMN default_settings_json TEXT NOT NULL DEFAULT '{}';
PRAGMA user_version = 3;
)sql";

constexpr std::array<const char*, 3> kSteps = {kVersion1, kVersion2, kVersion3};
static_assert(kSteps.size() == Database::kSchemaVersion, "one migration step per schema version");

}  // namespace

int schema_version(sql::Connection& connection) {
  auto statement = connection.prepare_uncached("PRAGMA user_version");
  statement.step();
  return static_cast<int>(statement.int64(0));
}

int migrate(sql::Connection& connection, int target) {
  sql::Transaction transaction(connection, sql::Transaction::Mode::kImmediate);
  const int found = schema_version(connection);
  if (found > static_cast<int>(kSteps.size())) {
    throw StorageError(ErrorKind::kTooNew,
                       connection.label() + ": the database was written by a newer NeoX Studio (schema " +
                           std::to_string(found) + ", this version knows up to " +
                           std::to_string(kSteps.size()) + "); update the app to open it");
  }
  for (int version = found + 1; version <= target; ++version) connection.exec(kSteps[version - 1]);
  transaction.commit();
  return found;
}

}  // namespace neox::storage
