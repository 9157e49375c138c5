// AVX2 pooling micro-kernels: the shared bodies of pool_simd.h over 8-lane vectors, over 4-lane ones for rows
// of 4-7 outputs (two overlapping full vectors instead of masked loads and stores, slow on some cores), and
// the scalar loop for rows of fewer than 4.
#include "pool_vec_avx2.h"
#include "pool_vec_sse.h"

#include "pool_simd.h"
#include "pool_simd_plane.h"

namespace nodegrad::kernels {

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx2) {
  if (run.count < 4) return max_pool2d_run_f32__scalar(run, y, idx);
  if (run.count < 8) return max_run<Sse>(run, y, idx);
  max_run<Avx2>(run, y, idx);
}
NODEGRAD_MAX_POOL_PLANE(max_pool2d_plane_f32__avx2) {
  if (run.in_end - run.in_begin < 8) return max_plane<Sse>(run, y, idx);
  max_plane<Avx2>(run, y, idx);
}
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx2) {
  if (run.count < 4) return avg_pool2d_run_f32__scalar(run, divisor, y);
  if (run.count < 8) return avg_run<Sse>(run, divisor, y);
  avg_run<Avx2>(run, divisor, y);
}
NODEGRAD_MAX_POOL_BACKWARD_2X2(max_pool2d_backward_2x2s2_f32__avx2) {
  if (ow >= 4 && ow < 8) return max_backward_2x2<Sse>(oh, ow, dy, idx, dx);
  return max_backward_2x2<Avx2>(oh, ow, dy, idx, dx);
}
NODEGRAD_AVG_POOL_BACKWARD_2X2(avg_pool2d_backward_2x2s2_f32__avx2) {
  if (ow >= 4 && ow < 8) return avg_backward_2x2<Sse>(oh, ow, dy, divisor, dx);
  avg_backward_2x2<Avx2>(oh, ow, dy, divisor, dx);
}

NODEGRAD_PLANE_MEANS(plane_means_f32__avx2) {
  plane_means<Avx2>(planes, n, divisor, x, y);
}

}  // namespace nodegrad::kernels
