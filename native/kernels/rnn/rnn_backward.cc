// Backward through time for one layer and one direction (layouts and conventions in rnn.h).
//
// Steps run from last to first. Per step the fused gate-gradient kernel turns dh (from the next step plus
// dy) and dc into pre-activation gradients dA_s [B, G·H] and dc_prev; one GEMM dA_s · W_hh gives the dh
// reaching the previous step. All dA_s are kept, so the weight gradients are three large GEMMs at the end
// (the last two are one GEMM when dAx = dAh, see fuse_dw):
//   dx += dAx · W_ih,   dW_ih += dAxᵀ · X,   dW_hh += dAhᵀ · [h_{-1} .. h_{T-2}],
// with the bias gradients as column sums. dAx is in x's row order, dAh in step order (next to the saved
// states); they hold the same values except GRU's n gate (dAh_n = dA_n * r, the reset product), so they are
// one buffer when the row orders agree (time-major, forward direction) and the cell is not a GRU.
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

  // Scratch: dAx [N, GH], dAh [N, GH] (unless shared), dh ping-pong [B, H] x 2, dc [B, H], zeros [H],
  // W_hh packed once, and dAh packed for the step that reads it (two buffers: a step packs its own while
  // the previous one's is being read).
  const StepPlan plan = plan_steps(ctx.isa, B, H, G);
  const GemmPackedLayout& pk = plan.gemm;
  const bool shared = !gru && !s.batch_first && !s.reverse;
  const int64_t da_size = round_up16(N * GH), bh_size = round_up16(BH), h_size = round_up16(H);
  const int64_t w_size = round_up16(gemm_packed_b_size_f32(pk, GH, H));
  const int64_t dp_size = round_up16(gemm_packed_a_size_f32(pk, B, GH));
  // Without GRU's reset product dAx and dAh hold the same values, so both weight gradients come from one
  // GEMM dAxᵀ · [X | H_prev] ([N, I + H], rows in x's order): dAx is packed once instead of twice, and the
  // wider product runs closer to peak. Scratch for it: [X | H_prev] and the [G·H, I + H] result.
  const bool fuse_dw = !gru && a.dw_ih != nullptr && a.dw_hh != nullptr && I > 0;
  const int64_t cat_size = fuse_dw ? round_up16(N * (I + H)) + round_up16(GH * (I + H)) : 0;
  float* dax = ctx.workspace.get_as<float>(
      runtime::ThreadPool::current_thread(), runtime::Slot::rnn_gates,
      static_cast<size_t>((shared ? 1 : 2) * da_size + 3 * bh_size + h_size + w_size + 2 * dp_size + cat_size));
  if (dax == nullptr) return runtime::Status::out_of_memory;
  float* dah = shared ? dax : dax + da_size;
  float* dh = dah + da_size;
  float* dh_next = dh + bh_size;
  float* dc = dh_next + bh_size;
  float* zeros = dc + bh_size;
  float* w_packed = zeros + h_size;
  float* da_packed[2] = {w_packed + w_size, w_packed + w_size + dp_size};
  float* cat = da_packed[1] + dp_size;
  float* dw_cat = cat + round_up16(N * (I + H));
  copy_or_zero(dh, a.dh_n, BH);
  if (lstm) copy_or_zero(dc, a.dc_n, BH);
  copy_or_zero(zeros, nullptr, H);
  for_each_unit_block(ctx, plan, H, [&](int64_t j0, int64_t j1) {
    gemm_pack_b_block_f32(pk, GH, H, j0, j1, a.w_hh, H, false, w_packed);
  });

  // Iteration k runs step s = T-1-k (and k = T, when dh0 is wanted, only the product for h0). A block first
  // finishes its slice of dh: dh += dA_{s+1} · W_hh (GRU's gate kernel already wrote the direct path dh * z
  // there; otherwise the product overwrites), then runs the gate-gradient kernel and packs its columns of
  // every gate of dA_s for the next iteration. dh ping-pongs between two buffers by k's parity.
  const RnnGateGradFn grad = select_gate_kernels(ctx.isa, s.mode).backward;
  const float hidden_beta = gru ? 1.0f : 0.0f;
  float* dh_buf[2] = {dh, dh_next};
  const int64_t iterations = T + (a.dh0 != nullptr ? 1 : 0);
  // What the gate kernel will read at `step` in this block (dy and the saved rows: cold by now, and where
  // backward stalls on a loaded machine). Asked for one step ahead, while this step's product runs.
  auto prefetch_step = [&](int64_t step, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
    const int64_t t = step_time(s, step), n = j1 - j0;
    for (int64_t b = i0; b < i1; ++b) {
      const int64_t hb = b * H + j0;
      if (a.dy != nullptr) prefetch_floats(a.dy + seq_row(s, t, b) * a.ldy + j0, n);
      if (!lstm) prefetch_floats(hs + (gru ? step : step + 1) * BH + hb, n);  // GRU's h_prev, RNN's h
      if (lstm) {
        prefetch_floats(cs + step * BH + hb, n);
        prefetch_floats(cs + (step + 1) * BH + hb, n);
      }
      for (int64_t g = 0; g < saved_row / H; ++g) prefetch_floats(saved + (step * B + b) * saved_row + g * H + j0, n);
    }
  };
  for_each_step_block(ctx, plan, iterations, B, H, [&](int64_t k, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
    const int64_t step = T - 1 - k;
    float* dh_cur = dh_buf[k & 1];
    if (step > 0) prefetch_step(step - 1, i0, i1, j0, j1);
    if (k > 0) gemm_packed_f32(pk, GH, da_packed[(step + 1) & 1], w_packed, i0, i1, j0, j1, dh_cur, H, hidden_beta);
    if (step < 0) return;
    const int64_t t = step_time(s, step);
    for (int64_t b = i0; b < i1; ++b) {
      const int64_t xr = seq_row(s, t, b), hb = b * H + j0;
      RnnGateGradRow r;
      r.n = j1 - j0;
      r.stride = H;
      r.dh = dh_cur + hb;
      r.dy = a.dy != nullptr ? a.dy + xr * a.ldy + j0 : zeros;
      r.gates = saved_row > 0 ? saved + (step * B + b) * saved_row + j0 : nullptr;
      r.h_prev = hs + step * BH + hb;
      r.h = hs + (step + 1) * BH + hb;
      r.c_prev = lstm ? cs + step * BH + hb : nullptr;
      r.c = lstm ? cs + (step + 1) * BH + hb : nullptr;
      r.dc = lstm ? dc + hb : nullptr;
      r.dgx = dax + xr * GH + j0;
      r.dgh = dah + (step * B + b) * GH + j0;
      r.dh_prev = gru ? dh_buf[(k + 1) & 1] + hb : nullptr;
      grad(r);
    }
    if (step > 0 || a.dh0 != nullptr) {
      const float* da_step = dah + step * B * GH;
      for (int64_t g = 0; g < G; ++g) {
        gemm_pack_a_block_f32(pk, B, GH, i0, i1, g * H + j0, g * H + j1, da_step, GH, false, da_packed[step & 1]);
      }
    }
  });
  if (a.dh0 != nullptr) accumulate(a.dh0, dh_buf[T & 1], BH);
  if (lstm && a.dc0 != nullptr) accumulate(a.dc0, dc, BH);

  GemmOptions nn;
  runtime::Status st = runtime::Status::ok;
  nn.beta = 1.0f;
  if (a.dx != nullptr && I > 0) {
    st = gemm_f32(ctx, N, I, GH, dax, GH, a.w_ih, I, a.dx, a.lddx, nn);
    if (st != runtime::Status::ok) return st;
  }
  GemmOptions tn;
  tn.trans_a = true;
  tn.beta = 1.0f;
  if (fuse_dw) {
    const int64_t IH = I + H;
    run_tasks(ctx, plan.parallel, T, [&](int64_t step) {
      const int64_t t = step_time(s, step);
      for (int64_t b = 0; b < B; ++b) {
        const int64_t xr = seq_row(s, t, b);
        copy_or_zero(cat + xr * IH, a.x + xr * a.ldx, I);
        copy_or_zero(cat + xr * IH + I, hs + step * BH + b * H, H);
      }
    });
    tn.beta = 0.0f;
    st = gemm_f32(ctx, GH, IH, N, dax, GH, cat, IH, dw_cat, IH, tn);
    if (st != runtime::Status::ok) return st;
    run_tasks(ctx, plan.parallel, G, [&](int64_t g) {
      for (int64_t r = g * H; r < (g + 1) * H; ++r) {
        accumulate(a.dw_ih + r * I, dw_cat + r * IH, I);
        accumulate(a.dw_hh + r * H, dw_cat + r * IH + I, H);
      }
    });
    tn.beta = 1.0f;
  }
  if (!fuse_dw && a.dw_ih != nullptr && I > 0) {
    st = gemm_f32(ctx, GH, I, N, dax, GH, a.x, a.ldx, a.dw_ih, I, tn);
    if (st != runtime::Status::ok) return st;
  }
  if (!fuse_dw && a.dw_hh != nullptr) {
    st = gemm_f32(ctx, GH, H, N, dah, GH, hs, H, a.dw_hh, H, tn);
    if (st != runtime::Status::ok) return st;
  }
  if (a.db_ih != nullptr) accumulate_column_sums(ctx, N, GH, dax, GH, a.db_ih);
  if (a.db_hh != nullptr) accumulate_column_sums(ctx, N, GH, dah, GH, a.db_hh);
  return runtime::Status::ok;
}

}  // namespace nodegrad::kernels
