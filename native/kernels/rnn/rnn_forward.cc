// Forward sequence driver for one layer and one direction (layouts and conventions in rnn.h).
//
// 1. Gx = X · W_ihᵀ for all T steps in one GEMM ([T·B, I] x [I, G·H]), rows in x's order.
// 2. Per step s: Gh = h_{s-1} · W_hhᵀ (GEMM [B, H] x [H, G·H]), then the fused gate kernel adds both
//    biases, applies the activations and writes h (reserve and y), c and the saved gates in one pass.
// Biases are added in the gate kernel rather than folded into the GEMMs because GRU's n gate needs the
// hidden bias inside the reset product.
#include "rnn_driver.h"

namespace nodegrad::kernels {

using namespace rnn_detail;

runtime::Status rnn_forward_f32(runtime::Context& ctx, const RnnShape& s, const RnnForwardArgs& a) noexcept {
  const int64_t T = s.seq_len, B = s.batch, I = s.input, H = s.hidden;
  const int64_t GH = rnn_gate_count(s.mode) * H, BH = B * H, N = T * B;
  const bool lstm = s.mode == RnnMode::lstm;
  float* hs = a.reserve;
  float* cs = lstm ? hs + (T + 1) * BH : nullptr;
  float* saved = hs + (lstm ? 2 : 1) * (T + 1) * BH;
  const int64_t saved_row = saved_per_row(s);

  copy_or_zero(hs, a.h0, BH);
  if (lstm) copy_or_zero(cs, a.c0, BH);

  if (N > 0 && H > 0) {
    // Scratch: Gx [N, GH], Gh [B, GH], input and hidden biases [GH] each (zeros when absent).
    const int64_t gx_size = round_up16(N * GH), gh_size = round_up16(B * GH), bias_size = round_up16(GH);
    float* gx = ctx.workspace.get_as<float>(0, runtime::Slot::rnn_gates,
                                            static_cast<size_t>(gx_size + gh_size + 2 * bias_size));
    if (gx == nullptr) return runtime::Status::out_of_memory;
    float* gh = gx + gx_size;
    float* bx = gh + gh_size;
    float* bh = bx + bias_size;
    copy_or_zero(bx, a.b_ih, GH);
    copy_or_zero(bh, a.b_hh, GH);

    GemmOptions nt;
    nt.trans_b = true;
    runtime::Status st = gemm_f32(ctx, N, GH, I, a.x, a.ldx, a.w_ih, I > 0 ? I : 1, gx, GH, nt);
    if (st != runtime::Status::ok) return st;

    const RnnGateFn gate = select_gate_kernels(ctx.isa, s.mode).forward;
    for (int64_t step = 0; step < T; ++step) {
      const int64_t t = step_time(s, step);
      const float* h_prev = hs + step * BH;
      st = gemm_f32(ctx, B, GH, H, h_prev, H, a.w_hh, H, gh, GH, nt);
      if (st != runtime::Status::ok) return st;
      for_each_gate_block(ctx, B, H, GH / H, [&](int64_t b, int64_t j0, int64_t j1) {
        const int64_t xr = seq_row(s, t, b), hb = b * H + j0;
        RnnGateRow r;
        r.n = j1 - j0;
        r.stride = H;
        r.gx = gx + xr * GH + j0;
        r.gh = gh + b * GH + j0;
        r.bx = bx + j0;
        r.bh = bh + j0;
        r.h_prev = h_prev + hb;
        r.c_prev = lstm ? cs + step * BH + hb : nullptr;
        r.h = hs + (step + 1) * BH + hb;
        r.c = lstm ? cs + (step + 1) * BH + hb : nullptr;
        r.y = a.y + xr * a.ldy + j0;
        r.gates = saved_row > 0 ? saved + (step * B + b) * saved_row + j0 : nullptr;
        gate(r);
      });
    }
  }
  if (a.h_n != nullptr) copy_or_zero(a.h_n, hs + T * BH, BH);
  if (lstm && a.c_n != nullptr) copy_or_zero(a.c_n, cs + T * BH, BH);
  return runtime::Status::ok;
}

}  // namespace nodegrad::kernels
