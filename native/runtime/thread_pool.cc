#include "thread_pool.h"

#include <chrono>
#include <exception>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define NODEGRAD_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define NODEGRAD_CPU_RELAX() __asm__ volatile("yield")
#else
#define NODEGRAD_CPU_RELAX() ((void)0)
#endif

namespace nodegrad::runtime {

namespace {
thread_local bool t_in_region = false;
thread_local int t_thread = 0;

// How long an idle worker polls for the next job before it sleeps. Long enough to bridge the gap between
// consecutive kernels of one op or training step, short enough not to burn a core while JS runs.
constexpr auto kSpinTime = std::chrono::microseconds(200);
}  // namespace

ThreadPool::ThreadPool(int num_threads) : num_threads_(num_threads < 1 ? 1 : num_threads) { start_workers(); }

ThreadPool::~ThreadPool() { stop_workers(); }

bool ThreadPool::in_parallel_region() noexcept { return t_in_region; }

int ThreadPool::current_thread() noexcept { return t_thread; }

void ThreadPool::set_num_threads(int num_threads) {
  std::lock_guard<std::mutex> lock(run_mutex_);
  stop_workers();
  num_threads_ = num_threads < 1 ? 1 : num_threads;
  start_workers();
}

void ThreadPool::start_workers() {
  stop_.store(false);
  // If the OS refuses a thread (container limits, address space), run with the ones we got: run() waits
  // for num_threads_ - 1 workers, so num_threads_ must count only threads that exist.
  try {
    workers_.reserve(static_cast<size_t>(num_threads_ - 1));
    // Workers start from the current generation, read here: a worker that starts after the caller has
    // already published a job must still see that job as new (else both wait for each other forever).
    const uint64_t start = generation_.load();
    for (int t = 1; t < num_threads_; ++t) workers_.emplace_back([this, t, start] { worker_main(t, start); });
  } catch (const std::exception&) {
  }
  num_threads_ = 1 + static_cast<int>(workers_.size());
}

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void ThreadPool::run_tasks(int thread) noexcept {
  const bool outer = t_in_region;
  const int outer_thread = t_thread;
  t_in_region = true;
  t_thread = thread;
  for (;;) {
    const int64_t task = next_task_.fetch_add(1, std::memory_order_relaxed);
    if (task >= num_tasks_) break;
    fn_(closure_, task, thread);
  }
  t_in_region = outer;
  t_thread = outer_thread;
}

void ThreadPool::run(int64_t num_tasks, TaskFn fn, void* closure) noexcept {
  if (num_tasks <= 0) return;
  if (num_tasks == 1 || num_threads_ == 1 || t_in_region) {
    const bool outer = t_in_region;
    t_in_region = true;
    for (int64_t task = 0; task < num_tasks; ++task) fn(closure, task, t_thread);
    t_in_region = outer;
    return;
  }
  std::lock_guard<std::mutex> lock(run_mutex_);
  fn_ = fn;
  closure_ = closure;
  num_tasks_ = num_tasks;
  next_task_.store(0, std::memory_order_relaxed);
  closed_.store(false, std::memory_order_release);  // publishes the job to a worker still joining the last one
  generation_.fetch_add(1);  // seq_cst: pairs with the sleeper's sleeping_ increment
  if (sleeping_.load() > 0) {
    std::lock_guard<std::mutex> sleep_lock(sleep_mutex_);
    wake_.notify_all();
  }
  run_tasks(0);
  // Close the job, then wait only for the workers inside it: one still waking up (13-22 us, far more when
  // the other core is busy) finds it closed and leaves it alone, instead of the caller waiting for it.
  // closed_ and joined_ are a store-then-load pair on each side (seq_cst): either the caller sees the
  // worker's join and waits for it, or the worker sees the job closed and never reads fn_ / closure_.
  closed_.store(true);
  while (joined_.load() != 0) NODEGRAD_CPU_RELAX();
}

void ThreadPool::worker_main(int thread, uint64_t seen) {
  for (;;) {
    // Spin for a short while, then sleep until a new generation or stop.
    const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
    uint64_t gen = generation_.load(std::memory_order_acquire);
    int polls = 0;
    while (gen == seen && !stop_.load(std::memory_order_relaxed)) {
      NODEGRAD_CPU_RELAX();
      if (++polls % 64 == 0 && std::chrono::steady_clock::now() > spin_until) {
        std::unique_lock<std::mutex> lock(sleep_mutex_);
        sleeping_.fetch_add(1);
        wake_.wait(lock, [&] { return generation_.load() != seen || stop_.load(); });
        sleeping_.fetch_sub(1, std::memory_order_acq_rel);
      }
      gen = generation_.load(std::memory_order_acquire);
    }
    if (stop_.load(std::memory_order_relaxed)) return;
    seen = gen;
    joined_.fetch_add(1);
    // A job is read only while it is open; one published since `gen` was read is fine to help with too.
    if (!closed_.load()) run_tasks(thread);
    joined_.fetch_sub(1, std::memory_order_release);
  }
}

}  // namespace nodegrad::runtime
