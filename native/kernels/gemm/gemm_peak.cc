// Peak dispatch and the scalar chains (multiply + add: the baseline ISA has no FMA). See gemm_peak.h.
#include "gemm_peak.h"

namespace nodegrad::kernels {

float gemm_peak_f32__scalar(int64_t iterations, double* flops_per_iteration) noexcept {
  constexpr int kChains = 16;
  float acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = static_cast<float>(i);
  // x < 1 and y > 0 make every chain converge (to y / (1 - x)) instead of overflowing or going subnormal.
  const float x = 0.9999f, y = 0.0001f;
  for (int64_t it = 0; it < iterations; ++it) {
    for (int i = 0; i < kChains; ++i) acc[i] = acc[i] * x + y;
  }
  float sum = 0.0f;
  for (float v : acc) sum += v;
  *flops_per_iteration = 2.0 * kChains;
  return sum;
}

double gemm_peak_f32(runtime::Isa isa, int64_t iterations, float* sink) noexcept {
  double per_iteration = 0.0;
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX512)
    case runtime::Isa::avx512: *sink = gemm_peak_f32__avx512(iterations, &per_iteration); break;
#endif
#if defined(NODEGRAD_HAVE_AVX2)
    case runtime::Isa::avx2: *sink = gemm_peak_f32__avx2(iterations, &per_iteration); break;
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case runtime::Isa::neon: *sink = gemm_peak_f32__neon(iterations, &per_iteration); break;
#endif
    default: *sink = gemm_peak_f32__scalar(iterations, &per_iteration); break;
  }
  return per_iteration * static_cast<double>(iterations);
}

}  // namespace nodegrad::kernels
