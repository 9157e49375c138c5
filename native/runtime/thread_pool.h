// A persistent pool of worker threads owned by one addon instance (one per Node environment).
//
// parallel_for(n, fn) runs fn(task, thread) for every task in [0, n) on the calling thread plus the workers
// and returns when all have finished. Tasks are claimed dynamically, so callers must make each task's result
// independent of which thread runs it (split output tiles, never a reduction): results are then bitwise
// identical for every pool size. `thread` in [0, num_threads()) indexes per-thread scratch space.
//
// Workers spin briefly after a job before sleeping, because waking a sleeping thread costs 13-22 us on the
// VMs we measure on. Nested parallel_for calls (from inside a task) run inline on the calling thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace nodegrad::runtime {

class ThreadPool {
 public:
  using TaskFn = void (*)(void* closure, int64_t task, int thread);

  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Total threads that take part in a parallel_for, the caller included (>= 1). Can be lower than asked
  // for when the OS refuses to create threads.
  int num_threads() const noexcept { return num_threads_; }
  // Stops and restarts the workers (waiting for a running job); must not be called from inside a task.
  void set_num_threads(int num_threads);

  void run(int64_t num_tasks, TaskFn fn, void* closure) noexcept;

  template <typename F>
  void parallel_for(int64_t num_tasks, F&& fn) noexcept {
    using Fn = std::remove_reference_t<F>;  // F is a reference type when fn is an lvalue
    run(num_tasks, [](void* c, int64_t task, int thread) { (*static_cast<Fn*>(c))(task, thread); },
        const_cast<void*>(static_cast<const void*>(&fn)));
  }

  // True while the calling thread is executing a task of some pool.
  static bool in_parallel_region() noexcept;
  // The `thread` index of the task the calling thread is running (0 outside a parallel region). Nested
  // parallel_for calls run inline with this index, so per-thread scratch stays private to its thread.
  static int current_thread() noexcept;

 private:
  void start_workers();
  void stop_workers();
  void worker_main(int thread, uint64_t seen);
  void run_tasks(int thread) noexcept;

  int num_threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // serialises concurrent callers (e.g. async work next to a sync call)

  // The current job; written by the caller only while it is closed (a worker may still be on its way in, but
  // reads it only after finding it open, which the caller's release of closed_ orders after the writes).
  TaskFn fn_ = nullptr;
  void* closure_ = nullptr;
  int64_t num_tasks_ = 0;
  std::atomic<int64_t> next_task_{0};
  std::atomic<bool> closed_{true};  // set once the caller has run out of tasks: late workers stay out
  std::atomic<int> joined_{0};      // workers between joining a job and leaving it
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};

  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::atomic<int> sleeping_{0};
};

}  // namespace nodegrad::runtime
