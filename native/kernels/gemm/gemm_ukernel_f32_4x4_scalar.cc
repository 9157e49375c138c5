// The portable micro-kernel: a 4x4 tile in plain C++ (the compiler may vectorise it for the baseline ISA).
// Contract: gemm_ukernel.h.
#include "gemm_ukernel.h"

namespace nodegrad::kernels {

void gemm_ukernel_f32_4x4__scalar(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                  float* c, int64_t ldc, float alpha, float beta) noexcept {
  constexpr int MR = 4, NR = 4;
  float acc[MR][NR] = {};
  for (int64_t p = 0; p < kc; ++p) {
    for (int i = 0; i < MR; ++i) {
      for (int j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
    }
    a += a_step;
    b += b_step;
  }
  for (int i = 0; i < MR; ++i) {
    float* ci = c + i * ldc;
    for (int j = 0; j < NR; ++j) ci[j] = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * ci[j];
  }
}

}  // namespace nodegrad::kernels
