// Helpers shared by the forward and backward sequence drivers (baseline code only: not for ISA files).
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <utility>

#include "../gemm/gemm.h"
#include "../gemm/gemm_prepacked.h"
#include "rnn.h"
#include "rnn_gates.h"

namespace nodegrad::kernels::rnn_detail {

struct GateKernels {
  RnnGateFn forward;
  RnnGateGradFn backward;
};

GateKernels select_gate_kernels(runtime::Isa isa, RnnMode mode) noexcept;

// Floats of saved gate data per (step, batch row): LSTM i, f, g, o; GRU r, z, n, hn.
inline int64_t saved_per_row(const RnnShape& s) noexcept {
  return s.mode == RnnMode::lstm || s.mode == RnnMode::gru ? 4 * s.hidden : 0;
}

// Row of x / y / dx / dy (and of the input-projection matrices, kept in x's row order) for time t, batch b.
inline int64_t seq_row(const RnnShape& s, int64_t t, int64_t b) noexcept {
  return s.batch_first ? b * s.seq_len + t : t * s.batch + b;
}

inline int64_t step_time(const RnnShape& s, int64_t step) noexcept {
  return s.reverse ? s.seq_len - 1 - step : step;
}

inline int64_t round_up16(int64_t n) noexcept { return (n + 15) & ~int64_t{15}; }

// How the recurrent steps are split. The batch rows fall into groups that never exchange data (each batch
// element has its own recurrence), so each group runs through all its steps without waiting for the others:
// one group per thread when the batch has rows enough, else one group split further. Within a group, a
// step is split into blocks of rows x hidden units; a task computes its block's slice of the step's W_hh
// product for every gate (from operands packed once, gemm_prepacked.h: a group's rows as a matrix of their
// own), runs the gate kernel on it and packs its outputs for the group's next step (for_each_step_block).
// Every element is computed whole by one task with the same sums whatever the split (gemm_prepacked.h and
// the element-wise gate kernels), so results are bitwise identical for every split and pool size.
struct StepPlan {
  GemmPackedLayout gemm;
  int64_t groups = 1, group_rows = 0;       // row groups: [g * group_rows, min((g + 1) * group_rows, B))
  int64_t rows = 0, units = 0;              // block sizes in a group: multiples of mr and nr (except the last)
  int64_t row_blocks = 0, unit_blocks = 0;  // per group (the last group may have fewer row blocks)
  bool parallel = false;                    // small steps run on the calling thread: a wake-up costs more
  // Floats of a packed [group rows, k] operand and of all groups' (group g's starts at g * packed(k)).
  int64_t packed(int64_t k) const noexcept { return (group_rows + gemm.mr - 1) / gemm.mr * gemm.mr * k; }
  int64_t packed_all(int64_t k) const noexcept { return groups * packed(k); }
};

StepPlan plan_steps(runtime::Context& ctx, int64_t batch, int64_t hidden, int64_t gates) noexcept;

// One block of one step: group g (batch rows [g0, g1)), rows [i0, i1) and hidden units [j0, j1).
struct StepBlock {
  int64_t g, g0, g1, i0, i1, j0, j1;
};

// fn(task) for every task in [0, tasks), on the pool when `parallel` (tasks must not share outputs).
template <typename F>
void run_tasks(runtime::Context& ctx, bool parallel, int64_t tasks, F&& fn) noexcept {
  if (parallel) {
    ctx.pool.parallel_for(tasks, [&](int64_t task, int) { fn(task); });
  } else {
    for (int64_t task = 0; task < tasks; ++task) fn(task);
  }
}

// fn(k, block) for every block of iterations k = 0 .. count-1, each group's in order: a block of a group's
// iteration k starts only once every block of its iteration k-1 has finished. All of it is one parallel
// region: thread t starts on group t % groups and then helps the others; in a group, threads take blocks
// from one counter in order and wait for the previous iteration's blocks only, so a thread that starts
// late (or never) holds nothing up, and there is no fork and join per step. Inline (one thread, or nested)
// the groups simply run one after another.
template <typename F>
void for_each_step_block(runtime::Context& ctx, const StepPlan& p, int64_t count, int64_t batch, int64_t hidden,
                         F&& fn) noexcept {
  const int64_t per_step = p.row_blocks * p.unit_blocks, total = count * per_step;
  auto block = [&](int64_t g, int64_t n) {  // the group's n-th block
    const int64_t id = n % per_step, g0 = g * p.group_rows, g1 = g0 + p.group_rows < batch ? g0 + p.group_rows : batch;
    const int64_t i0 = g0 + id / p.unit_blocks * p.rows, j0 = id % p.unit_blocks * p.units;
    if (i0 >= g1) return;  // a row block past a short last group
    fn(n / per_step, StepBlock{g, g0, g1, i0, i0 + p.rows < g1 ? i0 + p.rows : g1, j0,
                               j0 + p.units < hidden ? j0 + p.units : hidden});
  };
  if (!p.parallel || p.groups * total <= 1) {
    for (int64_t g = 0; g < p.groups; ++g) {
      for (int64_t n = 0; n < total; ++n) block(g, n);
    }
    return;
  }
  struct alignas(64) Counters {
    std::atomic<int64_t> next{0}, done{0};
  };
  constexpr int64_t kMaxGroups = 16;
  Counters counters[kMaxGroups];
  const int threads = ctx.pool.num_threads();
  ctx.pool.parallel_for(threads, [&](int64_t task, int) {
    for (int64_t k = 0; k < p.groups; ++k) {
      const int64_t g = (task + k) % p.groups;
      Counters& c = counters[g];
      for (int64_t n = c.next.fetch_add(1, std::memory_order_relaxed); n < total;
           n = c.next.fetch_add(1, std::memory_order_relaxed)) {
        // Blocks complete in claim order per iteration, so done >= the iteration's first block index means
        // the whole previous iteration is finished (and its writes visible: acquire pairs with the release).
        const int64_t first = n / per_step * per_step;
        for (int spins = 0; c.done.load(std::memory_order_acquire) < first; ++spins) {
          if (spins >= 256) std::this_thread::yield();  // the thread we wait for may be descheduled
        }
        block(g, n);
        c.done.fetch_add(1, std::memory_order_release);
      }
    }
  });
}

// fn(j0, j1) for every block of hidden units (packing W_hh, once per sequence).
template <typename F>
void for_each_unit_block(runtime::Context& ctx, const StepPlan& p, int64_t hidden, F&& fn) noexcept {
  run_tasks(ctx, p.parallel, p.unit_blocks, [&](int64_t id) {
    const int64_t j0 = id * p.units;
    fn(j0, j0 + p.units < hidden ? j0 + p.units : hidden);
  });
}

// Asks for the cache lines of p[0..n) ahead of use: a hint, which never faults. A step block's rows are
// short runs (a block's units) a row stride apart, a pattern the hardware prefetchers do not follow.
inline void prefetch_floats(const float* p, int64_t n) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  // Every 16th float and the last one reach each line of the run, whatever its alignment.
  for (int64_t i = 0; i < n; i += 16) {
    __builtin_prefetch(p + i);
    asm volatile("" : : "r"(p + i));  // GCC deletes a loop whose only effect is a prefetch
  }
  if (n > 0) __builtin_prefetch(p + n - 1);
#else
  (void)p, (void)n;
#endif
}

// dst[0..n) = src or zeros.
void copy_or_zero(float* dst, const float* src, int64_t n) noexcept;
// dst[0..n) += src.
void accumulate(float* dst, const float* src, int64_t n) noexcept;
// db[j] += sum over rows of d[row * ld + j], j < cols; columns split across threads, rows summed in order.
void accumulate_column_sums(runtime::Context& ctx, int64_t rows, int64_t cols, const float* d, int64_t ld,
                            float* db) noexcept;

}  // namespace nodegrad::kernels::rnn_detail
