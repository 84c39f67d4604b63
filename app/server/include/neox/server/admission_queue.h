// First come, first served admission to one generation slot (a loaded model
// runs one generation at a time). Requests that find the slot busy wait in
// arrival order; one that waits longer than its timeout, or finds
// `max_waiting` requests already waiting, is refused so the client can retry
// instead of hanging.
//
// Threading: any thread may call enter(); the Slot it returns may be released
// on any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

namespace neox::server {

class AdmissionQueue {
 public:
  enum class Refusal { kNone, kQueueFull, kTimedOut, kClosed };

  // Holding one is holding the slot; destroying it lets the next waiter in.
  class Slot {
   public:
    explicit Slot(AdmissionQueue& queue) : queue_(queue) {}
    ~Slot() { queue_.release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    AdmissionQueue& queue_;
  };

  explicit AdmissionQueue(size_t max_waiting) : max_waiting_(max_waiting) {}

  // Waits up to `timeout` for the slot. Returns it, or null with the reason in
  // *refusal (kQueueFull at once when max_waiting are already waiting).
  std::unique_ptr<Slot> enter(std::chrono::milliseconds timeout, Refusal* refusal);
  // Refuses every waiter and every later enter() (server shutdown).
  void close();

  size_t waiting() const;
  bool busy() const;

 private:
  void release();

  const size_t max_waiting_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<uint64_t> waiters_;  // tickets in arrival order
  uint64_t next_ticket_ = 0;
  bool busy_ = false;
  bool closed_ = false;
};

}  // namespace neox::server
