// Helpers shared by the forward and backward sequence drivers (baseline code only: not for ISA files).
#pragma once

#include <cstdint>
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

// How the recurrent steps are split: blocks of batch rows x blocks of hidden units. A task computes its
// block's slice of the step's W_hh product for every gate (from operands packed once, gemm_prepacked.h),
// runs the gate kernel on it and packs its outputs for the next step, so a step is one parallel region.
// The split depends on the shape and ISA only (never on the thread count) and every element is computed
// whole by one task, so results are bitwise identical for every pool size.
struct StepPlan {
  GemmPackedLayout gemm;
  int64_t rows = 0, units = 0;              // block sizes: multiples of mr and nr (except the last blocks)
  int64_t row_blocks = 0, unit_blocks = 0;
  bool parallel = false;                    // small steps run on the calling thread: a wake-up costs more
};

StepPlan plan_steps(runtime::Isa isa, int64_t batch, int64_t hidden, int64_t gates) noexcept;

// fn(task) for every task in [0, tasks), on the pool when `parallel` (tasks must not share outputs).
template <typename F>
void run_tasks(runtime::Context& ctx, bool parallel, int64_t tasks, F&& fn) noexcept {
  if (parallel) {
    ctx.pool.parallel_for(tasks, [&](int64_t task, int) { fn(task); });
  } else {
    for (int64_t task = 0; task < tasks; ++task) fn(task);
  }
}

// fn(i0, i1, j0, j1) for every block of one step: rows [i0, i1), hidden units [j0, j1).
template <typename F>
void for_each_step_block(runtime::Context& ctx, const StepPlan& p, int64_t batch, int64_t hidden, F&& fn) noexcept {
  run_tasks(ctx, p.parallel, p.row_blocks * p.unit_blocks, [&](int64_t id) {
    const int64_t i0 = id / p.unit_blocks * p.rows, j0 = id % p.unit_blocks * p.units;
    fn(i0, i0 + p.rows < batch ? i0 + p.rows : batch, j0, j0 + p.units < hidden ? j0 + p.units : hidden);
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

// dst[0..n) = src or zeros.
void copy_or_zero(float* dst, const float* src, int64_t n) noexcept;
// dst[0..n) += src.
void accumulate(float* dst, const float* src, int64_t n) noexcept;
// db[j] += sum over rows of d[row * ld + j], j < cols; columns split across threads, rows summed in order.
void accumulate_column_sums(runtime::Context& ctx, int64_t rows, int64_t cols, const float* d, int64_t ld,
                            float* db) noexcept;

}  // namespace nodegrad::kernels::rnn_detail
