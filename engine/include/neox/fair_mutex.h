// A mutex that is handed over in the order it was asked for (a ticket lock
// on a condition variable). LoadedModel::run_lock() serialises forward
// passes of the sessions sharing a model; with std::mutex a thread decoding
// token after token could take the lock back before a waiting thread woke,
// so a chat reply could hold off an API request (or the reverse) for a whole
// reply. With this one, two sessions that decode at once alternate token by
// token.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace neox {

class FairMutex {
 public:
  void lock() {
    std::unique_lock<std::mutex> guard(state_);
    const uint64_t ticket = next_ticket_++;
    turn_.wait(guard, [&] { return serving_ == ticket; });
  }

  void unlock() {
    {
      std::lock_guard<std::mutex> guard(state_);
      ++serving_;
    }
    turn_.notify_all();  // the one whose ticket is up goes on; the others wait again
  }

  // Threads blocked in lock() now (tests, diagnostics).
  int64_t waiters() const {
    std::lock_guard<std::mutex> guard(state_);
    const uint64_t queued = next_ticket_ - serving_;  // the holder, if any, and those waiting
    return queued > 0 ? static_cast<int64_t>(queued) - 1 : 0;
  }

 private:
  mutable std::mutex state_;
  std::condition_variable turn_;
  uint64_t next_ticket_ = 0;  // the ticket the next lock() takes
  uint64_t serving_ = 0;      // the ticket that holds (or may take) the lock
};

}  // namespace neox
