// NEON micro-kernel (AArch64): an 8x12 tile of C in 24 q-register accumulators (of 32). Per k step three B
// vectors and two A vectors are loaded; each FMA takes its A value by lane (fmla v.4s, v.4s, v.s[lane]).
// Contract: gemm_ukernel.h. No STL and no shared inline code in this file.
#include <arm_neon.h>

#include "gemm_ukernel.h"

namespace nodegrad::kernels {

void gemm_ukernel_f32_8x12__neon(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                 float* c, int64_t ldc, float alpha, float beta) noexcept {
  constexpr int MR = 8;
  float32x4_t acc[MR][3];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0.0f);
  for (int64_t p = 0; p < kc; ++p) {
    const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
    const float32x4_t a_lo = vld1q_f32(a), a_hi = vld1q_f32(a + 4);
#define NODEGRAD_ROW(i, av, lane)                          \
  acc[i][0] = vfmaq_laneq_f32(acc[i][0], b0, av, lane);   \
  acc[i][1] = vfmaq_laneq_f32(acc[i][1], b1, av, lane);   \
  acc[i][2] = vfmaq_laneq_f32(acc[i][2], b2, av, lane);
    NODEGRAD_ROW(0, a_lo, 0) NODEGRAD_ROW(1, a_lo, 1) NODEGRAD_ROW(2, a_lo, 2) NODEGRAD_ROW(3, a_lo, 3)
    NODEGRAD_ROW(4, a_hi, 0) NODEGRAD_ROW(5, a_hi, 1) NODEGRAD_ROW(6, a_hi, 2) NODEGRAD_ROW(7, a_hi, 3)
#undef NODEGRAD_ROW
    a += a_step;
    b += b_step;
  }
  const float32x4_t va = vdupq_n_f32(alpha);
  if (beta == 0.0f) {
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      for (int v = 0; v < 3; ++v) vst1q_f32(c + i * ldc + 4 * v, vmulq_f32(va, acc[i][v]));
    }
  } else {
    const float32x4_t vb = vdupq_n_f32(beta);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      float* ci = c + i * ldc;
      for (int v = 0; v < 3; ++v) vst1q_f32(ci + 4 * v, vfmaq_f32(vmulq_f32(va, acc[i][v]), vb, vld1q_f32(ci + 4 * v)));
    }
  }
}

}  // namespace nodegrad::kernels
