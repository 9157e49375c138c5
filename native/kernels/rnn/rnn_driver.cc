#include "rnn_driver.h"

#include <cstring>
#include <utility>

namespace nodegrad::kernels::rnn_detail {

#define NODEGRAD_RNN_GATES(isa)                                                                      \
  switch (mode) {                                                                                     \
    case RnnMode::rnn_tanh: return {rnn_gates_tanh_f32__##isa, rnn_gates_grad_tanh_f32__##isa};     \
    case RnnMode::rnn_relu: return {rnn_gates_relu_f32__##isa, rnn_gates_grad_relu_f32__##isa};     \
    case RnnMode::lstm: return {lstm_gates_f32__##isa, lstm_gates_grad_f32__##isa};                 \
    case RnnMode::gru: return {gru_gates_f32__##isa, gru_gates_grad_f32__##isa};                    \
  }                                                                                                   \
  break;

GateKernels select_gate_kernels(runtime::Isa isa, RnnMode mode) noexcept {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
    case runtime::Isa::avx2: NODEGRAD_RNN_GATES(avx2)
#endif
#if defined(NODEGRAD_HAVE_AVX512)
    case runtime::Isa::avx512: NODEGRAD_RNN_GATES(avx512)
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case runtime::Isa::neon: NODEGRAD_RNN_GATES(neon)
#endif
    default: break;
  }
  switch (mode) {
    case RnnMode::rnn_tanh: return {rnn_gates_tanh_f32__scalar, rnn_gates_grad_tanh_f32__scalar};
    case RnnMode::rnn_relu: return {rnn_gates_relu_f32__scalar, rnn_gates_grad_relu_f32__scalar};
    case RnnMode::lstm: return {lstm_gates_f32__scalar, lstm_gates_grad_f32__scalar};
    case RnnMode::gru: return {gru_gates_f32__scalar, gru_gates_grad_f32__scalar};
  }
  return {rnn_gates_tanh_f32__scalar, rnn_gates_grad_tanh_f32__scalar};
}
#undef NODEGRAD_RNN_GATES

StepPlan plan_steps(runtime::Context& ctx, int64_t batch, int64_t hidden, int64_t gates) noexcept {
  StepPlan p;
  p.gemm = gemm_packed_layout_f32(ctx.isa);
  const auto ceil_div = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  const auto round_up = [&](int64_t a, int64_t b) { return ceil_div(a, b) * b; };
  // About 2 MFLOP of step GEMM (~10 us on one core) pays for waking the workers.
  p.parallel = static_cast<double>(batch) * static_cast<double>(gates) * static_cast<double>(hidden) *
                   static_cast<double>(hidden) >= double{1 << 20};
  // A group per thread where every group keeps two register tiles of rows (fewer rows per tile would cost
  // more than the step synchronisation and the traffic of h between cores that groups avoid); one group
  // on one thread, which then reads each W_hh panel once per step for all rows.
  const int threads = p.parallel && !runtime::ThreadPool::in_parallel_region() ? ctx.pool.num_threads() : 1;
  int64_t groups = batch / (2 * int64_t{p.gemm.mr});
  groups = groups < threads ? groups : threads;
  p.groups = groups < 1 ? 1 : groups > 16 ? 16 : groups;
  p.group_rows = ceil_div(batch, p.groups);
  // Row blocks of at most ~128 rows, so a large batch still gives work to every thread when hidden is small.
  // A group shared by several threads takes up to 8 unit blocks (enough to balance a few threads); one that
  // a thread runs alone takes blocks as wide as keep a block's Gh within ~256 KiB (L2): one per step at
  // moderate sizes, so the gate kernels run long rows and a step's per-block work is done once (measured
  // faster than 8 blocks whose Gh fits L1). Each at least one register tile wide.
  p.rows = round_up(ceil_div(p.group_rows, ceil_div(p.group_rows, 128)), p.gemm.mr);
  const bool shared = threads > p.groups;
  const int64_t blocks = shared ? 8 : ceil_div(p.rows * gates * hidden, int64_t{1} << 16);
  p.units = round_up(ceil_div(hidden, blocks), p.gemm.nr);
  p.unit_blocks = ceil_div(hidden, p.units);
  p.row_blocks = ceil_div(p.group_rows, p.rows);
  return p;
}

void copy_or_zero(float* dst, const float* src, int64_t n) noexcept {
  if (n <= 0) return;
  if (src != nullptr) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
  else std::memset(dst, 0, static_cast<size_t>(n) * sizeof(float));
}

void accumulate(float* dst, const float* src, int64_t n) noexcept {
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

void accumulate_column_sums(runtime::Context& ctx, int64_t rows, int64_t cols, const float* d, int64_t ld,
                            float* db) noexcept {
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (cols + kBlock - 1) / kBlock;
  auto task = [&](int64_t block, int) {
    const int64_t j0 = block * kBlock, n = cols - j0 < kBlock ? cols - j0 : kBlock;
    float sum[kBlock] = {};
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = d + r * ld + j0;
      for (int64_t j = 0; j < n; ++j) sum[j] += row[j];
    }
    for (int64_t j = 0; j < n; ++j) db[j0 + j] += sum[j];
  };
  if (rows * cols < 65536) {
    for (int64_t b = 0; b < blocks; ++b) task(b, 0);
  } else {
    ctx.pool.parallel_for(blocks, std::move(task));
  }
}

}  // namespace nodegrad::kernels::rnn_detail
