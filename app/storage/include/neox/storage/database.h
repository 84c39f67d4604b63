// One connection to the app's database file, opened with everything the app
// relies on: WAL journal, foreign keys, busy timeout, schema migrated to the
// current version, replies interrupted by a crash marked "stopped".
//
// Threads. The UI thread reads (list, load, search) while the EngineWorker
// thread writes a streaming reply. Each thread opens its OWN Database on the
// same file; a Database (and the stores built on it) is never shared between
// threads:
//   auto ui = Database::open(path);                                  // primary: first, on the UI thread
//   auto worker = Database::open(path, {.role = OpenRole::kSecondary});  // then one per extra thread
// WAL lets readers and the one writer proceed at once. Writes go through
// write(), which starts with BEGIN IMMEDIATE (the busy handler applies there,
// so a writer never deadlocks half-way) and retries SQLITE_BUSY/LOCKED that
// the busy handler does not cover (BEGIN, COMMIT, WAL recovery) until the
// busy timeout; reads go through read(), one snapshot per call. A busy error
// reaches the caller only after the timeout (default 5 s), as kBusy.
//
// Durability. synchronous=NORMAL in WAL mode: every committed transaction
// survives the process being killed; a power cut may lose the last commits
// but never corrupts the file. The primary runs a background thread that
// copies the WAL into the file (OpenOptions::checkpoint_interval), so commits
// stay short.
//
// Primary and secondary. The primary connection represents the running app
// instance: it takes an exclusive lock file beside the database
// ("<file>.lock"; a second instance gets ErrorKind::kLocked), creates or
// migrates the schema, moves a corrupt file aside, and marks replies left
// "streaming" by a crash as "stopped". Secondary connections do none of
// that; they expect the primary to be open already (in this process).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>

#include "neox/storage/sqlite.h"
#include "neox/storage/storage_error.h"

namespace neox::storage {

enum class OpenRole { kPrimary, kSecondary };

struct OpenOptions {
  OpenRole role = OpenRole::kPrimary;
  std::chrono::milliseconds busy_timeout{5000};
  // Primary only: run PRAGMA quick_check at open so damage deep in the file
  // is found now (and the file moved aside) rather than when a page is read.
  bool verify = true;
  // Primary only: how often a background thread copies the WAL into the
  // database file (a PASSIVE checkpoint), so that writers never do it inside
  // a commit. Zero: no thread; SQLite checkpoints inside commits instead.
  std::chrono::milliseconds checkpoint_interval{1000};
};

// What open() did, for the UI to show. All fields are "nothing happened" by default.
struct OpenReport {
  bool created = false;    // a new, empty database was made
  int migrated_from = 0;   // schema version found on disk (0: new file)
  int schema_version = 0;  // schema version now
  // Set when the file on disk was damaged: where it was moved (never deleted)
  // and what was wrong with it.
  std::optional<std::filesystem::path> moved_aside;
  std::string damage;
  int interrupted_replies = 0;  // replies found "streaming" and marked "stopped"

  // One sentence for the user, empty when there is nothing to say.
  std::string message() const;
};

class InstanceLock;
class Checkpointer;

class Database {
 public:
  // The schema version this build writes. Older files are migrated forward;
  // newer ones are refused (kTooNew) rather than damaged.
  static constexpr int kSchemaVersion = 3;

  // Opens or creates the database at path. Throws StorageError with a clear
  // kind and message (read-only folder, another instance, disk full...); a
  // failed open leaves no half-made file behind.
  static Database open(const std::filesystem::path& path, const OpenOptions& options = {});

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  const OpenReport& report() const { return report_; }
  const std::filesystem::path& path() const { return connection_.path(); }
  sql::Connection& connection() { return connection_; }

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT and returns its result. When
  // the write lock stays busy the whole transaction is retried until the busy
  // timeout, so fn must be safe to run again. Nested calls join the outer
  // transaction.
  template <typename Fn>
  auto write(Fn&& fn) -> decltype(fn()) {
    return in_transaction(sql::Transaction::Mode::kImmediate, fn);
  }
  // Runs fn inside one read snapshot (BEGIN ... COMMIT), retried like write().
  template <typename Fn>
  auto read(Fn&& fn) -> decltype(fn()) {
    return in_transaction(sql::Transaction::Mode::kDeferred, fn);
  }

 private:
  Database(sql::Connection connection, std::unique_ptr<InstanceLock> lock, OpenReport report);

  template <typename Fn>
  auto in_transaction(sql::Transaction::Mode mode, Fn& fn) -> decltype(fn()) {
    if (connection_.in_transaction()) return fn();
    const auto deadline = std::chrono::steady_clock::now() + connection_.busy_timeout();
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
      try {
        sql::Transaction transaction(connection_, mode);
        if constexpr (std::is_void_v<decltype(fn())>) {
          fn();
          transaction.commit();
          return;
        } else {
          auto result = fn();
          transaction.commit();
          return result;
        }
      } catch (const StorageError& error) {
        if (error.kind() != ErrorKind::kBusy || std::chrono::steady_clock::now() >= deadline) throw;
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
  }

  sql::Connection connection_;
  std::unique_ptr<InstanceLock> lock_;
  OpenReport report_;
  std::unique_ptr<Checkpointer> checkpointer_;  // last: stopped before the connection closes
};

}  // namespace neox::storage
