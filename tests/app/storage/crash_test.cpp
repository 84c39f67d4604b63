// The crash test: a child process streams replies into the database and is
// killed with SIGKILL at random moments, 100 rounds. After each, the file
// passes PRAGMA integrity_check and every message the child reported as
// committed is there with at least the text it reported; a reply caught
// mid-stream is "stopped" with exactly the text of its saved pieces.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "neox/storage/message_store.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

// The reply text the child writes, up to the first `bytes` bytes.
std::string expected_reply(size_t bytes) {
  std::string text;
  for (int k = 0; text.size() < bytes; ++k) text += "w" + std::to_string(k) + " ";
  return text.substr(0, bytes);
}

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
};

Child spawn(const std::filesystem::path& db, unsigned seed) {
  int fds[2];
  EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    const std::string seed_text = std::to_string(seed);
    execl(NEOX_STORAGE_CRASH_CHILD, NEOX_STORAGE_CRASH_CHILD, db.c_str(), seed_text.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Reads what is available (waiting up to timeout_ms for the first bytes).
void read_some(int fd, std::string& into, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return;
  char buffer[65536];
  const ssize_t got = read(fd, buffer, sizeof(buffer));
  if (got > 0) into.append(buffer, static_cast<size_t>(got));
}

class CrashTest : public testing::TempFolderTest {};

TEST_F(CrashTest, KilledWriterNeverLosesACommittedMessage) {
  constexpr int kRounds = 100;
  std::mt19937 random(20261129);
  // message id -> bytes the child reported saved; -1 for user messages.
  std::map<int64_t, int64_t> reported;
  std::map<int64_t, bool> finished;
  int caught_mid_stream = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Child child = spawn(db_path_, random());
    std::string output;
    // Wait until the child has opened the database, then let it write for a while.
    while (output.find("R\n") == std::string::npos) {
      const size_t before = output.size();
      read_some(child.out, output, 5000);
      ASSERT_GT(output.size(), before) << "the child did not start";
    }
    const auto run_for = std::chrono::microseconds(1000 + random() % 25000);
    const auto until = std::chrono::steady_clock::now() + run_for;
    while (std::chrono::steady_clock::now() < until) read_some(child.out, output, 1);
    kill(child.pid, SIGKILL);
    int status = 0;
    waitpid(child.pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child died on its own: " << status;
    for (;;) {  // the rest of the pipe, up to EOF
      char buffer[65536];
      const ssize_t got = read(child.out, buffer, sizeof(buffer));
      if (got <= 0) break;
      output.append(buffer, static_cast<size_t>(got));
    }
    close(child.out);

    // Only whole lines count: a line is written after its commit returned.
    std::istringstream lines(output.substr(0, output.rfind('\n') + 1));
    std::string kind;
    int64_t last_partial = 0;
    while (lines >> kind) {
      if (kind == "R") continue;
      int64_t id = 0;
      lines >> id;
      if (kind == "U") {
        reported[id] = -1;
      } else {
        int64_t bytes = 0;
        lines >> bytes;
        reported[id] = std::max(reported[id], bytes);
        if (kind == "F") finished[id] = true;
        last_partial = kind == "P" ? id : 0;
      }
    }

    auto db = Database::open(db_path_);
    ASSERT_FALSE(db.report().moved_aside) << db.report().damage;
    ASSERT_EQ(testing::query_text(db, "PRAGMA integrity_check"), "ok");
    ASSERT_EQ(testing::query_int(db, "SELECT count(*) FROM messages WHERE status = 'streaming'"), 0);
    MessageStore messages(db);
    for (const auto& [id, bytes] : reported) {
      const auto m = messages.find(id);
      ASSERT_TRUE(m) << "message " << id << " was reported committed but is missing";
      if (bytes < 0) continue;
      ASSERT_GE(static_cast<int64_t>(m->text.size()), bytes) << "message " << id;
      ASSERT_EQ(m->text, expected_reply(m->text.size())) << "message " << id;
      if (finished.count(id)) {
        ASSERT_EQ(m->status, MessageStatus::kComplete) << "message " << id;
      } else {
        ASSERT_NE(m->status, MessageStatus::kFailed);
      }
    }
    if (last_partial != 0 && messages.get(last_partial).status == MessageStatus::kStopped)
      ++caught_mid_stream;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("crash test: %d rounds, %zu messages checked, %d replies killed mid-stream, %.1f s\n", kRounds,
              reported.size(), caught_mid_stream, seconds);
  EXPECT_GT(caught_mid_stream, kRounds / 4) << "most kills should land while a reply streams";
  EXPECT_GT(reported.size(), static_cast<size_t>(2 * kRounds))
      << "the child should commit several messages a round";
}

}  // namespace
}  // namespace neox::storage
