// A pool of persistent worker threads for data-parallel loops over ranges.
// The calling thread takes part as thread 0, so a pool of N threads starts
// N-1 workers. Workers spin briefly after each job (ops arrive every few
// microseconds during decode) and then sleep on a futex.
//
// Work is shared, not assigned: the pieces of a loop sit behind a counter and
// every thread that has joined the job takes the next piece. A worker joins
// only while the job is open; once the caller has taken the last piece it
// closes the job and waits for the workers that joined, never for one the
// scheduler has not run yet. On a busy machine (other programs on every core)
// a late worker therefore costs at most its own piece, not a time slice.
//
// Threading model: one thread at a time submits work (calls run/parallel_*);
// a second submitter waits for the first. A task that calls back into the
// same pool runs its inner loop serially on its own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace neox {

// A non-owning reference to a callable; cheap to pass, never allocates.
template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef>>>
  FunctionRef(F&& f)  // NOLINT(google-explicit-constructor): used like std::function
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* object, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(args)...);
        }) {}
  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

class ThreadPool {
 public:
  // n_threads <= 0: one per hardware thread.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }

  // Splits [0, n) into at most size() contiguous ranges whose boundaries are
  // multiples of `align` (pick align so that the outputs of two ranges never
  // share a 64-byte cache line) and calls body(begin, end, thread) for each.
  // Runs inline when one range covers everything. `thread` is unique among
  // the threads running body at the same time (an index for scratch space);
  // one thread may run several ranges.
  void parallel_for(int64_t n, int64_t align,
                    FunctionRef<void(int64_t begin, int64_t end, int thread)> body);

  // Calls body(task, thread) for every task in [0, n_tasks); threads take the
  // next task from a shared counter, which balances uneven tasks.
  void parallel_tasks(int64_t n_tasks, FunctionRef<void(int64_t task, int thread)> body);

 private:
  // Runs task(0) on the caller and task(index) on every worker that joins
  // before task(0) returns; returns when all of those calls have returned.
  // task must share its work through a counter (it cannot know who joins).
  void run_shared(FunctionRef<void(int thread)> task);
  void worker_loop(int index);
  bool try_join(uint32_t generation);

  int n_threads_;
  std::vector<std::thread> workers_;
  std::mutex submit_mutex_;  // one job at a time
  // A job: generation_ changes when job_ is set. join_state_ holds the job's
  // generation (high 32 bits), a closed flag (bit 31) and the number of
  // workers that joined (low bits); finished_ counts joined workers done.
  const FunctionRef<void(int)>* job_ = nullptr;
  std::atomic<uint32_t> generation_{0};
  std::atomic<uint64_t> join_state_{0};
  std::atomic<int> finished_{0};
  std::atomic<bool> stop_{false};
};

// Threads the hardware offers (at least 1).
int hardware_threads();

}  // namespace neox
