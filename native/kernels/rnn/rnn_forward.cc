// Forward sequence driver for one layer and one direction (layouts and conventions in rnn.h).
//
// 1. Gx = X · W_ihᵀ for all T steps in one GEMM ([T·B, I] x [I, G·H]), rows in x's order, written where the
//    gate kernel's outputs for those rows go (the saved gates, or y for RNN).
// 2. Per step s: Gh = h_{s-1} · W_hhᵀ ([B, H] x [H, G·H], W_hh packed once per sequence), then the fused
//    gate kernel adds both biases, applies the activations and writes h (reserve and y), c and the saved
//    gates in one pass. Both run per block of rows x hidden units, all steps in one parallel region, and
//    each block packs its slice of h for the next step's product (rnn_driver.h, StepPlan).
// Biases are added in the gate kernel rather than folded into the GEMMs because GRU's n gate needs the
// hidden bias inside the reset product.
#include "rnn_driver.h"

namespace nodegrad::kernels {

using namespace rnn_detail;

runtime::Status rnn_forward_f32(runtime::Context& ctx, const RnnShape& s, const RnnForwardArgs& a) noexcept {
  const int64_t T = s.seq_len, B = s.batch, I = s.input, H = s.hidden;
  const int64_t G = rnn_gate_count(s.mode), GH = G * H, BH = B * H, N = T * B;
  const bool lstm = s.mode == RnnMode::lstm;
  float* hs = a.reserve;
  float* cs = lstm ? hs + (T + 1) * BH : nullptr;
  float* saved = hs + (lstm ? 2 : 1) * (T + 1) * BH;
  const int64_t saved_row = saved_per_row(s);

  copy_or_zero(hs, a.h0, BH);
  if (lstm) copy_or_zero(cs, a.c0, BH);

  if (N > 0 && H > 0) {
    const StepPlan plan = plan_steps(ctx, B, H, G);
    const GemmPackedLayout& pk = plan.gemm;
    // The input projection goes straight into memory the gate kernel then overwrites in place, so there is
    // no separate stream of stores into lines never read: the reserve's saved gates for LSTM and GRU (same
    // rows, row width 4H, activations overwrite it), y for RNN (same rows and width, h overwrites it).
    const bool gates_saved = saved_row > 0;
    float* gx = gates_saved ? saved : a.y;
    const int64_t gx_ld = gates_saved ? saved_row : a.ldy;
    // Scratch: Gh [B, GH], input and hidden biases [GH] each (zeros when absent), W_hh packed
    // once per gate, and each row group's h packed for the step that reads it (two buffers: a step packs the
    // next one's).
    const int64_t gh_size = round_up16(B * GH), bias_size = round_up16(GH);
    const int64_t w_size = round_up16(gemm_packed_b_size_f32(pk, H, H));
    const int64_t hp_size = round_up16(plan.packed_all(H));
    float* scratch = ctx.workspace.get_as<float>(runtime::ThreadPool::current_thread(), runtime::Slot::rnn_gates,
                                            static_cast<size_t>(gh_size + 2 * bias_size + G * w_size +
                                                                2 * hp_size));
    if (scratch == nullptr) return runtime::Status::out_of_memory;
    float* gh = scratch;
    float* bx = gh + gh_size;
    float* bh = bx + bias_size;
    float* w_packed = bh + bias_size;
    float* h_packed[2] = {w_packed + G * w_size, w_packed + G * w_size + hp_size};
    copy_or_zero(bx, a.b_ih, GH);
    copy_or_zero(bh, a.b_hh, GH);

    GemmOptions nt;
    nt.trans_b = true;
    runtime::Status st = gemm_f32(ctx, N, GH, I, a.x, a.ldx, a.w_ih, I > 0 ? I : 1, gx, gx_ld, nt);
    if (st != runtime::Status::ok) return st;
    // Gate g's block of Gh is h · W_hh[gH .. gH + H)ᵀ: packed per gate, so a unit block's columns of every
    // gate start on panel boundaries whatever H is.
    for_each_unit_block(ctx, plan, H, [&](int64_t j0, int64_t j1) {
      for (int64_t g = 0; g < G; ++g) {
        gemm_pack_b_block_f32(pk, H, H, j0, j1, a.w_hh + g * H * H, H, true, w_packed + g * w_size);
      }
    });
    for (int64_t g0 = 0, g = 0; g0 < B; g0 += plan.group_rows, ++g) {
      const int64_t rows = B - g0 < plan.group_rows ? B - g0 : plan.group_rows;
      gemm_pack_a_block_f32(pk, rows, H, 0, rows, 0, H, hs + g0 * H, H, false, h_packed[0] + g * plan.packed(H));
    }

    const RnnGateFn gate = select_gate_kernels(ctx.isa, s.mode).forward;
    for_each_step_block(ctx, plan, T, B, H, [&](int64_t step, const StepBlock& k) {
      const int64_t t = step_time(s, step), i0 = k.i0, i1 = k.i1, j0 = k.j0, j1 = k.j1, g0 = k.g0;
      const float* h_prev = hs + step * BH;
      float* h_next = hs + (step + 1) * BH;
      const int64_t packed = k.g * plan.packed(H);  // the group's rows [g0, g1) as a matrix of their own
      for (int64_t g = 0; g < G; ++g) {
        gemm_packed_f32(pk, H, h_packed[step & 1] + packed, w_packed + g * w_size, i0 - g0, i1 - g0, j0, j1,
                        gh + g0 * GH + g * H, GH, 0.0f);
      }
      for (int64_t b = i0; b < i1; ++b) {
        const int64_t xr = seq_row(s, t, b), hb = b * H + j0;
        RnnGateRow r;
        r.n = j1 - j0;
        r.stride = H;
        r.gx = gx + xr * gx_ld + j0;
        r.gh = gh + b * GH + j0;
        r.bx = bx + j0;
        r.bh = bh + j0;
        r.h_prev = h_prev + hb;
        r.c_prev = lstm ? cs + step * BH + hb : nullptr;
        r.h = h_next + hb;
        r.c = lstm ? cs + (step + 1) * BH + hb : nullptr;
        r.y = a.y + xr * a.ldy + j0;
        r.gates = gates_saved ? saved + xr * saved_row + j0 : nullptr;  // = r.gx (LSTM, GRU)
        gate(r);
      }
      if (step + 1 < T) {
        gemm_pack_a_block_f32(pk, k.g1 - g0, H, i0 - g0, i1 - g0, j0, j1, h_next + g0 * H + j0, H, false,
                              h_packed[(step + 1) & 1] + packed);
      }
    });
  }
  if (a.h_n != nullptr) copy_or_zero(a.h_n, hs + T * BH, BH);
  if (lstm && a.c_n != nullptr) copy_or_zero(a.c_n, cs + T * BH, BH);
  return runtime::Status::ok;
}

}  // namespace nodegrad::kernels
