// The RAII layer: binding, stepping, cached statements, transactions.
#include "neox/storage/sqlite.h"

#include "storage_test_util.h"

namespace neox::storage::sql {
namespace {

class SqliteTest : public testing::TempFolderTest {
 protected:
  Connection open() {
    auto connection = Connection::open(db_path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    connection.exec("CREATE TABLE IF NOT EXISTS t (i INTEGER, r REAL, s TEXT)");
    return connection;
  }
};

TEST_F(SqliteTest, BindsAndReadsEveryType) {
  auto connection = open();
  connection.prepare("INSERT INTO t VALUES (?, ?, ?)")
      .bind_all(int64_t{1} << 40, 2.5, std::string("x'y"))
      .run();
  connection.prepare("INSERT INTO t VALUES (?, ?, ?)").bind(1, 7).bind_null(2).bind(3, "").run();
  auto rows = connection.prepare("SELECT i, r, s FROM t ORDER BY i DESC");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.int64(0), int64_t{1} << 40);
  EXPECT_EQ(rows.real(1), 2.5);
  EXPECT_EQ(rows.text(2), "x'y");
  ASSERT_TRUE(rows.step());
  EXPECT_TRUE(rows.is_null(1));
  EXPECT_FALSE(rows.is_null(2)) << "empty text is '' and not NULL";
  EXPECT_EQ(rows.text(2), "");
  EXPECT_FALSE(rows.step());
  EXPECT_EQ(rows.column_count(), 3);
}

TEST_F(SqliteTest, CachedStatementIsResetWhenReleased) {
  auto connection = open();
  for (int i = 0; i < 3; ++i) connection.prepare("INSERT INTO t (i) VALUES (?)").bind(1, i).run();
  for (int pass = 0; pass < 2; ++pass) {
    auto rows = connection.prepare("SELECT i FROM t ORDER BY i");
    ASSERT_TRUE(rows.step());  // left mid-way: the next prepare starts again from the top
    EXPECT_EQ(rows.int64(0), 0);
  }
}

TEST_F(SqliteTest, TransactionRollsBackOnException) {
  auto connection = open();
  try {
    Transaction transaction(connection, Transaction::Mode::kImmediate);
    connection.exec("INSERT INTO t (i) VALUES (1)");
    throw std::runtime_error("midway");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(connection.in_transaction());
  auto count = connection.prepare("SELECT count(*) FROM t");
  count.step();
  EXPECT_EQ(count.int64(0), 0);
  count.reset();
  {
    Transaction transaction(connection, Transaction::Mode::kDeferred);
    connection.exec("INSERT INTO t (i) VALUES (1)");
    transaction.commit();
  }
  count.step();
  EXPECT_EQ(count.int64(0), 1);
}

TEST_F(SqliteTest, ErrorsNameTheFileAndTheProblem) {
  auto connection = open();
  try {
    connection.prepare("SELECT nope FROM t");
    FAIL();
  } catch (const StorageError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("conversations.db: ", 0), 0u) << message;
    EXPECT_NE(message.find("no such column: nope"), std::string::npos) << message;
    EXPECT_EQ(error.sqlite_code(), SQLITE_ERROR);
  }
  try {
    Connection::open(folder_ / "missing" / "x.db", SQLITE_OPEN_READWRITE);
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCantOpen);
    EXPECT_NE(std::string(error.what()).find("x.db: cannot open"), std::string::npos) << error.what();
  }
  EXPECT_EQ(error_kind_for_sqlite(SQLITE_FULL), ErrorKind::kDiskFull);
  EXPECT_EQ(error_kind_for_sqlite(SQLITE_BUSY_SNAPSHOT), ErrorKind::kBusy);
  EXPECT_EQ(error_kind_for_sqlite(SQLITE_NOTADB), ErrorKind::kCorrupt);
  EXPECT_TRUE(is_busy(SQLITE_LOCKED_SHAREDCACHE));
  EXPECT_FALSE(is_busy(SQLITE_FULL));
}

}  // namespace
}  // namespace neox::storage::sql
