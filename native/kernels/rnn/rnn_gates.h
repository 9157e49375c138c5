// Fused gate micro-kernels: one batch row, a block of n hidden units, every gate of the cell in one pass.
// Pointers are pre-offset to the block's first unit; gate block k of a row (g, bx, bh, gates, dgx, dgh)
// starts at k * stride (stride = H). The forward kernels read the step's product row g: per gate one sum
// over the input and hidden sides, a = g + bh with bh holding both biases' sum; for GRU so for r and z,
// while the n gate's input side gx_n sits in block 2 and its hidden side gh_n in block 3 (its biases bx_n
// and bh_n in block 2 of bx and bh). Formulas (PyTorch's, see rnn.h):
//   rnn:  h = act(a)
//   lstm: i, f, o = sigmoid(a_i, a_f, a_o), g = tanh(a_g); c = f*c_prev + i*g; h = o*tanh(c)
//   gru:  r, z = sigmoid(a_r, a_z); hn = gh_n + bh_n; n = tanh(gx_n + bx_n + r*hn); h = n + z*(h_prev - n)
// Plain structs and declarations only, so the ISA files may include this header.
#pragma once

#include <cstdint>

namespace nodegrad::kernels {

struct RnnGateRow {
  int64_t n;       // units in the block
  int64_t stride;  // H
  const float* g;   // the step's product row, without biases
  const float* bx;  // input bias (zeros when absent; GRU's n gate only)
  const float* bh;  // summed biases (GRU's n gate: the hidden bias alone)
  const float* h_prev;
  const float* c_prev;  // LSTM only
  float* h;             // new state (the reserve's hs[s+1] row)
  float* c;             // LSTM only
  float* y;             // output row
  float* gates;         // saved activations (LSTM, GRU)
};

struct RnnGateGradRow {
  int64_t n;
  int64_t stride;
  const float* dh;      // gradient reaching h from step s+1 (or dh_n)
  const float* dy;      // gradient of this step's output (zeros when absent)
  const float* gates;   // saved activations
  const float* h_prev;  // GRU
  const float* h;       // RNN: the state this step produced
  const float* c_prev;  // LSTM
  const float* c;       // LSTM
  float* dc;            // LSTM: in dc from step s+1, out dc_prev (in place)
  float* dgx;           // pre-activation gradients (every gate; the input side for GRU's n gate)
  float* dghn;          // GRU: the n gate's hidden-side gradient dA_n * r (n floats); others: unused
  float* dh_prev;       // GRU: the direct path dh * z (the W_hh path is added by a GEMM)
};

using RnnGateFn = void (*)(const RnnGateRow&) noexcept;
using RnnGateGradFn = void (*)(const RnnGateGradRow&) noexcept;

// One set per ISA: __scalar (plain C++, std::tanh/std::exp, the reference) always; __avx2, __avx512 and
// __neon from rnn_gates_simd.h over the SIMD vocabulary.
#define NODEGRAD_RNN_GATE_KERNELS(isa)                                 \
  void rnn_gates_tanh_f32__##isa(const RnnGateRow& r) noexcept;         \
  void rnn_gates_relu_f32__##isa(const RnnGateRow& r) noexcept;         \
  void lstm_gates_f32__##isa(const RnnGateRow& r) noexcept;             \
  void gru_gates_f32__##isa(const RnnGateRow& r) noexcept;              \
  void rnn_gates_grad_tanh_f32__##isa(const RnnGateGradRow& r) noexcept; \
  void rnn_gates_grad_relu_f32__##isa(const RnnGateGradRow& r) noexcept; \
  void lstm_gates_grad_f32__##isa(const RnnGateGradRow& r) noexcept;     \
  void gru_gates_grad_f32__##isa(const RnnGateGradRow& r) noexcept;

NODEGRAD_RNN_GATE_KERNELS(scalar)
#if defined(__x86_64__) || defined(_M_X64)
NODEGRAD_RNN_GATE_KERNELS(avx2)
NODEGRAD_RNN_GATE_KERNELS(avx512)
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
NODEGRAD_RNN_GATE_KERNELS(neon)
#endif
#undef NODEGRAD_RNN_GATE_KERNELS

}  // namespace nodegrad::kernels
