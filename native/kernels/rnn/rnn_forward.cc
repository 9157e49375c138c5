// Forward sequence driver for one layer and one direction (layouts and conventions in rnn.h).
//
// Per step s one product of [x_t | h_{s-1}] (depth I + H; x_t and h packed side by side into one operand)
// with the weights packed once per sequence, then the fused gate kernel adds the biases, applies the
// activations and writes h (reserve and y), c and the saved gates in one pass. RNN and LSTM: every gate is
// one sum with [W_ih | W_hh]. GRU: r and z alike; the n gate keeps its input and hidden sides apart (the
// hidden one is multiplied by r), each a product of its half of the operand with W_in or W_hn.
// The product's sums stay in a small buffer that the gate kernel reads hot: no projection of all T steps
// is written up front and read back cold. (Measured slower: the product writing straight into the saved
// gates' cold lines, which stalls the micro-kernel's stores.)
// Both run per block of rows x hidden units, all steps in one parallel region, and each block packs its
// slice of h (and, once per row block, x) for the next step's product (rnn_driver.h, StepPlan).
#include "rnn_driver.h"

namespace nodegrad::kernels {

using namespace rnn_detail;

runtime::Status rnn_forward_f32(runtime::Context& ctx, const RnnShape& s, const RnnForwardArgs& a) noexcept {
  const int64_t T = s.seq_len, B = s.batch, I = s.input, H = s.hidden;
  const int64_t G = rnn_gate_count(s.mode), GH = G * H, BH = B * H, N = T * B;
  const bool lstm = s.mode == RnnMode::lstm, gru = s.mode == RnnMode::gru;
  float* hs = a.reserve;
  float* cs = lstm ? hs + (T + 1) * BH : nullptr;
  float* saved = hs + (lstm ? 2 : 1) * (T + 1) * BH;
  const int64_t saved_row = saved_per_row(s);

  copy_or_zero(hs, a.h0, BH);
  if (lstm) copy_or_zero(cs, a.c0, BH);

  if (N > 0 && H > 0) {
    const StepPlan plan = plan_steps(ctx, B, H, G);
    const GemmPackedLayout& pk = plan.gemm;
    // The step operand [x_t | h]: x at columns [0, I) of a packed row panel, h after it.
    const int64_t K = I + H, F = gru ? 2 : G;  // F gates take one sum over both sides
    // Scratch: the step's sums Gh [B, GW]; input and hidden biases [GH] each (zeros when absent; the hidden
    // one holds both biases' sum for the F summed gates); the weights packed once (per summed gate
    // [W_ih | W_hh]'s rows; GRU's n gate W_in and W_hn apart); and each row group's step operand packed (two
    // buffers: a step packs the next one's).
    const int64_t GW = gru ? 4 * H : GH;  // a row of Gh: GRU's n gate has two column blocks
    const int64_t gh_size = round_up16(B * GW), bias_size = round_up16(GH);
    const int64_t w_size = round_up16(gemm_packed_b_size_f32(pk, K, H));
    const int64_t wx_size = gru ? round_up16(gemm_packed_b_size_f32(pk, I, H)) : 0;
    const int64_t wh_size = gru ? round_up16(gemm_packed_b_size_f32(pk, H, H)) : 0;
    const int64_t hp_size = round_up16(plan.packed_all(K));
    float* scratch = ctx.workspace.get_as<float>(runtime::ThreadPool::current_thread(), runtime::Slot::rnn_gates,
                                            static_cast<size_t>(gh_size + 2 * bias_size + F * w_size + wx_size +
                                                                wh_size + 2 * hp_size));
    if (scratch == nullptr) return runtime::Status::out_of_memory;
    float* gh = scratch;
    float* bx = gh + gh_size;
    float* bh = bx + bias_size;
    float* w_packed = bh + bias_size;
    float* wn_x = w_packed + F * w_size;  // GRU
    float* wn_h = wn_x + wx_size;
    float* h_packed[2] = {wn_h + wh_size, wn_h + wh_size + hp_size};
    copy_or_zero(bx, a.b_ih, GH);
    copy_or_zero(bh, a.b_hh, GH);
    for (int64_t j = 0; j < F * H; ++j) bh[j] += bx[j];

    // Summed gate g's block of the product is [x | h] · [W_ih | W_hh][gH .. gH + H)ᵀ, packed per gate so a
    // unit block's columns of every gate start on panel boundaries whatever H is: a panel's first I·nr
    // floats hold W_ih's part of its depth and the rest W_hh's, each packed as a panel of its own.
    for_each_unit_block(ctx, plan, H, [&](int64_t j0, int64_t j1) {
      for (int64_t g = 0; g < F; ++g) {
        float* dst = w_packed + g * w_size;
        for (int64_t j = j0; j < j1; j += pk.nr) {
          const int64_t n = j1 - j < pk.nr ? j1 - j : pk.nr, row = g * H + j;
          gemm_pack_b_block_f32(pk, I, n, 0, n, a.w_ih + row * I, I, true, dst + j * K);
          gemm_pack_b_block_f32(pk, H, n, 0, n, a.w_hh + row * H, H, true, dst + j * K + I * pk.nr);
        }
      }
      if (gru) {
        gemm_pack_b_block_f32(pk, I, H, j0, j1, a.w_ih + 2 * H * I, I, true, wn_x);
        gemm_pack_b_block_f32(pk, H, H, j0, j1, a.w_hh + 2 * H * H, H, true, wn_h);
      }
    });
    // Row b of x at time t is seq_row(t, b): a group's rows are lda_x apart.
    const int64_t lda_x = s.batch_first ? T * a.ldx : a.ldx;
    auto pack_x = [&](int64_t step, int64_t g0, int64_t rows, int64_t i0, int64_t i1, float* dst) {
      if (I == 0) return;
      gemm_pack_a_block_f32(pk, rows, K, i0, i1, 0, I, a.x + seq_row(s, step_time(s, step), g0) * a.ldx, lda_x,
                            false, dst);
    };
    for (int64_t g0 = 0, g = 0; g0 < B; g0 += plan.group_rows, ++g) {
      const int64_t rows = B - g0 < plan.group_rows ? B - g0 : plan.group_rows;
      float* dst = h_packed[0] + g * plan.packed(K);
      gemm_pack_a_block_f32(pk, rows, K, 0, rows, I, K, hs + g0 * H, H, false, dst);
      pack_x(0, g0, rows, 0, rows, dst);
    }

    // A row of Gh: the summed gates, then (GRU) n's input side and hidden side, as the gate kernels expect.
    const int64_t ldc = GW;
    const RnnGateFn gate = select_gate_kernels(ctx.isa, s.mode).forward;
    for_each_step_block(ctx, plan, T, B, H, [&](int64_t step, const StepBlock& k) {
      const int64_t t = step_time(s, step), i0 = k.i0, i1 = k.i1, j0 = k.j0, j1 = k.j1, g0 = k.g0;
      const float* h_prev = hs + step * BH;
      float* h_next = hs + (step + 1) * BH;
      const float* ap = h_packed[step & 1] + k.g * plan.packed(K);  // the group's rows as a matrix of their own
      float* c = gh + g0 * GW;
      for (int64_t g = 0; g < F; ++g) {
        gemm_packed_f32(pk, K, ap, w_packed + g * w_size, i0 - g0, i1 - g0, j0, j1, c + g * H, ldc, 0.0f);
      }
      if (gru) {
        // Each register tile alone: its row panel's x part is a packed panel of depth I, its h part one of
        // depth H. Column panels outside, so one of W_in's / W_hn's panels serves every row panel.
        for (int64_t jr = j0; jr < j1; jr += pk.nr) {
          const int64_t je = jr + pk.nr < j1 ? jr + pk.nr : j1;
          for (int64_t ir = i0 - g0; ir < i1 - g0; ir += pk.mr) {
            const int64_t m = i1 - g0 - ir < pk.mr ? i1 - g0 - ir : pk.mr;
            const float* panel = ap + ir * K;
            gemm_packed_f32(pk, I, panel, wn_x, 0, m, jr, je, c + ir * ldc + 2 * H, ldc, 0.0f);
            gemm_packed_f32(pk, H, panel + I * pk.mr, wn_h, 0, m, jr, je, c + ir * ldc + 3 * H, ldc, 0.0f);
          }
        }
      }
      for (int64_t b = i0; b < i1; ++b) {
        const int64_t xr = seq_row(s, t, b), hb = b * H + j0;
        RnnGateRow r;
        r.n = j1 - j0;
        r.stride = H;
        r.g = c + (b - g0) * ldc + j0;
        r.bx = bx + j0;
        r.bh = bh + j0;
        r.h_prev = h_prev + hb;
        r.c_prev = lstm ? cs + step * BH + hb : nullptr;
        r.h = h_next + hb;
        r.c = lstm ? cs + (step + 1) * BH + hb : nullptr;
        r.y = a.y + xr * a.ldy + j0;
        r.gates = saved_row > 0 ? saved + xr * saved_row + j0 : nullptr;
        gate(r);
      }
      if (step + 1 < T) {
        float* dst = h_packed[(step + 1) & 1] + k.g * plan.packed(K);
        gemm_pack_a_block_f32(pk, k.g1 - g0, K, i0 - g0, i1 - g0, I + j0, I + j1, h_next + g0 * H + j0, H, false,
                              dst);
        if (j0 == 0) pack_x(step + 1, g0, k.g1 - g0, i0 - g0, i1 - g0, dst);
      }
    });
  }
  if (a.h_n != nullptr) copy_or_zero(a.h_n, hs + T * BH, BH);
  if (lstm && a.c_n != nullptr) copy_or_zero(a.c_n, cs + T * BH, BH);
  return runtime::Status::ok;
}

}  // namespace nodegrad::kernels
