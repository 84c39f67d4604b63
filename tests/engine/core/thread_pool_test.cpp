// The thread pool behind every CPU op: each index is visited exactly once,
// range boundaries respect the alignment, and nested or repeated jobs finish.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "neox/cpu_features.h"
#include "neox/thread_pool.h"

namespace neox {
namespace {

TEST(ThreadPool, ParallelForCoversEveryIndexOnceOnAlignedBoundaries) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t n : {0, 1, 15, 16, 17, 1000, 4099}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      pool.parallel_for(n, 16, [&](int64_t b, int64_t e, int thread) {
        EXPECT_TRUE(b % 16 == 0) << "begin " << b;
        EXPECT_TRUE(e % 16 == 0 || e == n) << "end " << e;
        EXPECT_GE(thread, 0);
        EXPECT_LT(thread, threads);
        for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
      });
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "index " << i;
    }
  }
}

TEST(ThreadPool, ParallelTasksRunsEachTaskOnce) {
  ThreadPool pool(4);
  for (int round = 0; round < 200; ++round) {  // many short jobs: the decode pattern
    std::vector<std::atomic<int>> hits(97);
    pool.parallel_tasks(97, [&](int64_t task, int) { hits[static_cast<size_t>(task)]++; });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  }
}

TEST(ThreadPool, NestedLoopsRunSeriallyInsteadOfDeadlocking) {
  ThreadPool pool(3);
  std::atomic<int64_t> total{0};
  pool.parallel_tasks(6, [&](int64_t, int) {
    pool.parallel_for(100, 1, [&](int64_t b, int64_t e, int) { total += e - b; });
  });
  EXPECT_EQ(total.load(), 600);
}

// `thread` is a scratch-space index: two ranges running at the same time must
// never share one.
TEST(ThreadPool, ConcurrentRangesHaveDistinctThreadIndices) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> in_use(4);
  std::atomic<int> clashes{0};
  for (int round = 0; round < 200; ++round) {
    pool.parallel_for(4096, 1, [&](int64_t b, int64_t e, int thread) {
      if (in_use[static_cast<size_t>(thread)].fetch_add(1) != 0) clashes++;
      volatile int64_t sink = 0;
      for (int64_t i = b; i < e; ++i) sink = sink + i;
      in_use[static_cast<size_t>(thread)].fetch_sub(1);
    });
  }
  EXPECT_EQ(clashes.load(), 0);
}

// Other programs busy on every core: workers join late or not at all, and the
// caller does their share; every index is still visited exactly once.
TEST(ThreadPool, LoopsCompleteWhileOtherThreadsHogTheCores) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> hogs;
  for (int i = 0; i < 2 * hardware_threads(); ++i)
    hogs.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
      }
    });
  ThreadPool pool(4);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::atomic<int>> hits(257);
    pool.parallel_for(257, 8, [&](int64_t b, int64_t e, int) {
      for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
    });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  }
  stop = true;
  for (std::thread& t : hogs) t.join();
}

TEST(CpuFeatures, WidestFamilyIsRunnableAndNamesRoundTrip) {
  EXPECT_TRUE(cpu_supports(CpuIsa::kScalar));
  EXPECT_TRUE(cpu_supports(best_cpu_isa()));
  for (CpuIsa isa : {CpuIsa::kScalar, CpuIsa::kAvx2, CpuIsa::kAvx512}) {
    auto parsed = parse_cpu_isa(cpu_isa_name(isa));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, isa);
  }
  EXPECT_FALSE(parse_cpu_isa("sse9").has_value());
  // AVX-512 implies the AVX2 family's requirements.
  if (cpu_supports(CpuIsa::kAvx512)) {
    EXPECT_TRUE(cpu_supports(CpuIsa::kAvx2));
  }
}

}  // namespace
}  // namespace neox
