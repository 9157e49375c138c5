// Recurrent layers, one layer and one direction at a time: Elman RNN (tanh, relu), LSTM and GRU, with
// PyTorch's semantics (gate rows i, f, g, o for LSTM and r, z, n for GRU, whose n gate keeps the hidden
// bias inside the reset product: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).
//
// Layouts (all float32, row-major):
//   x  [T, B, I] rows of I with leading dimension ldx (batch_first: [B, T, I]); y alike with H and ldy, so a
//      bidirectional layer writes its two directions into column halves of one [T, B, 2H] output.
//   h0, c0, h_n, c_n  [B, H] dense; w_ih [G*H, I], w_hh [G*H, H] dense; b_ih, b_hh [G*H]; G = 1, 4 or 3.
//   reserve: what backward needs, written by forward (rnn_reserve_size floats); states in processing-step
//      order s = 0..T-1 (time t = s, or T-1-s when reverse), gates in x's row order:
//        hs     [(T+1), B, H]   hs[s] = state before step s (hs[0] = h0, hs[T] = h_n)
//        cs     [(T+1), B, H]   LSTM only, the same for the cell state
//        gates  [T*B, 4H]       the row of x's row (t, b); LSTM: activated i, f, g, o; GRU: r, z, n and
//                               W_hn h + b_hn; RNN: none
// Optional pointers (h0, c0, biases, h_n, c_n, dy, every gradient) may be null: absent initial states and
// biases are zeros, absent outputs are not written. Gradient outputs are accumulated into (+=), including
// dx, dh0 and dc0, so layers and directions sharing an input compose without extra buffers.
// Outputs must not overlap inputs. Results are bitwise identical for every thread count.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

enum class RnnMode : int { rnn_tanh = 0, rnn_relu = 1, lstm = 2, gru = 3 };

struct RnnShape {
  RnnMode mode = RnnMode::lstm;
  int64_t seq_len = 0;  // T
  int64_t batch = 0;    // B
  int64_t input = 0;    // I
  int64_t hidden = 0;   // H
  bool batch_first = false;
  bool reverse = false;
};

struct RnnForwardArgs {
  const float* x = nullptr;
  int64_t ldx = 0;
  const float* h0 = nullptr;
  const float* c0 = nullptr;
  const float* w_ih = nullptr;
  const float* w_hh = nullptr;
  const float* b_ih = nullptr;
  const float* b_hh = nullptr;
  float* y = nullptr;
  int64_t ldy = 0;
  float* h_n = nullptr;
  float* c_n = nullptr;
  float* reserve = nullptr;
};

struct RnnBackwardArgs {
  const float* x = nullptr;
  int64_t ldx = 0;
  const float* w_ih = nullptr;
  const float* w_hh = nullptr;
  const float* reserve = nullptr;  // as written by rnn_forward_f32 for the same shape and inputs
  const float* dy = nullptr;
  int64_t ldy = 0;
  const float* dh_n = nullptr;
  const float* dc_n = nullptr;
  float* dx = nullptr;
  int64_t lddx = 0;
  float* dh0 = nullptr;
  float* dc0 = nullptr;
  float* dw_ih = nullptr;
  float* dw_hh = nullptr;
  float* db_ih = nullptr;
  float* db_hh = nullptr;
};

inline int64_t rnn_gate_count(RnnMode mode) noexcept {
  return mode == RnnMode::lstm ? 4 : mode == RnnMode::gru ? 3 : 1;
}

// Floats of the reserve for this shape; callers check the products for overflow first
// ((T+1)·B·H·2 + T·B·4H must fit).
inline int64_t rnn_reserve_size(const RnnShape& s) noexcept {
  const int64_t states = (s.seq_len + 1) * s.batch * s.hidden;
  const int64_t steps = s.seq_len * s.batch * s.hidden;
  switch (s.mode) {
    case RnnMode::lstm: return 2 * states + 4 * steps;
    case RnnMode::gru: return states + 4 * steps;
    default: return states;
  }
}

// The whole sequence: per step one product of [x_t | h] with the weights (GRU's n gate: its two sides
// apart) and a fused gate kernel (bias add, activations and state update in one pass).
runtime::Status rnn_forward_f32(runtime::Context& ctx, const RnnShape& shape, const RnnForwardArgs& args) noexcept;

// Backward through time: per step a fused gate-gradient kernel and one GEMM with W_hh; then dx and the
// weight gradients as large GEMMs over all T steps and the bias gradients as column sums.
runtime::Status rnn_backward_f32(runtime::Context& ctx, const RnnShape& shape, const RnnBackwardArgs& args) noexcept;

}  // namespace nodegrad::kernels
