// Scalar fused gate kernels: the reference every SIMD variant is tested against, and the fallback.
// sigmoid(x) = 1 / (1 + exp(-x)) saturates correctly in float: exp(-x) overflows to +Inf for x < -88.7,
// giving exactly 0, and underflows to 0 for large x, giving exactly 1; NaN propagates.
#include <cmath>

#include "rnn_gates.h"

namespace nodegrad::kernels {

namespace {
inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }
inline float relu(float x) { return x > 0.0f ? x : (x == x ? 0.0f : x); }  // NaN stays NaN
// Pre-activation of unit j (offset into the gate rows).
inline float preact(const RnnGateRow& r, int64_t j) { return r.g[j] + r.bh[j]; }
}  // namespace

void rnn_gates_tanh_f32__scalar(const RnnGateRow& r) noexcept {
  for (int64_t j = 0; j < r.n; ++j) {
    const float h = std::tanh(preact(r, j));
    r.h[j] = h;
    r.y[j] = h;
  }
}

void rnn_gates_relu_f32__scalar(const RnnGateRow& r) noexcept {
  for (int64_t j = 0; j < r.n; ++j) {
    const float h = relu(preact(r, j));
    r.h[j] = h;
    r.y[j] = h;
  }
}

void lstm_gates_f32__scalar(const RnnGateRow& r) noexcept {
  const int64_t s = r.stride;
  for (int64_t j = 0; j < r.n; ++j) {
    const float i = sigmoid(preact(r, j));
    const float f = sigmoid(preact(r, s + j));
    const float g = std::tanh(preact(r, 2 * s + j));
    const float o = sigmoid(preact(r, 3 * s + j));
    const float c = f * r.c_prev[j] + i * g;
    const float h = o * std::tanh(c);
    r.gates[j] = i;
    r.gates[s + j] = f;
    r.gates[2 * s + j] = g;
    r.gates[3 * s + j] = o;
    r.c[j] = c;
    r.h[j] = h;
    r.y[j] = h;
  }
}

void gru_gates_f32__scalar(const RnnGateRow& r) noexcept {
  const int64_t s = r.stride;
  const float* gx_n = r.g + 2 * s;
  const float* gh_n = r.g + 3 * s;
  for (int64_t j = 0; j < r.n; ++j) {
    const float rg = sigmoid(preact(r, j));
    const float z = sigmoid(preact(r, s + j));
    const float hn = gh_n[j] + r.bh[2 * s + j];
    const float n = std::tanh((gx_n[j] + r.bx[2 * s + j]) + rg * hn);
    const float h = n + z * (r.h_prev[j] - n);
    r.gates[j] = rg;
    r.gates[s + j] = z;
    r.gates[2 * s + j] = n;
    r.gates[3 * s + j] = hn;
    r.h[j] = h;
    r.y[j] = h;
  }
}

void rnn_gates_grad_tanh_f32__scalar(const RnnGateGradRow& r) noexcept {
  for (int64_t j = 0; j < r.n; ++j) {
    const float h = r.h[j];
    const float da = (r.dh[j] + r.dy[j]) * (1.0f - h * h);
    r.dgx[j] = da;
  }
}

void rnn_gates_grad_relu_f32__scalar(const RnnGateGradRow& r) noexcept {
  for (int64_t j = 0; j < r.n; ++j) {
    const float da = r.h[j] > 0.0f ? r.dh[j] + r.dy[j] : 0.0f;
    r.dgx[j] = da;
  }
}

void lstm_gates_grad_f32__scalar(const RnnGateGradRow& r) noexcept {
  const int64_t s = r.stride;
  for (int64_t j = 0; j < r.n; ++j) {
    const float i = r.gates[j], f = r.gates[s + j], g = r.gates[2 * s + j], o = r.gates[3 * s + j];
    const float tc = std::tanh(r.c[j]);
    const float dh = r.dh[j] + r.dy[j];
    const float dc = r.dc[j] + dh * o * (1.0f - tc * tc);
    const float dai = dc * g * i * (1.0f - i);
    const float daf = dc * r.c_prev[j] * f * (1.0f - f);
    const float dag = dc * i * (1.0f - g * g);
    const float dao = dh * tc * o * (1.0f - o);
    r.dc[j] = dc * f;
    r.dgx[j] = dai;
    r.dgx[s + j] = daf;
    r.dgx[2 * s + j] = dag;
    r.dgx[3 * s + j] = dao;
  }
}

void gru_gates_grad_f32__scalar(const RnnGateGradRow& r) noexcept {
  const int64_t s = r.stride;
  for (int64_t j = 0; j < r.n; ++j) {
    const float rg = r.gates[j], z = r.gates[s + j], n = r.gates[2 * s + j], hn = r.gates[3 * s + j];
    const float dh = r.dh[j] + r.dy[j];
    const float dan = dh * (1.0f - z) * (1.0f - n * n);
    const float dar = dan * hn * rg * (1.0f - rg);
    const float daz = dh * (r.h_prev[j] - n) * z * (1.0f - z);
    r.dh_prev[j] = dh * z;
    r.dgx[j] = dar;
    r.dgx[s + j] = daz;
    r.dgx[2 * s + j] = dan;
    r.dghn[j] = dan * rg;
  }
}

}  // namespace nodegrad::kernels
