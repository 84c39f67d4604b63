#include "checkpointer.h"

#include <sqlite3.h>

namespace neox::storage {

Checkpointer::Checkpointer(const std::filesystem::path& path, std::chrono::milliseconds interval)
    : connection_(sql::Connection::open(path, SQLITE_OPEN_READWRITE)), interval_(interval) {
  // The checkpointer only ever runs PASSIVE checkpoints; it must not wait on locks.
  connection_.set_busy_timeout(std::chrono::milliseconds(0));
  // A connection learns that the file is in WAL mode when it first reads it;
  // until then a checkpoint silently does nothing.
  connection_.prepare_uncached("SELECT count(*) FROM sqlite_schema").run();
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stop_; })) {
    lock.unlock();
    int wal_frames = 0, copied = 0;
    // Errors (SQLITE_BUSY while another checkpoint runs, a full disk) are left
    // for the next round; the writers' own commits report real problems.
    sqlite3_wal_checkpoint_v2(connection_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
    lock.lock();
  }
}

}  // namespace neox::storage
