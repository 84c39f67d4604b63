#include "neox/server/admission_queue.h"

#include <algorithm>

namespace neox::server {

std::unique_ptr<AdmissionQueue::Slot> AdmissionQueue::enter(std::chrono::milliseconds timeout,
                                                            Refusal* refusal) {
  std::unique_lock<std::mutex> lock(mutex_);
  *refusal = Refusal::kNone;
  if (closed_) {
    *refusal = Refusal::kClosed;
    return nullptr;
  }
  if (!busy_ && waiters_.empty()) {
    busy_ = true;
    return std::make_unique<Slot>(*this);
  }
  if (waiters_.size() >= max_waiting_) {
    *refusal = Refusal::kQueueFull;
    return nullptr;
  }
  const uint64_t ticket = next_ticket_++;
  waiters_.push_back(ticket);
  const bool my_turn =
      changed_.wait_for(lock, timeout, [&] { return closed_ || (!busy_ && waiters_.front() == ticket); });
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), ticket));
  if (my_turn && !closed_) {
    busy_ = true;
    return std::make_unique<Slot>(*this);
  }
  *refusal = closed_ ? Refusal::kClosed : Refusal::kTimedOut;
  // The waiter behind this one may now be at the front of a free slot.
  changed_.notify_all();
  return nullptr;
}

void AdmissionQueue::release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_ = false;
  }
  changed_.notify_all();
}

void AdmissionQueue::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

size_t AdmissionQueue::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiters_.size();
}

bool AdmissionQueue::busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return busy_;
}

}  // namespace neox::server
