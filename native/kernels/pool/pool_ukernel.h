// Pooling micro-kernels: one run of `count` outputs of one output row whose every tap is inside the plane.
// Output j reads plane[(iy0 + ky·dh)·w + ix0 + j·sw + kx·dw] for ky < nky, kx < kw, taps in row-major order.
// SIMD variants handle sw ∈ {1, 2} (the dispatcher sends other strides to the scalar one), never touch an
// element the scalar loop would not (masked loads, or loads ending at the last tap), and are bitwise equal
// to the scalar one.
// Declarations only: each ISA file defines its own functions (no shared inline code across ISA flags).
#pragma once

#include <cstdint>

namespace nodegrad::kernels {

#define NODEGRAD_MAX_POOL_RUN(name)                                                                          \
  void name(const float* plane, int64_t w, int64_t iy0, int64_t nky, int64_t dh, int64_t ix0, int64_t sw,    \
            int64_t kw, int64_t dw, int64_t count, float* y, int32_t* idx) noexcept
// y[j] = (Σ taps) / divisor, summed from 0 in tap order.
#define NODEGRAD_AVG_POOL_RUN(name)                                                                          \
  void name(const float* plane, int64_t w, int64_t iy0, int64_t nky, int64_t ix0, int64_t sw, int64_t kw,    \
            int64_t count, float divisor, float* y) noexcept

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__scalar);
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__scalar);
#if defined(NODEGRAD_HAVE_AVX2)
NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx2);
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx2);
#endif
#if defined(NODEGRAD_HAVE_AVX512)
NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx512);
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx512);
#endif
#if defined(NODEGRAD_HAVE_NEON)
NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__neon);
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__neon);
#endif

}  // namespace nodegrad::kernels
