// Backward through time for one layer and one direction (layouts and conventions in rnn.h).
//
// Steps run from last to first. Per step the fused gate-gradient kernel turns dh (from the next step plus
// dy) and dc into pre-activation gradients dA_s [B, G·H] and dc_prev; one GEMM dA_s · W_hh gives the dh
// reaching the previous step. All dA_s are kept, so the weight gradients are three large GEMMs at the end:
//   dx += dAx · W_ih,   dW_ih += dAxᵀ · X,   dW_hh += dAhᵀ · [h_{-1} .. h_{T-2}],
// with the bias gradients as column sums. dAx is in x's row order, dAh in step order (next to the saved
// states); they hold the same values except GRU's n gate (dAh_n = dA_n * r, the reset product), so they are
// one buffer when the row orders agree (time-major, forward direction) and the cell is not a GRU.
#include "rnn_driver.h"

namespace nodegrad::kernels {

using namespace rnn_detail;

runtime::Status rnn_backward_f32(runtime::Context& ctx, const RnnShape& s, const RnnBackwardArgs& a) noexcept {
  const int64_t T = s.seq_len, B = s.batch, I = s.input, H = s.hidden;
  const int64_t GH = rnn_gate_count(s.mode) * H, BH = B * H, N = T * B;
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

  // Scratch: dAx [N, GH], dAh [N, GH] (unless shared), dh ping-pong [B, H] x 2, dc [B, H], zeros [H].
  const bool shared = !gru && !s.batch_first && !s.reverse;
  const int64_t da_size = round_up16(N * GH), bh_size = round_up16(BH), h_size = round_up16(H);
  float* dax = ctx.workspace.get_as<float>(0, runtime::Slot::rnn_gates,
                                           static_cast<size_t>((shared ? 1 : 2) * da_size + 3 * bh_size + h_size));
  if (dax == nullptr) return runtime::Status::out_of_memory;
  float* dah = shared ? dax : dax + da_size;
  float* dh = dah + da_size;
  float* dh_next = dh + bh_size;
  float* dc = dh_next + bh_size;
  float* zeros = dc + bh_size;
  copy_or_zero(dh, a.dh_n, BH);
  if (lstm) copy_or_zero(dc, a.dc_n, BH);
  copy_or_zero(zeros, nullptr, H);

  const RnnGateGradFn grad = select_gate_kernels(ctx.isa, s.mode).backward;
  GemmOptions nn;
  runtime::Status st = runtime::Status::ok;
  for (int64_t step = T - 1; step >= 0; --step) {
    const int64_t t = step_time(s, step);
    for_each_gate_block(ctx, B, H, GH / H, [&](int64_t b, int64_t j0, int64_t j1) {
      const int64_t xr = seq_row(s, t, b), hb = b * H + j0;
      RnnGateGradRow r;
      r.n = j1 - j0;
      r.stride = H;
      r.dh = dh + hb;
      r.dy = a.dy != nullptr ? a.dy + xr * a.ldy + j0 : zeros;
      r.gates = saved_row > 0 ? saved + (step * B + b) * saved_row + j0 : nullptr;
      r.h_prev = hs + step * BH + hb;
      r.h = hs + (step + 1) * BH + hb;
      r.c_prev = lstm ? cs + step * BH + hb : nullptr;
      r.c = lstm ? cs + (step + 1) * BH + hb : nullptr;
      r.dc = lstm ? dc + hb : nullptr;
      r.dgx = dax + xr * GH + j0;
      r.dgh = dah + (step * B + b) * GH + j0;
      r.dh_prev = gru ? dh_next + hb : nullptr;
      grad(r);
    });
    if (step > 0 || a.dh0 != nullptr) {
      nn.beta = gru ? 1.0f : 0.0f;  // GRU's gate kernel already wrote the direct path dh * z
      st = gemm_f32(ctx, B, H, GH, dah + step * B * GH, GH, a.w_hh, H, dh_next, H, nn);
      if (st != runtime::Status::ok) return st;
      float* tmp = dh;
      dh = dh_next;
      dh_next = tmp;
    }
  }
  if (a.dh0 != nullptr) accumulate(a.dh0, dh, BH);
  if (lstm && a.dc0 != nullptr) accumulate(a.dc0, dc, BH);

  nn.beta = 1.0f;
  if (a.dx != nullptr && I > 0) {
    st = gemm_f32(ctx, N, I, GH, dax, GH, a.w_ih, I, a.dx, a.lddx, nn);
    if (st != runtime::Status::ok) return st;
  }
  GemmOptions tn;
  tn.trans_a = true;
  tn.beta = 1.0f;
  if (a.dw_ih != nullptr && I > 0) {
    st = gemm_f32(ctx, GH, I, N, dax, GH, a.x, a.ldx, a.dw_ih, I, tn);
    if (st != runtime::Status::ok) return st;
  }
  if (a.dw_hh != nullptr) {
    st = gemm_f32(ctx, GH, H, N, dah, GH, hs, H, a.dw_hh, H, tn);
    if (st != runtime::Status::ok) return st;
  }
  if (a.db_ih != nullptr) accumulate_column_sums(ctx, N, GH, dax, GH, a.db_ih);
  if (a.db_hh != nullptr) accumulate_column_sums(ctx, N, GH, dah, GH, a.db_hh);
  return runtime::Status::ok;
}

}  // namespace nodegrad::kernels
