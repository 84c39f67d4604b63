// Opening the database: settings, the instance lock, secondary connections,
// damaged files moved aside, read-only folders, a full disk, busy locks.
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

using testing::query_int;
using testing::query_text;
using testing::read_file;
using testing::write_file;
namespace fs = std::filesystem;

class DatabaseTest : public testing::TempFolderTest {};

TEST_F(DatabaseTest, CreatesANewDatabaseWithWalAndForeignKeys) {
  auto db = Database::open(db_path_);
  EXPECT_TRUE(db.report().created);
  EXPECT_EQ(db.report().migrated_from, 0);
  EXPECT_EQ(db.report().schema_version, Database::kSchemaVersion);
  EXPECT_FALSE(db.report().moved_aside);
  EXPECT_EQ(db.report().message(), "");
  EXPECT_EQ(query_text(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_int(db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(query_int(db, "PRAGMA user_version"), Database::kSchemaVersion);
  EXPECT_EQ(query_int(db, "PRAGMA busy_timeout"), 5000);
  EXPECT_EQ(query_int(db, "PRAGMA synchronous"), 1);  // NORMAL
}

TEST_F(DatabaseTest, ReopeningKeepsDataAndReportsNothing) {
  int64_t id = 0;
  {
    auto db = Database::open(db_path_);
    id = ConversationStore(db).create({}, "kept").id;
  }
  auto db = Database::open(db_path_);
  EXPECT_FALSE(db.report().created);
  EXPECT_EQ(db.report().migrated_from, Database::kSchemaVersion);
  EXPECT_EQ(ConversationStore(db).get(id).title, "kept");
}

TEST_F(DatabaseTest, CreatesAMissingDataFolder) {
  const fs::path nested = folder_ / "a" / "b" / "conversations.db";
  auto db = Database::open(nested);
  EXPECT_TRUE(fs::exists(nested));
}

TEST_F(DatabaseTest, SecondInstanceGetsALockedError) {
  auto first = Database::open(db_path_);
  try {
    Database::open(db_path_);
    FAIL() << "a second primary open must fail";
  } catch (const StorageError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kLocked);
    const std::string message = error.what();
    EXPECT_NE(message.find("conversations.db"), std::string::npos) << message;
    EXPECT_NE(message.find("another running NeoX Studio"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(getpid())), std::string::npos) << message;
  }
  // The first instance is unaffected.
  EXPECT_NO_THROW(ConversationStore(first).create());
}

TEST_F(DatabaseTest, InstanceLockIsReleasedWhenTheOwnerDies) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto db = Database::open(db_path_);
    _exit(0);  // no destructors: like a crash, the kernel drops the lock
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NO_THROW(Database::open(db_path_));
}

TEST_F(DatabaseTest, SecondaryConnectionNeedsAMigratedFile) {
  EXPECT_THROW(Database::open(db_path_, {.role = OpenRole::kSecondary}), StorageError);
  EXPECT_FALSE(fs::exists(db_path_)) << "a secondary open must not create the file";
  auto primary = Database::open(db_path_);
  auto secondary = Database::open(db_path_, {.role = OpenRole::kSecondary});
  const int64_t id = ConversationStore(secondary).create({}, "from the worker").id;
  EXPECT_EQ(ConversationStore(primary).get(id).title, "from the worker");
}

TEST_F(DatabaseTest, RefusesADatabaseFromANewerVersionWithoutTouchingIt) {
  {
    auto db = Database::open(db_path_);
    db.connection().exec("PRAGMA user_version = 99");
  }
  const std::string before = read_file(db_path_);
  try {
    Database::open(db_path_);
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kTooNew);
    EXPECT_NE(std::string(error.what()).find("newer NeoX Studio"), std::string::npos) << error.what();
  }
  EXPECT_EQ(read_file(db_path_), before);
  for (const auto& entry : fs::directory_iterator(folder_)) {
    EXPECT_EQ(entry.path().string().find(".corrupt-"), std::string::npos) << entry.path();
  }
}

// A garbage file is moved aside (never deleted), a fresh database replaces it,
// and the report says where the old file went.
TEST_F(DatabaseTest, GarbageFileIsMovedAsideAndReported) {
  std::string garbage(16384, '\0');
  std::mt19937 random(7);
  for (char& byte : garbage) byte = static_cast<char>(random());
  write_file(db_path_, garbage);

  auto db = Database::open(db_path_);
  ASSERT_TRUE(db.report().moved_aside);
  const fs::path aside = *db.report().moved_aside;
  EXPECT_EQ(aside.parent_path(), folder_);
  EXPECT_EQ(aside.filename().string().rfind("conversations.db.corrupt-", 0), 0u) << aside;
  EXPECT_EQ(read_file(aside), garbage) << "the damaged file must be kept byte for byte";
  EXPECT_TRUE(db.report().created);
  const std::string message = db.report().message();
  EXPECT_NE(message.find(aside.string()), std::string::npos) << message;
  EXPECT_NE(message.find("damaged (not an SQLite database)"), std::string::npos) << message;
  // The fresh database works.
  EXPECT_EQ(ConversationStore(db).list().size(), 0u);
  EXPECT_NO_THROW(ConversationStore(db).create());
  EXPECT_EQ(query_text(db, "PRAGMA integrity_check"), "ok");
}

TEST_F(DatabaseTest, TruncatedDatabaseIsMovedAside) {
  {
    auto db = Database::open(db_path_);
    ConversationStore conversations(db);
    MessageStore messages(db);
    const std::string text(3000, 'x');
    for (int c = 0; c < 20; ++c) {
      const int64_t id = conversations.create({}, "conversation " + std::to_string(c)).id;
      int64_t parent = 0;
      for (int m = 0; m < 10; ++m)
        parent = messages.add(id, parent, Role::kUser, text + std::to_string(m)).id;
    }
  }  // the last close checkpoints the WAL into the file
  ASSERT_FALSE(fs::exists(db_path_.string() + "-wal"));
  const auto size = fs::file_size(db_path_);
  ASSERT_GT(size, 200000u);
  fs::resize_file(db_path_, size / 2);

  auto db = Database::open(db_path_);
  ASSERT_TRUE(db.report().moved_aside);
  EXPECT_EQ(fs::file_size(*db.report().moved_aside), size / 2);
  EXPECT_FALSE(db.report().damage.empty());
  EXPECT_EQ(ConversationStore(db).list().size(), 0u);
}

TEST_F(DatabaseTest, DamagedPageInTheMiddleIsFoundAtOpen) {
  {
    auto db = Database::open(db_path_);
    ConversationStore conversations(db);
    MessageStore messages(db);
    for (int c = 0; c < 50; ++c) {
      const int64_t id = conversations.create({}, "conversation " + std::to_string(c)).id;
      for (int m = 0; m < 10; ++m) messages.add(id, 0, Role::kUser, std::string(500, 'a' + m % 26));
    }
  }
  std::string bytes = read_file(db_path_);
  ASSERT_GT(bytes.size(), 40u * 4096);
  // Scribble over the b-tree headers of pages 5..12 (4 KiB pages).
  for (size_t page = 4; page < 12; ++page) {
    for (size_t i = 0; i < 64; ++i) bytes[page * 4096 + i] = static_cast<char>(0xA5 ^ i);
  }
  write_file(db_path_, bytes);
  auto db = Database::open(db_path_);
  EXPECT_TRUE(db.report().moved_aside);
  EXPECT_EQ(query_text(db, "PRAGMA integrity_check"), "ok");
}

// Root ignores permission bits, so the open runs in a child that drops to an
// unprivileged user (as a normal user the child simply keeps its identity).
struct ChildOutcome {
  bool skipped = false;  // root that cannot drop privileges: permission bits cannot be tested
  bool threw = false;
  ErrorKind kind = ErrorKind::kOther;
  std::string message;
};

template <typename Fn>
ChildOutcome run_unprivileged(Fn fn) {
  int pipe_fds[2];
  EXPECT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
      [[maybe_unused]] const ssize_t written = write(pipe_fds[1], "skip", 4);
      _exit(0);
    }
    std::string reply = "ok";
    try {
      fn();
    } catch (const StorageError& error) {
      reply = std::to_string(static_cast<int>(error.kind())) + " " + error.what();
    }
    [[maybe_unused]] const ssize_t written = write(pipe_fds[1], reply.data(), reply.size());
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string reply;
  char buffer[512];
  ssize_t got;
  while ((got = read(pipe_fds[0], buffer, sizeof(buffer))) > 0)
    reply.append(buffer, static_cast<size_t>(got));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  ChildOutcome outcome;
  if (reply == "skip") {
    outcome.skipped = true;
  } else if (reply != "ok" && !reply.empty()) {
    outcome.threw = true;
    const size_t space = reply.find(' ');
    outcome.kind = static_cast<ErrorKind>(std::stoi(reply.substr(0, space)));
    outcome.message = reply.substr(space + 1);
  }
  return outcome;
}

TEST_F(DatabaseTest, ReadOnlyFolderGivesAClearErrorAndLeavesNothing) {
  const fs::path data = folder_ / "data";
  fs::create_directory(data);
  fs::permissions(folder_, fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  fs::permissions(data, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                            fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  const fs::path path = data / "conversations.db";
  const ChildOutcome outcome = run_unprivileged([&] { Database::open(path); });
  if (outcome.skipped) GTEST_SKIP() << "running as root without permission to drop to an unprivileged user";
  ASSERT_TRUE(outcome.threw);
  EXPECT_EQ(outcome.kind, ErrorKind::kReadOnly) << outcome.message;
  EXPECT_NE(outcome.message.find("read-only"), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find(data.string()), std::string::npos) << outcome.message;
  EXPECT_TRUE(fs::is_empty(data));
}

TEST_F(DatabaseTest, ExistingDatabaseInAFolderThatBecameReadOnly) {
  {
    auto db = Database::open(db_path_);
    ConversationStore(db).create({}, "written earlier");
  }
  // Everyone may write the files; only the folder is closed.
  for (const char* suffix : {"", ".lock"}) fs::permissions(db_path_.string() + suffix, fs::perms::all);
  fs::permissions(folder_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  const ChildOutcome outcome = run_unprivileged([&] { Database::open(db_path_); });
  if (outcome.skipped) GTEST_SKIP() << "running as root without permission to drop to an unprivileged user";
  ASSERT_TRUE(outcome.threw);
  EXPECT_EQ(outcome.kind, ErrorKind::kReadOnly) << outcome.message;
  EXPECT_NE(outcome.message.find("data folder " + folder_.string() + " is read-only"), std::string::npos)
      << outcome.message;
  fs::permissions(folder_, fs::perms::owner_all);
  auto db = Database::open(db_path_);
  EXPECT_EQ(ConversationStore(db).list().size(), 1u) << "the database is untouched";
}

TEST_F(DatabaseTest, ReadOnlyDatabaseFileGivesAClearError) {
  { auto db = Database::open(db_path_); }
  fs::remove(db_path_.string() + ".lock");
  fs::permissions(folder_, fs::perms::all);  // the folder is writable, the file is not
  fs::permissions(db_path_, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const ChildOutcome outcome = run_unprivileged([&] { Database::open(db_path_); });
  if (outcome.skipped) GTEST_SKIP() << "running as root without permission to drop to an unprivileged user";
  ASSERT_TRUE(outcome.threw);
  EXPECT_EQ(outcome.kind, ErrorKind::kReadOnly) << outcome.message;
  EXPECT_NE(outcome.message.find("read-only"), std::string::npos) << outcome.message;
}

// SQLITE_FULL forced with max_page_count: the error says the disk is full,
// nothing of the failed change is kept, and the database stays usable.
TEST_F(DatabaseTest, DiskFullIsAClearErrorAndTheDatabaseStaysUsable) {
  auto db = Database::open(db_path_);
  ConversationStore conversations(db);
  MessageStore messages(db);
  const int64_t id = conversations.create({}, "full").id;
  messages.add(id, 0, Role::kUser, "before");
  const int64_t pages = query_int(db, "PRAGMA page_count");
  // PRAGMA takes no bound parameters; the number is ours, not user input.
  auto set_limit = [&](int64_t limit) {
    auto pragma =
        db.connection().prepare_uncached(("PRAGMA max_page_count = " + std::to_string(limit)).c_str());
    pragma.step();
    EXPECT_EQ(pragma.int64(0), limit);
  };
  set_limit(pages + 2);
  try {
    messages.add(id, 0, Role::kUser, std::string(2 << 20, 'z'));
    FAIL() << "a 2 MB message cannot fit in 2 more pages";
  } catch (const StorageError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kDiskFull);
    const std::string message = error.what();
    EXPECT_NE(message.find("conversations.db: the disk is full"), std::string::npos) << message;
  }
  EXPECT_FALSE(db.connection().in_transaction());
  EXPECT_EQ(messages.all(id).size(), 1u);
  EXPECT_EQ(query_text(db, "PRAGMA integrity_check"), "ok");
  // Small writes still fit; after space is freed, big ones too.
  EXPECT_NO_THROW(conversations.rename(id, "still usable"));
  set_limit(int64_t{1} << 30);
  EXPECT_NO_THROW(messages.add(id, 0, Role::kUser, std::string(2 << 20, 'z')));
  EXPECT_EQ(messages.all(id).size(), 2u);
}

TEST_F(DatabaseTest, LockHeldPastTheBusyTimeoutIsAClearBusyError) {
  auto primary = Database::open(db_path_);
  auto worker = Database::open(
      db_path_, {.role = OpenRole::kSecondary, .busy_timeout = std::chrono::milliseconds(200)});
  const int64_t id = ConversationStore(primary).create().id;
  primary.connection().exec("BEGIN IMMEDIATE");
  const auto start = std::chrono::steady_clock::now();
  try {
    ConversationStore(worker).rename(id, "blocked");
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kBusy);
    EXPECT_NE(std::string(error.what()).find("locked by another connection"), std::string::npos)
        << error.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
  primary.connection().exec("COMMIT");
  EXPECT_NO_THROW(ConversationStore(worker).rename(id, "free"));
  // A lock released before the timeout is simply waited for.
  primary.connection().exec("BEGIN IMMEDIATE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    primary.connection().exec("COMMIT");
  });
  EXPECT_NO_THROW(ConversationStore(worker).rename(id, "waited"));
  release.join();
  EXPECT_EQ(ConversationStore(primary).get(id).title, "waited");
}

TEST_F(DatabaseTest, FailedNewDatabaseLeavesNoFiles) {
  // A folder where the database file should be: the open fails.
  fs::create_directory(db_path_);
  EXPECT_THROW(Database::open(db_path_), StorageError);
  EXPECT_TRUE(fs::is_directory(db_path_));
  EXPECT_FALSE(fs::exists(db_path_.string() + "-wal"));
  EXPECT_FALSE(fs::exists(db_path_.string() + "-shm"));
}

// The primary's background thread copies the WAL into the database file, so
// writers do not; without it the WAL keeps the data until SQLite's threshold.
TEST_F(DatabaseTest, BackgroundCheckpointCopiesTheWalIntoTheFile) {
  auto fill = [](Database& db) {
    ConversationStore conversations(db);
    MessageStore messages(db);
    const int64_t id = conversations.create().id;
    // One transaction of ~300 pages: under SQLite's own threshold (1000
    // frames), so only our thread checkpoints it.
    db.write([&] {
      for (int i = 0; i < 120; ++i) messages.add(id, 0, Role::kUser, std::string(4000, 'a' + i % 26));
    });
  };
  {
    auto db = Database::open(folder_ / "manual.db", {.checkpoint_interval = std::chrono::milliseconds(0)});
    fill(db);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    EXPECT_LT(fs::file_size(folder_ / "manual.db"), 300000u) << "no checkpoint yet: the data is in the WAL";
  }
  auto db = Database::open(db_path_, {.checkpoint_interval = std::chrono::milliseconds(20)});
  fill(db);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (fs::file_size(db_path_) < 480000u && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(fs::file_size(db_path_), 480000u) << "the checkpointer copied the WAL into the file";
}

TEST_F(DatabaseTest, WriteRollsBackWhenTheCallbackThrows) {
  auto db = Database::open(db_path_);
  ConversationStore conversations(db);
  EXPECT_THROW(db.write([&] {
    conversations.create({}, "half-made");
    throw std::runtime_error("stop");
  }),
               std::runtime_error);
  EXPECT_EQ(conversations.list().size(), 0u);
  EXPECT_FALSE(db.connection().in_transaction());
}

}  // namespace
}  // namespace neox::storage
