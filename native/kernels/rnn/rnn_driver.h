// Helpers shared by the forward and backward sequence drivers (baseline code only: not for ISA files).
#pragma once

#include <cstdint>
#include <utility>

#include "../gemm/gemm.h"
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

// Runs fn(b, j0, j1) over every batch row and a block [j0, j1) of hidden units, in parallel. The split
// depends on the shape only (never on the thread count) and no task reduces across rows, so results are
// bitwise identical for every pool size. Small steps run on the calling thread: a wake-up would cost more.
template <typename F>
void for_each_gate_block(runtime::Context& ctx, int64_t batch, int64_t hidden, int64_t gates, F&& fn) noexcept {
  if (batch == 0 || hidden == 0) return;
  const int64_t unit_block = batch >= 8 || hidden <= 128 ? hidden : round_up16((hidden + 3) / 4);
  const int64_t blocks = (hidden + unit_block - 1) / unit_block;
  auto task = [&](int64_t id, int) {
    const int64_t b = id / blocks, j0 = (id % blocks) * unit_block;
    fn(b, j0, j0 + unit_block < hidden ? j0 + unit_block : hidden);
  };
  if (batch * hidden * gates < 8192) {
    for (int64_t id = 0; id < batch * blocks; ++id) task(id, 0);
  } else {
    ctx.pool.parallel_for(batch * blocks, std::move(task));  // parallel_for takes its callable by value
  }
}

// dst[0..n) = src or zeros.
void copy_or_zero(float* dst, const float* src, int64_t n) noexcept;
// dst[0..n) += src.
void accumulate(float* dst, const float* src, int64_t n) noexcept;
// db[j] += sum over rows of d[row * ld + j], j < cols; columns split across threads, rows summed in order.
void accumulate_column_sums(runtime::Context& ctx, int64_t rows, int64_t cols, const float* d, int64_t ld,
                            float* db) noexcept;

}  // namespace nodegrad::kernels::rnn_detail
