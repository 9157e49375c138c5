// AVX2+FMA peak: 12 independent ymm chains (more than 2 pipes x 4-cycle latency). See gemm_peak.h.
#include <immintrin.h>

#include "gemm_peak.h"

namespace nodegrad::kernels {

float gemm_peak_f32__avx2(int64_t iterations, double* flops_per_iteration) noexcept {
  constexpr int kChains = 12;
  __m256 acc[kChains];
#pragma GCC unroll 12
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
  const __m256 x = _mm256_set1_ps(0.9999f), y = _mm256_set1_ps(0.0001f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
  }
  __m256 sum = acc[0];
#pragma GCC unroll 12
  for (int i = 1; i < kChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  float total = 0.0f;
  for (float v : lanes) total += v;
  *flops_per_iteration = 2.0 * 8 * kChains;
  return total;
}

}  // namespace nodegrad::kernels
