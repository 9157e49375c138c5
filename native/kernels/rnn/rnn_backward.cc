// Backward through time for one layer and one direction (layouts and conventions in rnn.h).
//
// Steps run from last to first. Per step the fused gate-gradient kernel turns dh (from the next step plus
// dy) and dc into pre-activation gradients dA_s [B, G·H] and dc_prev; one GEMM dA_s · W_hh gives the dh
// reaching the previous step. All dA_s are kept (dAx, in x's row order), so the weight gradients are large
// GEMMs over all T steps at the end:
//   dx += dAx · W_ih,   dW_ih += dAxᵀ · X,   dW_hh += dAhᵀ · H_prev   (H_prev = h_{-1} .. h_{T-2}),
// with the bias gradients as column sums. dAh, the gradient on the hidden side, equals dAx except for GRU's
// n gate (dAh_n = dA_n * r, the reset product), which GRU keeps in a buffer of its own (dAhn, step order).
// So the rows whose dAx = dAh (every gate, or GRU's r and z) get both weight gradients from one GEMM
// dAxᵀ · [X | H_prev] ([N, I + H], rows in x's order) over X and H_prev in place, written straight into dW_ih
// and dW_hh (gemm_f32_split_n): dAx is packed once instead of twice and the wider product runs closer to
// peak. GRU's n gate adds dAx_nᵀ · X and dAhnᵀ · H_prev.
#include "rnn_driver.h"

namespace nodegrad::kernels {

using namespace rnn_detail;

runtime::Status rnn_backward_f32(runtime::Context& ctx, const RnnShape& s, const RnnBackwardArgs& a) noexcept {
  const int64_t T = s.seq_len, B = s.batch, I = s.input, H = s.hidden;
  const int64_t G = rnn_gate_count(s.mode), GH = G * H, BH = B * H, N = T * B;
  const bool lstm = s.mode == RnnMode::lstm, gru = s.mode == RnnMode::gru;
  const float* hs = a.reserve;
  const float* cs = lstm ? hs + (T + 1) * BH : nullptr;
  const float* saved = hs + (lstm ? 2 : 1) * (T + 1) * BH;
  const int64_t saved_row = saved_per_row(s);
  if (N == 0 || H == 0) {
    if (a.dh0 != nullptr && a.dh_n != nullptr) accumulate(a.dh0, a.dh_n, BH);
    if (lstm && a.dc0 != nullptr && a.dc_n != nullptr) accumulate(a.dc0, a.dc_n, BH);
    return runtime::Status::ok;
  }

  // The weight-gradient GEMM over [X | H_prev]: its columns (X's when dW_ih is wanted, H_prev's when dW_hh
  // is) and rows (those with dAx = dAh: all, or GRU's r and z).
  const int64_t xcols = a.dw_ih != nullptr ? I : 0, hcols = a.dw_hh != nullptr ? H : 0, cols = xcols + hcols;
  const int64_t rows = gru ? 2 * H : GH;
  const bool h_in_place = !s.batch_first && !s.reverse;  // hs[0 .. T-1] is H_prev in x's row order
  const bool h_copy = hcols > 0 && !h_in_place;            // else H_prev is read in place

  // Scratch: dAx [N, GH], GRU's dAhn [N, H], dh ping-pong [B, H] x 2, dc [B, H], zeros [H], W_hh packed once,
  // dA packed for the step that reads it (two buffers: a step packs its own while the previous one's is being
  // read), H_prev in x's row order where hs is not, and column sums [GH].
  const StepPlan plan = plan_steps(ctx, B, H, G);
  const GemmPackedLayout& pk = plan.gemm;
  const int64_t da_size = round_up16(N * GH), dahn_size = gru ? round_up16(N * H) : 0;
  const int64_t bh_size = round_up16(BH), h_size = round_up16(H);
  const int64_t w_size = round_up16(gemm_packed_b_size_f32(pk, GH, H));
  const int64_t dp_size = round_up16(plan.packed_all(GH));
  const int64_t hp_size = h_copy ? round_up16(N * H) : 0;
  float* dax = ctx.workspace.get_as<float>(
      runtime::ThreadPool::current_thread(), runtime::Slot::rnn_gates,
      static_cast<size_t>(da_size + dahn_size + 3 * bh_size + h_size + w_size + 2 * dp_size + hp_size +
                          round_up16(GH)));
  if (dax == nullptr) return runtime::Status::out_of_memory;
  float* dahn = dax + da_size;
  float* dh = dahn + dahn_size;
  float* dh_next = dh + bh_size;
  float* dc = dh_next + bh_size;
  float* zeros = dc + bh_size;
  float* w_packed = zeros + h_size;
  float* da_packed[2] = {w_packed + w_size, w_packed + w_size + dp_size};
  float* h_rows = da_packed[1] + dp_size;
  float* sums = h_rows + hp_size;
  copy_or_zero(dh, a.dh_n, BH);
  if (lstm) copy_or_zero(dc, a.dc_n, BH);
  copy_or_zero(zeros, nullptr, H);
  for_each_unit_block(ctx, plan, H, [&](int64_t j0, int64_t j1) {
    gemm_pack_b_block_f32(pk, GH, H, j0, j1, a.w_hh, H, false, w_packed);
  });

  // Iteration k runs step s = T-1-k (and k = T, when dh0 is wanted, only the product for h0). A block first
  // finishes its slice of dh: dh += dA_{s+1} · W_hh (GRU's gate kernel already wrote the direct path dh * z
  // there; otherwise the product overwrites), then runs the gate-gradient kernel and packs its columns of
  // every gate of dA_s for the next iteration (GRU's n gate from dAhn). dh ping-pongs by k's parity.
  const RnnGateGradFn grad = select_gate_kernels(ctx.isa, s.mode).backward;
  const float hidden_beta = gru ? 1.0f : 0.0f;
  float* dh_buf[2] = {dh, dh_next};
  const int64_t iterations = T + (a.dh0 != nullptr ? 1 : 0);
  const int64_t dax_ld = (s.batch_first ? T : 1) * GH;  // between the batch rows of one step
  // What the gate kernel will read at `step` in this block (dy and the saved rows: cold by now, and where
  // backward stalls on a loaded machine). Asked for one step ahead, while this step's product runs.
  auto prefetch_step = [&](int64_t step, const StepBlock& k) {
    const int64_t i0 = k.i0, i1 = k.i1, j0 = k.j0, j1 = k.j1;
    const int64_t t = step_time(s, step), n = j1 - j0;
    for (int64_t b = i0; b < i1; ++b) {
      const int64_t hb = b * H + j0;
      if (a.dy != nullptr) prefetch_floats(a.dy + seq_row(s, t, b) * a.ldy + j0, n);
      if (!lstm) prefetch_floats(hs + (gru ? step : step + 1) * BH + hb, n);  // GRU's h_prev, RNN's h
      if (lstm) {
        prefetch_floats(cs + step * BH + hb, n);
        prefetch_floats(cs + (step + 1) * BH + hb, n);
      }
      for (int64_t g = 0; g < saved_row / H; ++g) prefetch_floats(saved + seq_row(s, t, b) * saved_row + g * H + j0, n);
    }
  };
  for_each_step_block(ctx, plan, iterations, B, H, [&](int64_t k, const StepBlock& blk) {
    const int64_t step = T - 1 - k, i0 = blk.i0, i1 = blk.i1, j0 = blk.j0, j1 = blk.j1, g0 = blk.g0;
    const int64_t packed = blk.g * plan.packed(GH);  // the group's rows [g0, g1) as a matrix of their own
    float* dh_cur = dh_buf[k & 1];
    if (step > 0) prefetch_step(step - 1, blk);
    if (k > 0) {
      gemm_packed_f32(pk, GH, da_packed[(step + 1) & 1] + packed, w_packed, i0 - g0, i1 - g0, j0, j1, dh_cur + g0 * H,
                      H, hidden_beta);
    }
    if (step < 0) return;
    const int64_t t = step_time(s, step);
    for (int64_t b = i0; b < i1; ++b) {
      const int64_t xr = seq_row(s, t, b), hb = b * H + j0;
      RnnGateGradRow r;
      r.n = j1 - j0;
      r.stride = H;
      r.dh = dh_cur + hb;
      r.dy = a.dy != nullptr ? a.dy + xr * a.ldy + j0 : zeros;
      r.gates = saved_row > 0 ? saved + xr * saved_row + j0 : nullptr;
      r.h_prev = hs + step * BH + hb;
      r.h = hs + (step + 1) * BH + hb;
      r.c_prev = lstm ? cs + step * BH + hb : nullptr;
      r.c = lstm ? cs + (step + 1) * BH + hb : nullptr;
      r.dc = lstm ? dc + hb : nullptr;
      r.dgx = dax + xr * GH + j0;
      r.dghn = gru ? dahn + step * BH + hb : nullptr;
      r.dh_prev = gru ? dh_buf[(k + 1) & 1] + hb : nullptr;
      grad(r);
    }
    if (step > 0 || a.dh0 != nullptr) {
      const float* dax_rows = dax + seq_row(s, t, g0) * GH;
      const int64_t m = blk.g1 - g0;
      for (int64_t g = 0; g < G; ++g) {
        const int64_t p0 = g * H + j0, p1 = g * H + j1;
        const bool n_gate = gru && g == 2;
        gemm_pack_a_block_f32(pk, m, GH, i0 - g0, i1 - g0, p0, p1, n_gate ? dahn + (step * B + g0) * H + j0 : dax_rows + p0,
                              n_gate ? H : dax_ld, false, da_packed[step & 1] + packed);
      }
    }
  });
  if (a.dh0 != nullptr) accumulate(a.dh0, dh_buf[T & 1], BH);
  if (lstm && a.dc0 != nullptr) accumulate(a.dc0, dc, BH);

  // The products after the loop are independent jobs: dx, the weight gradients and the bias sums. They run
  // side by side, each on one thread (one fork and join in all, and no GEMM cut into pieces too small to run
  // well), when they balance across the threads (largest first, each to the thread free soonest), if need
  // be with [X | H_prev] split into its X and H_prev products; else one after another, each GEMM split
  // across the threads. A column block of a product is the product of the column block, and every GEMM adds
  // its sums straight into the gradients (alpha = beta = 1: each depth block's sum added to C, in order,
  // whatever the tile), so every arrangement computes the same values: results are bitwise identical.
  enum Job : int { kDx, kCat, kCatX, kCatH, kNih, kNhh, kSums };
  const bool both = xcols > 0 && hcols > 0;
  const double dN = static_cast<double>(N);
  auto jobs_for = [&](bool split, Job* list, double* work) {
    int count = 0;
    auto add = [&](Job j, double w) { list[count] = j, work[count++] = w; };
    if (a.dx != nullptr && I > 0) add(kDx, dN * I * GH);
    if (both && !split) {
      add(kCat, dN * rows * cols);
    } else {
      if (xcols > 0) add(kCatX, dN * rows * xcols);
      if (hcols > 0) add(kCatH, dN * rows * hcols);
    }
    if (gru && xcols > 0) add(kNih, dN * H * I);
    if (gru && hcols > 0) add(kNhh, dN * H * H);
    if (a.db_ih != nullptr || a.db_hh != nullptr) add(kSums, dN * GH / 8);  // a pass over dA, no FLOPs
    for (int i = 1; i < count; ++i) {  // largest first (a stable insertion sort: the order is deterministic)
      for (int j = i; j > 0 && work[j] > work[j - 1]; --j) std::swap(work[j], work[j - 1]), std::swap(list[j], list[j - 1]);
    }
    return count;
  };
  // Whether the jobs, largest first to the least loaded thread, finish within 10% of a perfect balance.
  auto balanced = [](const double* work, int count, int threads) {
    double load[16] = {}, total = 0.0, most = 0.0;
    for (int i = 0; i < count; ++i) {
      int t = 0;
      for (int u = 1; u < threads; ++u) t = load[u] < load[t] ? u : t;
      load[t] += work[i];
      total += work[i];
      most = load[t] > most ? load[t] : most;
    }
    return most <= 1.1 * total / threads;
  };
  const int threads = plan.parallel && !runtime::ThreadPool::in_parallel_region() ? ctx.pool.num_threads() : 1;
  // One GEMM over [X | H_prev] packs dAx once; split, the two GEMMs each pack it: the fallback when only it
  // balances across the threads.
  Job jobs[7];
  double work[7];
  int count = jobs_for(false, jobs, work);
  bool side_by_side = threads > 1 && threads <= 16 && balanced(work, count, threads);
  if (threads > 1 && threads <= 16 && !side_by_side && both) {
    Job other_jobs[7];
    double other_work[7];
    const int other_count = jobs_for(true, other_jobs, other_work);
    if (balanced(other_work, other_count, threads)) {
      side_by_side = true;
      count = other_count;
      for (int i = 0; i < count; ++i) jobs[i] = other_jobs[i];
    }
  }
  const bool inner_parallel = plan.parallel && !side_by_side;  // run_tasks inside a job

  // H_prev in x's row order: hs itself, or copied from it.
  const float* h_prev = h_in_place ? hs : h_rows;
  auto copy_h_prev = [&] {
    run_tasks(ctx, inner_parallel, T, [&](int64_t step) {
      const int64_t t = step_time(s, step);
      for (int64_t b = 0; b < B; ++b) copy_or_zero(h_rows + seq_row(s, t, b) * H, hs + step * BH + b * H, H);
    });
  };
  GemmOptions nn, tn;
  nn.beta = tn.beta = 1.0f;
  tn.trans_a = true;
  auto run_job = [&](Job job) -> runtime::Status {
    switch (job) {
      case kDx: return gemm_f32(ctx, N, I, GH, dax, GH, a.w_ih, I, a.dx, a.lddx, nn);
      case kCat:  // both gradients
        if (h_copy) copy_h_prev();
        return gemm_f32_split_n(ctx, rows, I, H, N, dax, GH, a.x, a.ldx, h_prev, H, a.dw_ih, I, a.dw_hh, H, tn);
      case kCatX: return gemm_f32(ctx, rows, I, N, dax, GH, a.x, a.ldx, a.dw_ih, I, tn);
      case kCatH:
        if (h_copy) copy_h_prev();
        return gemm_f32(ctx, rows, H, N, dax, GH, h_prev, H, a.dw_hh, H, tn);
      case kNih: return gemm_f32(ctx, H, I, N, dax + 2 * H, GH, a.x, a.ldx, a.dw_ih + 2 * H * I, I, tn);
      case kNhh: return gemm_f32(ctx, H, H, N, dahn, H, hs, H, a.dw_hh + 2 * H * H, H, tn);
      case kSums:
        // Bias gradients: dAx's column sums, once for both where dAx = dAh.
        copy_or_zero(sums, nullptr, GH);
        accumulate_column_sums(ctx, N, GH, dax, GH, sums);
        if (a.db_ih != nullptr) accumulate(a.db_ih, sums, GH);
        if (a.db_hh != nullptr) {
          accumulate(a.db_hh, sums, rows);
          if (gru) accumulate_column_sums(ctx, N, H, dahn, H, a.db_hh + 2 * H);
        }
        return runtime::Status::ok;
    }
    return runtime::Status::ok;
  };
  runtime::Status status[7];
  if (side_by_side) {
    ctx.pool.parallel_for(count, [&](int64_t i, int) { status[i] = run_job(jobs[i]); });
  } else {
    for (int i = 0; i < count; ++i) status[i] = run_job(jobs[i]);
  }
  for (int i = 0; i < count; ++i) {
    if (status[i] != runtime::Status::ok) return status[i];
  }
  return runtime::Status::ok;
}

}  // namespace nodegrad::kernels
