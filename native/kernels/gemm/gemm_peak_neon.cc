// NEON FMA peak: 16 independent q-register chains. See gemm_peak.h.
#include <arm_neon.h>

#include "gemm_peak.h"

namespace nodegrad::kernels {

float gemm_peak_f32__neon(int64_t iterations, double* flops_per_iteration) noexcept {
  constexpr int kChains = 16;
  float32x4_t acc[kChains];
#pragma GCC unroll 16
  for (int i = 0; i < kChains; ++i) acc[i] = vdupq_n_f32(static_cast<float>(i));
  const float32x4_t x = vdupq_n_f32(0.9999f), y = vdupq_n_f32(0.0001f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kChains; ++i) acc[i] = vfmaq_f32(y, acc[i], x);
  }
  float32x4_t sum = acc[0];
#pragma GCC unroll 16
  for (int i = 1; i < kChains; ++i) sum = vaddq_f32(sum, acc[i]);
  *flops_per_iteration = 2.0 * 4 * kChains;
  return vaddvq_f32(sum);
}

}  // namespace nodegrad::kernels
