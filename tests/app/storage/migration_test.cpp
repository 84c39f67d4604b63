// Every earlier schema version, as a release created it (fixtures in
// tests/fixtures/storage/schema_vN.sql, with sample rows), is upgraded to the
// current one with its data intact, and ends with the same structure as a
// database created new.
#include <map>
#include <set>
#include <tuple>

#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "neox/storage/model_store.h"
#include "neox/storage/preset_store.h"
#include "neox/storage/search.h"
#include "neox/storage/settings_store.h"
#include "schema.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

namespace fs = std::filesystem;

// The structure of a database, independent of how its SQL text is spaced:
// every table's columns (name, type, not null, default, primary key), every
// index with its columns, trigger and virtual table names.
std::map<std::string, std::string> structure(const fs::path& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::map<std::string, std::string> result;
  auto each_row = [&](const std::string& sql, auto fn) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(stmt) == SQLITE_ROW) fn(stmt);
    sqlite3_finalize(stmt);
  };
  auto text = [](sqlite3_stmt* stmt, int column) {
    const auto* value = sqlite3_column_text(stmt, column);
    return value ? std::string(reinterpret_cast<const char*>(value)) : std::string("NULL");
  };
  std::vector<std::pair<std::string, std::string>> objects;
  each_row("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
           [&](sqlite3_stmt* stmt) { objects.emplace_back(text(stmt, 0), text(stmt, 1)); });
  for (const auto& [type, name] : objects) {
    std::string description = type;
    if (type == "table") {
      // Table names come from sqlite_schema of a test database, not from a user.
      each_row("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('" + name + "')",
               [&](sqlite3_stmt* stmt) {
                 description += " | " + text(stmt, 0) + " " + text(stmt, 1) + " " + text(stmt, 2) + " " +
                                text(stmt, 3) + " " + text(stmt, 4);
               });
    } else if (type == "index") {
      each_row("SELECT name FROM pragma_index_info('" + name + "')",
               [&](sqlite3_stmt* stmt) { description += " | " + text(stmt, 0); });
    }
    result[name] = description;
  }
  sqlite3_close(db);
  return result;
}

class MigrationTest : public testing::TempFolderTest {
 protected:
  // A database file made from a fixture script (the sqlite3 C API only).
  void load_fixture(int version) {
    const std::string script =
        testing::read_file(fs::path(NEOX_STORAGE_FIXTURES) / ("schema_v" + std::to_string(version) + ".sql"));
    ASSERT_FALSE(script.empty());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, script.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  // The current schema made from nothing, for comparison.
  std::map<std::string, std::string> fresh_structure() {
    const fs::path fresh = folder_ / "fresh.db";
    { auto db = Database::open(fresh); }
    return structure(fresh);
  }
};

// The fixtures are what the migration steps produced at that version.
TEST_F(MigrationTest, FixturesMatchTheMigrationSteps) {
  for (int version = 1; version < Database::kSchemaVersion; ++version) {
    SCOPED_TRACE("version " + std::to_string(version));
    const fs::path made = folder_ / ("made_v" + std::to_string(version) + ".db");
    {
      auto connection = sql::Connection::open(made, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      migrate(connection, version);
      EXPECT_EQ(schema_version(connection), version);
    }
    load_fixture(version);
    EXPECT_EQ(structure(db_path_), structure(made));
    fs::remove(db_path_);
  }
}

// Checks the sample rows every fixture holds, after the upgrade.
void expect_fixture_rows(Database& db) {
  ConversationStore conversations(db);
  MessageStore messages(db);
  const auto list = conversations.list({.archived = ConversationFilter::Archived::kInclude});
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, 1);  // pinned first
  EXPECT_EQ(list[1].id, 3);  // then newest
  EXPECT_EQ(list[2].id, 2);

  const Conversation sorting = conversations.get(1);
  EXPECT_EQ(sorting.title, "Sorting a list in Python");
  EXPECT_FALSE(sorting.title_is_auto) << "a title set before version 3 is kept";
  EXPECT_TRUE(sorting.pinned);
  EXPECT_EQ(sorting.settings.model, "/models/pythia-1b.Q4_0.gguf");
  EXPECT_EQ(sorting.settings.system_prompt, "You are a helpful assistant.");
  EXPECT_EQ(sorting.settings.sampling_json, "{\"temperature\":0.7,\"top_p\":0.9}");
  EXPECT_EQ(sorting.settings.chat_template, "");
  EXPECT_EQ(sorting.shown_leaf_id, 5);
  EXPECT_TRUE(conversations.get(2).title_is_auto);
  EXPECT_TRUE(conversations.get(2).archived);

  const auto path = messages.shown_path(1);
  ASSERT_EQ(path.size(), 4u);
  EXPECT_EQ(path[0].text, "How do I sort a list in Python?");
  EXPECT_EQ(path[1].id, 3);
  EXPECT_EQ(messages.siblings(3).label(), "2/2");
  EXPECT_EQ(path[3].status, MessageStatus::kStopped) << "the reply left streaming is stopped at open";
  EXPECT_EQ(path[3].text, "Pass reverse=True to");
  EXPECT_EQ(path[3].model, "/models/pythia-1b.Q4_0.gguf") << "version 3 fills the model of old replies";
  EXPECT_EQ(db.report().interrupted_replies, 1);
  const Message failed = messages.get(7);
  EXPECT_EQ(failed.status, MessageStatus::kFailed);
  EXPECT_EQ(failed.error, "out of memory");
  EXPECT_EQ(failed.stats, MessageStats{});

  // Search works on rows written before the FTS tables existed (version 1).
  ConversationSearch search(db);
  const auto hits = search.search("resume");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].conversation_id, 3);
  EXPECT_EQ(hits[0].message_id, 0);
  EXPECT_EQ(hits[1].message_id, 6);
  EXPECT_EQ(search.search("sorted").size(), 1u);

  ModelStore models(db);
  const auto pythia = models.find_by_path("/models/pythia-1b.Q4_0.gguf");
  ASSERT_TRUE(pythia);
  EXPECT_EQ(pythia->parameter_count, 1011781632);
  EXPECT_EQ(pythia->quantization, "Q4_0");
  EXPECT_EQ(pythia->sha256, "");
  EXPECT_EQ(pythia->default_settings_json, "{}");
  EXPECT_EQ(models.list().size(), 2u);

  SettingsStore settings(db);
  EXPECT_EQ(settings.get_or("theme", ""), "dark");
  EXPECT_EQ(settings.get_or("font_size", ""), "14");

  // The upgraded file takes new writes everywhere.
  const Message added = messages.add(1, 5, Role::kUser, "thanks");
  EXPECT_EQ(messages.shown_path(1).back().id, added.id);
  EXPECT_EQ(search.search("thanks").size(), 1u);
  EXPECT_EQ(testing::query_text(db, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(testing::query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST_F(MigrationTest, UpgradesVersion1) {
  load_fixture(1);
  auto db = Database::open(db_path_);
  EXPECT_EQ(db.report().migrated_from, 1);
  EXPECT_EQ(db.report().schema_version, Database::kSchemaVersion);
  EXPECT_FALSE(db.report().created);
  expect_fixture_rows(db);
  EXPECT_TRUE(PresetStore(db).prompts().empty());
  EXPECT_NO_THROW(PresetStore(db).add_prompt("new", "text"));
  EXPECT_EQ(structure(db_path_), fresh_structure());
}

TEST_F(MigrationTest, UpgradesVersion2) {
  load_fixture(2);
  auto db = Database::open(db_path_);
  EXPECT_EQ(db.report().migrated_from, 2);
  expect_fixture_rows(db);
  PresetStore presets(db);
  ASSERT_EQ(presets.prompts().size(), 1u);
  EXPECT_EQ(presets.prompts()[0].text, "Answer in one short paragraph.");
  ASSERT_EQ(presets.few_shots().size(), 1u);
  EXPECT_EQ(presets.few_shots()[0].examples,
            (std::vector<FewShotExample>{{"France?", "Paris"}, {"Japan?", "Tokyo"}}));
  EXPECT_EQ(structure(db_path_), fresh_structure());
}

TEST_F(MigrationTest, AFailedMigrationLeavesTheOldVersion) {
  load_fixture(1);
  // Occupy a name that version 2 creates: its step fails half-way.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE prompt_presets (x)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  const auto before = structure(db_path_);
  EXPECT_THROW(Database::open(db_path_), StorageError);
  EXPECT_EQ(structure(db_path_), before);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace neox::storage
