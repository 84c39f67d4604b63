// AdmissionQueue: one holder at a time, waiters admitted in arrival order,
// refusals when full or after the timeout, and close() releasing waiters.
#include "neox/server/admission_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace neox::server {
namespace {

using namespace std::chrono_literals;
using Refusal = AdmissionQueue::Refusal;

TEST(AdmissionQueue, WaitersAreAdmittedFirstComeFirstServed) {
  AdmissionQueue queue(16);
  Refusal why;
  auto first = queue.enter(0ms, &why);
  ASSERT_TRUE(first);
  std::mutex mutex;
  std::vector<int> order;
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Refusal r;
      auto slot = queue.enter(5000ms, &r);
      ASSERT_TRUE(slot);
      std::lock_guard<std::mutex> lock(mutex);
      order.push_back(i);
    });
    // Each one queued before the next arrives.
    while (queue.waiting() != static_cast<size_t>(i + 1)) std::this_thread::sleep_for(1ms);
  }
  first.reset();
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_FALSE(queue.busy());
}

TEST(AdmissionQueue, FullQueueRefusesAtOnce) {
  AdmissionQueue queue(1);
  Refusal why;
  auto holder = queue.enter(0ms, &why);
  std::thread waiter([&] {
    Refusal r;
    EXPECT_TRUE(queue.enter(5000ms, &r));
  });
  while (queue.waiting() != 1) std::this_thread::sleep_for(1ms);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(queue.enter(5000ms, &why));
  EXPECT_EQ(why, Refusal::kQueueFull);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  holder.reset();
  waiter.join();
}

TEST(AdmissionQueue, TimedOutWaiterLeavesTheLine) {
  AdmissionQueue queue(4);
  Refusal why;
  auto holder = queue.enter(0ms, &why);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(queue.enter(50ms, &why));
  EXPECT_EQ(why, Refusal::kTimedOut);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 50ms);
  EXPECT_EQ(queue.waiting(), 0u);
  holder.reset();
  EXPECT_TRUE(queue.enter(0ms, &why));  // nobody left in front
}

TEST(AdmissionQueue, CloseRefusesWaitersAndNewcomers) {
  AdmissionQueue queue(4);
  Refusal why;
  auto holder = queue.enter(0ms, &why);
  std::atomic<bool> refused{false};
  std::thread waiter([&] {
    Refusal r;
    refused = !queue.enter(10000ms, &r) && r == Refusal::kClosed;
  });
  while (queue.waiting() != 1) std::this_thread::sleep_for(1ms);
  queue.close();
  waiter.join();
  EXPECT_TRUE(refused);
  holder.reset();
  EXPECT_FALSE(queue.enter(0ms, &why));
  EXPECT_EQ(why, Refusal::kClosed);
}

}  // namespace
}  // namespace neox::server
