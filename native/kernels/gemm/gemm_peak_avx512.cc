// AVX-512 FMA peak: 24 independent zmm chains (more than 2 pipes x 4-cycle latency). See gemm_peak.h.
#include <immintrin.h>

#include "gemm_peak.h"

namespace nodegrad::kernels {

float gemm_peak_f32__avx512(int64_t iterations, double* flops_per_iteration) noexcept {
  constexpr int kChains = 24;
  __m512 acc[kChains];
#pragma GCC unroll 24
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  const __m512 x = _mm512_set1_ps(0.9999f), y = _mm512_set1_ps(0.0001f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 24
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
  }
  __m512 sum = acc[0];
#pragma GCC unroll 24
  for (int i = 1; i < kChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, sum);
  float total = 0.0f;
  for (float v : lanes) total += v;
  *flops_per_iteration = 2.0 * 16 * kChains;
  return total;
}

}  // namespace nodegrad::kernels
