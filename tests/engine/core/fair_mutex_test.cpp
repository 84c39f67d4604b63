// FairMutex: mutual exclusion, and the lock handed over in arrival order
// (what lets a chat reply and an API request share a model token by token).
#include "neox/fair_mutex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace neox {
namespace {

// Waits (up to 10 s) until `n` threads are blocked in m.lock().
bool wait_for_waiters(const FairMutex& m, int64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (m.waiters() != n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(FairMutex, ExcludesEachOther) {
  FairMutex m;
  int64_t counter = 0;  // unsynchronised but for the lock
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        std::unique_lock<FairMutex> lock(m);
        counter = counter + 1;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, 4 * 5000);
  EXPECT_EQ(m.waiters(), 0);
}

// The holder lets go and asks again at once, as a decoding session does
// between tokens: the two threads that were already waiting go first, in the
// order they came. (A std::mutex lets the holder take it straight back.)
TEST(FairMutex, HandedOverInArrivalOrder) {
  FairMutex m;
  std::vector<char> order;  // written under the lock
  m.lock();
  std::thread b([&] {
    std::unique_lock<FairMutex> lock(m);
    order.push_back('b');
  });
  ASSERT_TRUE(wait_for_waiters(m, 1));
  std::thread c([&] {
    std::unique_lock<FairMutex> lock(m);
    order.push_back('c');
  });
  ASSERT_TRUE(wait_for_waiters(m, 2));
  m.unlock();
  m.lock();
  order.push_back('a');
  m.unlock();
  b.join();
  c.join();
  EXPECT_EQ(std::string(order.begin(), order.end()), "bca");
}

}  // namespace
}  // namespace neox
