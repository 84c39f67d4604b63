// Shared by the storage tests: a temporary folder per test, and raw SQL access
// for checking what is really in the file.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "neox/storage/database.h"

namespace neox::storage::testing {

class TempFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "neox-storage-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    folder_ = pattern;
    db_path_ = folder_ / "conversations.db";
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::permissions(folder_, std::filesystem::perms::owner_all, ignored);
    std::filesystem::remove_all(folder_, ignored);
  }

  std::filesystem::path folder_;
  std::filesystem::path db_path_;
};

// One integer from fixed SQL on the database's own connection.
inline int64_t query_int(Database& db, const char* sql) {
  auto row = db.connection().prepare_uncached(sql);
  EXPECT_TRUE(row.step()) << sql;
  return row.int64(0);
}

inline std::string query_text(Database& db, const char* sql) {
  auto row = db.connection().prepare_uncached(sql);
  EXPECT_TRUE(row.step()) << sql;
  return row.text(0);
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace neox::storage::testing
