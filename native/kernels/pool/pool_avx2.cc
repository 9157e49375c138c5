// AVX2 pooling micro-kernels: the shared bodies of pool_simd.h over 8-lane vectors.
#include "pool_vec_avx2.h"

#include "pool_simd.h"

namespace nodegrad::kernels {

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx2) { max_run<Avx2>(run, y, idx); }
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx2) { avg_run<Avx2>(run, divisor, y); }
NODEGRAD_MAX_POOL_BACKWARD_2X2(max_pool2d_backward_2x2s2_f32__avx2) {
  return max_backward_2x2<Avx2>(oh, ow, dy, idx, dx);
}
NODEGRAD_AVG_POOL_BACKWARD_2X2(avg_pool2d_backward_2x2s2_f32__avx2) {
  avg_backward_2x2<Avx2>(oh, ow, dy, divisor, dx);
}

}  // namespace nodegrad::kernels
