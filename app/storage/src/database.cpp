#include "neox/storage/database.h"

#include <sqlite3.h>
#include <unistd.h>

#include <ctime>
#include <system_error>

#include "checkpointer.h"
#include "instance_lock.h"
#include "neox/storage/message_store.h"
#include "schema.h"

namespace neox::storage {
namespace {

namespace fs = std::filesystem;

fs::path sidecar(const fs::path& path, const char* suffix) {
  return fs::path(path.string() + suffix);
}

// Settings every connection needs. journal_mode is persistent in the file and
// set by the primary; the rest are per connection.
void configure(sql::Connection& connection, std::chrono::milliseconds busy_timeout) {
  connection.set_busy_timeout(busy_timeout);
  connection.exec(
      "PRAGMA foreign_keys = ON;"
      "PRAGMA synchronous = NORMAL;"
      "PRAGMA temp_store = MEMORY;"
      "PRAGMA cache_size = -16000;"  // 16 MB page cache per connection
      // The primary's Checkpointer copies the WAL in the background; this
      // threshold (40 MB of 4 KiB pages) is only the safety net.
      "PRAGMA wal_autocheckpoint = 10000;");
}

// "conversations.db.corrupt-20261129-041502" (UTC), unique in the folder.
fs::path aside_name(const fs::path& path) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &utc);
  fs::path candidate = path.string() + ".corrupt-" + stamp;
  for (int n = 2; fs::exists(candidate); ++n)
    candidate = path.string() + ".corrupt-" + stamp + "-" + std::to_string(n);
  return candidate;
}

// Moves a damaged database (with its WAL, which belongs to it) aside; the
// shared-memory index is rebuilt from scratch, so it is removed.
fs::path move_aside(const fs::path& path) {
  const fs::path target = aside_name(path);
  std::error_code error;
  fs::rename(path, target, error);
  if (error) {
    throw StorageError(ErrorKind::kCantOpen,
                       path.filename().string() +
                           ": the database file is damaged and could not be moved aside to " +
                           target.string() + " (" + error.message() + ")");
  }
  if (fs::exists(sidecar(path, "-wal"))) fs::rename(sidecar(path, "-wal"), sidecar(target, "-wal"), error);
  fs::remove(sidecar(path, "-shm"), error);
  return target;
}

// A short reason for the user: "not an SQLite database", "database disk
// image is malformed", or what quick_check found.
std::string describe_damage(const StorageError& error) {
  const int code = error.sqlite_code();
  if ((code & 0xff) == SQLITE_NOTADB) return "not an SQLite database";
  if (code != 0) return sqlite3_errstr(code);
  const std::string what = error.what();
  const size_t colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

void remove_new_files(const fs::path& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(sidecar(path, suffix), ignored);
}

// Opens, verifies and migrates; throws kCorrupt when the file is damaged.
sql::Connection open_primary(const fs::path& path, const OpenOptions& options, OpenReport& report) {
  auto connection = sql::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_db_readonly(connection.handle(), "main") == 1) {
    throw StorageError(ErrorKind::kReadOnly, path.filename().string() + ": the database file " +
                                                 path.string() + " is read-only; fix its permissions");
  }
  configure(connection, options.busy_timeout);
  // Reading the journal mode reads page 1: a file that is not a database fails here.
  {
    auto mode = connection.prepare_uncached("PRAGMA journal_mode = WAL");
    mode.step();
    if (mode.text(0) != "wal") {
      throw StorageError(
          ErrorKind::kCantOpen,
          connection.label() + ": cannot switch the database to WAL mode (got " + mode.text(0) + ")");
    }
  }
  if (options.verify) {
    auto check = connection.prepare_uncached("PRAGMA quick_check(1)");
    check.step();
    const std::string verdict = check.text(0);
    // sqlite_code 0 tells describe_damage() the text after the label is the verdict.
    if (verdict != "ok") throw StorageError(ErrorKind::kCorrupt, connection.label() + ": " + verdict);
  }
  report.migrated_from = migrate(connection, Database::kSchemaVersion);
  report.schema_version = Database::kSchemaVersion;
  return connection;
}

sql::Connection open_secondary(const fs::path& path, const OpenOptions& options, OpenReport& report) {
  auto connection = sql::Connection::open(path, SQLITE_OPEN_READWRITE);
  configure(connection, options.busy_timeout);
  const int version = schema_version(connection);
  if (version != Database::kSchemaVersion) {
    throw StorageError(version > Database::kSchemaVersion ? ErrorKind::kTooNew : ErrorKind::kInvalidArgument,
                       connection.label() + ": schema version " + std::to_string(version) + " (expected " +
                           std::to_string(Database::kSchemaVersion) +
                           "); open the primary connection first, it migrates the file");
  }
  report.migrated_from = version;
  report.schema_version = version;
  return connection;
}

}  // namespace

std::string OpenReport::message() const {
  std::string text;
  if (moved_aside) {
    text = "The conversation database was damaged (" + damage + "). It was moved to " +
           moved_aside->string() + " and a new, empty database was created.";
  }
  if (interrupted_replies > 0) {
    if (!text.empty()) text += ' ';
    text += std::to_string(interrupted_replies) +
            (interrupted_replies == 1 ? " reply was" : " replies were") +
            " interrupted when the app last closed; kept as stopped.";
  }
  return text;
}

Database::Database(sql::Connection connection, std::unique_ptr<InstanceLock> lock, OpenReport report)
    : connection_(std::move(connection)), lock_(std::move(lock)), report_(std::move(report)) {}

Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Database Database::open(const std::filesystem::path& path, const OpenOptions& options) {
  OpenReport report;
  if (options.role == OpenRole::kSecondary) {
    auto connection = open_secondary(path, options, report);
    return Database(std::move(connection), nullptr, std::move(report));
  }

  std::error_code error;
  if (!path.parent_path().empty() && !fs::is_directory(path.parent_path())) {
    fs::create_directories(path.parent_path(), error);
    if (error) {
      throw StorageError(ErrorKind::kCantOpen, path.filename().string() + ": cannot create the data folder " +
                                                   path.parent_path().string() + " (" + error.message() +
                                                   ")");
    }
  }
  auto lock = std::make_unique<InstanceLock>(path);
  // Only files this open creates are ever removed again.
  const bool existed = fs::exists(path);
  report.created = !existed || (fs::is_regular_file(path) && fs::file_size(path, error) == 0);

  auto attempt = [&]() -> sql::Connection {
    try {
      return open_primary(path, options, report);
    } catch (const StorageError& error) {
      // An existing database in a folder that became read-only: SQLite only
      // says it cannot create the -wal/-shm files or write the database.
      const std::string folder = path.parent_path().empty() ? "." : path.parent_path().string();
      const bool file_trouble = error.kind() == ErrorKind::kCantOpen || error.kind() == ErrorKind::kReadOnly;
      if (file_trouble && ::access(folder.c_str(), W_OK) != 0) {
        throw StorageError(ErrorKind::kReadOnly,
                           path.filename().string() + ": the data folder " + folder +
                               " is read-only; choose a writable folder or fix its permissions",
                           error.sqlite_code());
      }
      // A new file that could not be set up (disk full, read-only) is removed:
      // no half-made database is left behind.
      if (!existed) remove_new_files(path);
      throw;
    }
  };

  sql::Connection connection = [&]() {
    try {
      return attempt();
    } catch (const StorageError& damaged) {
      if (damaged.kind() != ErrorKind::kCorrupt || !existed) throw;
      report.damage = describe_damage(damaged);
      report.moved_aside = move_aside(path);
      report.created = true;
      try {
        return open_primary(path, options, report);
      } catch (const StorageError&) {
        remove_new_files(path);  // the damaged file is safe aside; nothing half-made stays
        throw;
      }
    }
  }();

  Database db(std::move(connection), std::move(lock), std::move(report));
  db.report_.interrupted_replies = MessageStore(db).recover_interrupted();
  if (options.checkpoint_interval.count() > 0) {
    try {
      db.checkpointer_ = std::make_unique<Checkpointer>(path, options.checkpoint_interval);
    } catch (const std::exception&) {
      // Not fatal: without the thread, commits checkpoint as SQLite does by default.
    }
  }
  if (!db.checkpointer_) db.connection_.exec("PRAGMA wal_autocheckpoint = 1000");  // SQLite's default
  return db;
}

}  // namespace neox::storage
