#include "neox/storage/sqlite.h"

#include <sqlite3.h>

#include <thread>

#include "neox/storage/storage_error.h"

namespace neox::storage::sql {

bool is_busy(int sqlite_code) {
  const int primary = sqlite_code & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// ---- Statement ----

Statement::Statement(const Connection* connection, sqlite3_stmt* stmt, bool owned)
    : connection_(connection), stmt_(stmt), owned_(owned) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_), stmt_(other.stmt_), owned_(other.owned_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (!stmt_) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding a parameter");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding a parameter");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // A non-null pointer even for empty text, so it binds '' rather than NULL.
  const int rc = sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding a text parameter");
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding a parameter");
  return *this;
}

Statement& Statement::bind_id_or_null(int index, int64_t id) {
  return id == 0 ? bind_null(index) : bind(index, id);
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset now so the statement (and any read lock it holds) is released
  // before the error unwinds the transaction.
  sqlite3_reset(stmt_);
  connection_->fail(rc, "running a statement");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(data, static_cast<size_t>(size)) : std::string();
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int Statement::column_count() const {
  return sqlite3_column_count(stmt_);
}

// ---- Connection ----

Connection::Connection(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

Connection Connection::open(const std::filesystem::path& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection connection(db, path);  // closes db even when the open failed
  if (rc != SQLITE_OK) connection.fail(rc, "opening the database");
  sqlite3_extended_result_codes(db, 1);
  connection.set_busy_timeout(connection.busy_timeout_);
  return connection;
}

Connection::Connection(Connection&& other) noexcept
    : db_(other.db_),
      path_(std::move(other.path_)),
      busy_timeout_(other.busy_timeout_),
      cache_(std::move(other.cache_)) {
  other.db_ = nullptr;
  other.cache_.clear();
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = other.db_;
    path_ = std::move(other.path_);
    busy_timeout_ = other.busy_timeout_;
    cache_ = std::move(other.cache_);
    other.db_ = nullptr;
    other.cache_.clear();
  }
  return *this;
}

Connection::~Connection() {
  close();
}

void Connection::close() noexcept {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

void Connection::exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text is available from sqlite3_errmsg
  if (rc != SQLITE_OK) fail(rc, "running SQL");
}

Statement Connection::prepare(const char* sql) {
  auto found = cache_.find(sql);
  if (found != cache_.end()) return Statement(this, found->second, false);
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(rc, "preparing a statement");
  cache_.emplace(sql, stmt);
  return Statement(this, stmt, false);
}

Statement Connection::prepare_uncached(const char* sql) const {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(rc, "preparing a statement");
  return Statement(this, stmt, true);
}

int64_t Connection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Connection::changes() const {
  return sqlite3_changes(db_);
}

bool Connection::in_transaction() const {
  return db_ && sqlite3_get_autocommit(db_) == 0;
}

void Connection::set_busy_timeout(std::chrono::milliseconds timeout) {
  busy_timeout_ = timeout;
  if (db_) sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
}

std::string Connection::label() const {
  return path_.filename().string();
}

void Connection::fail(int rc, std::string_view doing) const {
  const ErrorKind kind = error_kind_for_sqlite(rc);
  std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  std::string message = label() + ": ";
  switch (kind) {
    case ErrorKind::kDiskFull:
      message += "the disk is full (or the database reached its size limit); the change was not saved";
      break;
    case ErrorKind::kBusy:
      message += "the database stayed locked by another connection for more than " +
                 std::to_string(busy_timeout_.count()) + " ms";
      break;
    case ErrorKind::kReadOnly:
      message += "the database is read-only (check the permissions of " + path_.parent_path().string() + ")";
      break;
    case ErrorKind::kCantOpen:
      message += "cannot open the database file in " + path_.parent_path().string() +
                 " (missing folder or no permission)";
      break;
    case ErrorKind::kCorrupt:
      message += "the database file is damaged";
      break;
    default:
      message += std::string(doing) + " failed";
      break;
  }
  message += " [" + std::string(doing) + ": " + detail + " (SQLite error " + std::to_string(rc) + ")]";
  throw StorageError(kind, message, rc);
}

// ---- Transaction ----

namespace {

// Runs fixed SQL, retrying busy results (which the busy handler does not
// cover for BEGIN IMMEDIATE in WAL mode, or for COMMIT) until the timeout.
void exec_retrying(Connection& connection, const char* sql) {
  const auto deadline = std::chrono::steady_clock::now() + connection.busy_timeout();
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    const int rc = sqlite3_exec(connection.handle(), sql, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if (!is_busy(rc) || std::chrono::steady_clock::now() >= deadline) connection.fail(rc, sql);
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace

Transaction::Transaction(Connection& connection, Mode mode) : connection_(connection) {
  exec_retrying(connection_, mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN");
  open_ = true;
}

Transaction::~Transaction() {
  if (open_ && connection_.in_transaction())
    sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  // A failed COMMIT (disk full) throws with the transaction still open; the
  // destructor then rolls it back.
  exec_retrying(connection_, "COMMIT");
  open_ = false;
}

}  // namespace neox::storage::sql
