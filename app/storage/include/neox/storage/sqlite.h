// Thin RAII layer over the sqlite3 C API: a connection, prepared statements
// (bind / step / column helpers) and a transaction that rolls back when it is
// left by an exception. Only fixed SQL text is ever prepared; every value
// that comes from a user travels as a bound parameter.
//
// A Connection is used by one thread at a time (it is opened with
// SQLITE_OPEN_NOMUTEX). Threads that share a database file each open their
// own connection; see database.h for the threading rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace neox::storage::sql {

class Connection;

// A prepared statement. Statements handed out by Connection::prepare() are
// cached by the connection: destroying the Statement only resets it.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as in SQLite.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);  // copied by SQLite (SQLITE_TRANSIENT)
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind_null(int index);
  // Binds NULL when the id is 0 (our "no row" value for optional references).
  Statement& bind_id_or_null(int index, int64_t id);

  // Binds every argument in order from parameter 1.
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances one row: true when a row is ready, false when done. Throws
  // StorageError on failure (SQLITE_BUSY included: the caller's transaction
  // decides whether to retry).
  bool step();
  // Steps to completion, ignoring rows (INSERT/UPDATE/DELETE).
  void run();
  // Resets so the statement can run again with new bindings.
  void reset();

  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;
  int column_count() const;

  sqlite3_stmt* handle() const { return stmt_; }

 private:
  friend class Connection;
  Statement(const Connection* connection, sqlite3_stmt* stmt, bool owned);

  const Connection* connection_;
  sqlite3_stmt* stmt_;
  bool owned_;  // false: borrowed from the connection's cache, only reset on destruction
};

class Connection {
 public:
  // flags: SQLITE_OPEN_* (SQLITE_OPEN_NOMUTEX is added). Throws StorageError
  // naming the file on failure.
  static Connection open(const std::filesystem::path& path, int flags);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  ~Connection();

  // Runs fixed SQL (one or more statements, no parameters). Never pass user text.
  void exec(const char* sql);
  // A cached prepared statement for fixed SQL text. The same text must not be
  // in use twice at once (e.g. nested inside its own row loop).
  Statement prepare(const char* sql);
  // A one-off statement that is finalized on destruction.
  Statement prepare_uncached(const char* sql) const;

  int64_t last_insert_rowid() const;
  int changes() const;
  // Whether the connection is inside an explicit transaction.
  bool in_transaction() const;

  // How long a transaction keeps retrying SQLITE_BUSY/SQLITE_LOCKED that the
  // busy handler does not cover (BEGIN IMMEDIATE, COMMIT, WAL recovery).
  void set_busy_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds busy_timeout() const { return busy_timeout_; }

  // Throws StorageError for an SQLite result code, with the file name, what
  // was being done and SQLite's own message.
  [[noreturn]] void fail(int rc, std::string_view doing) const;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }
  // The file name used at the start of error messages ("conversations.db").
  std::string label() const;

 private:
  Connection(sqlite3* db, std::filesystem::path path);
  void close() noexcept;

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::chrono::milliseconds busy_timeout_{5000};
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN ... COMMIT. Rolls back on destruction unless committed, so an
// exception thrown half-way leaves no partial change behind.
// kImmediate takes the write lock at BEGIN: a writer never meets
// SQLITE_BUSY half-way through (the deadlock a deferred reader-turned-writer
// can hit in WAL mode). BEGIN and COMMIT retry SQLITE_BUSY/SQLITE_LOCKED
// with a short back-off until the connection's busy timeout.
class Transaction {
 public:
  enum class Mode { kDeferred, kImmediate };
  Transaction(Connection& connection, Mode mode);
  Transaction(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& connection_;
  bool open_ = false;
};

// True for result codes that mean "try again later" (SQLITE_BUSY, SQLITE_LOCKED
// and their extended codes).
bool is_busy(int sqlite_code);

}  // namespace neox::storage::sql
