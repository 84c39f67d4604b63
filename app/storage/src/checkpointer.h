// Copies the WAL back into the database file on a thread of its own, so the
// threads that write (a streaming reply, a new message) never pay for it.
// SQLite's automatic checkpoint runs inside whichever commit crosses the
// threshold: that commit takes several milliseconds (copy + two fsyncs)
// instead of a tenth of one. The primary Database owns one Checkpointer; every
// connection keeps a high automatic threshold as a safety net.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "neox/storage/sqlite.h"

namespace neox::storage {

class Checkpointer {
 public:
  // Opens its own connection to path; checkpoints (PASSIVE: never blocks
  // readers or writers) every interval.
  Checkpointer(const std::filesystem::path& path, std::chrono::milliseconds interval);
  Checkpointer(const Checkpointer&) = delete;
  ~Checkpointer();  // stops the thread

 private:
  void run();

  sql::Connection connection_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace neox::storage
