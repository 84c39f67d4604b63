#include "neox/thread_pool.h"

#include <algorithm>
#include <exception>

namespace neox {
namespace {

// Set while a thread runs a pool task: a nested submit then runs serially
// instead of waiting on workers that are busy with the outer job.
thread_local bool t_inside_pool_task = false;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spin iterations before sleeping: ~20-50 µs, longer than the gap between two
// ops of a decode step, far shorter than a scheduler time slice.
constexpr int kSpinIterations = 20000;

}  // namespace

int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool::ThreadPool(int n_threads) : n_threads_(n_threads <= 0 ? hardware_threads() : n_threads) {
  workers_.reserve(n_threads_ - 1);
  for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  generation_.notify_all();
  for (std::thread& t : workers_) t.join();
}

constexpr uint64_t kClosed = uint64_t{1} << 31;
constexpr uint64_t kJoinedMask = kClosed - 1;

bool ThreadPool::try_join(uint32_t generation) {
  uint64_t state = join_state_.load(std::memory_order_acquire);
  for (;;) {
    if ((state >> 32) != generation || (state & kClosed)) return false;  // a later job, or closed
    if (join_state_.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel)) return true;
  }
}

void ThreadPool::worker_loop(int index) {
  uint32_t seen = 0;
  for (;;) {
    uint32_t now = generation_.load(std::memory_order_acquire);
    for (int spin = 0; now == seen && spin < kSpinIterations; ++spin) {
      cpu_relax();
      now = generation_.load(std::memory_order_acquire);
    }
    while (now == seen) {
      generation_.wait(seen, std::memory_order_acquire);
      now = generation_.load(std::memory_order_acquire);
    }
    seen = now;
    if (stop_.load(std::memory_order_acquire)) return;
    if (!try_join(now)) continue;  // the caller finished this job without us
    t_inside_pool_task = true;
    (*job_)(index);
    t_inside_pool_task = false;
    finished_.fetch_add(1, std::memory_order_acq_rel);
    finished_.notify_one();
  }
}

void ThreadPool::run_shared(FunctionRef<void(int)> task) {
  if (n_threads_ == 1 || t_inside_pool_task) {
    task(0);
    return;
  }
  std::lock_guard<std::mutex> lock(submit_mutex_);
  job_ = &task;
  finished_.store(0, std::memory_order_relaxed);
  const uint32_t generation = generation_.load(std::memory_order_relaxed) + 1;
  join_state_.store(uint64_t{generation} << 32, std::memory_order_release);
  generation_.store(generation, std::memory_order_release);
  generation_.notify_all();
  // Workers that joined hold a pointer to `task`: wait for them even if ours throws.
  std::exception_ptr failure;
  t_inside_pool_task = true;
  try {
    task(0);
  } catch (...) {
    failure = std::current_exception();
  }
  t_inside_pool_task = false;
  const int joined = static_cast<int>(join_state_.fetch_or(kClosed, std::memory_order_acq_rel) & kJoinedMask);
  int done = finished_.load(std::memory_order_acquire);
  for (int spin = 0; done != joined && spin < kSpinIterations; ++spin) {
    cpu_relax();
    done = finished_.load(std::memory_order_acquire);
  }
  while (done != joined) {
    finished_.wait(done, std::memory_order_acquire);
    done = finished_.load(std::memory_order_acquire);
  }
  job_ = nullptr;
  if (failure) std::rethrow_exception(failure);
}

void ThreadPool::parallel_for(int64_t n, int64_t align,
                              FunctionRef<void(int64_t, int64_t, int)> body) {
  if (n <= 0) return;
  align = std::max<int64_t>(align, 1);
  int64_t chunks_of_align = (n + align - 1) / align;
  int64_t per_thread = (chunks_of_align + n_threads_ - 1) / n_threads_ * align;
  if (per_thread >= n || t_inside_pool_task || n_threads_ == 1) {
    body(0, n, 0);
    return;
  }
  const int64_t n_ranges = (n + per_thread - 1) / per_thread;
  std::atomic<int64_t> next{0};
  run_shared([&](int thread) {
    for (int64_t r = next.fetch_add(1, std::memory_order_relaxed); r < n_ranges;
         r = next.fetch_add(1, std::memory_order_relaxed)) {
      const int64_t begin = r * per_thread;
      body(begin, std::min(n, begin + per_thread), thread);
    }
  });
}

void ThreadPool::parallel_tasks(int64_t n_tasks, FunctionRef<void(int64_t, int)> body) {
  if (n_tasks <= 0) return;
  if (n_tasks == 1 || t_inside_pool_task || n_threads_ == 1) {
    for (int64_t t = 0; t < n_tasks; ++t) body(t, 0);
    return;
  }
  std::atomic<int64_t> next{0};
  run_shared([&](int thread) {
    for (int64_t t = next.fetch_add(1, std::memory_order_relaxed); t < n_tasks;
         t = next.fetch_add(1, std::memory_order_relaxed))
      body(t, thread);
  });
}

}  // namespace neox
