// rnn_gates.h's fused gate kernels for avx512: rnn_gates_simd.h over simd_avx512.h.
#include "../simd/simd_avx512.h"
#include "rnn_gates.h"

namespace nodegrad::kernels {

using namespace simd::avx512;

#include "rnn_gates_simd.h"

void rnn_gates_tanh_f32__avx512(const RnnGateRow& r) noexcept { rnn_gates<false>(r); }
void rnn_gates_relu_f32__avx512(const RnnGateRow& r) noexcept { rnn_gates<true>(r); }
void lstm_gates_f32__avx512(const RnnGateRow& r) noexcept { lstm_gates(r); }
void gru_gates_f32__avx512(const RnnGateRow& r) noexcept { gru_gates(r); }
void rnn_gates_grad_tanh_f32__avx512(const RnnGateGradRow& r) noexcept { rnn_gates_grad<false>(r); }
void rnn_gates_grad_relu_f32__avx512(const RnnGateGradRow& r) noexcept { rnn_gates_grad<true>(r); }
void lstm_gates_grad_f32__avx512(const RnnGateGradRow& r) noexcept { lstm_gates_grad(r); }
void gru_gates_grad_f32__avx512(const RnnGateGradRow& r) noexcept { gru_gates_grad(r); }

}  // namespace nodegrad::kernels
