// NEON pooling micro-kernels, 4 outputs per vector (contract in pool_ukernel.h). Strided taps (sw = 2) are two
// loads ending at the last tap and an even/odd unzip, so nothing past p[(r−1)·sw] is read; the row's last
// 1-3 outputs take the scalar loop's exact steps (same tap order, same NaN and tie rules, same division).
#include <arm_neon.h>

#include "pool_ukernel.h"

namespace nodegrad::kernels {

namespace {

// Taps p[0], p[sw], p[2·sw], p[3·sw] (sw ∈ {1, 2}).
inline float32x4_t load_tap(const float* p, int64_t sw) {
  if (sw == 1) return vld1q_f32(p);
  const float32x4_t a = vld1q_f32(p), b = vld1q_f32(p + 3);  // p0 p1 p2 p3 | p3 p4 p5 p6
  return vcombine_f32(vget_low_f32(vuzp1q_f32(a, a)), vget_low_f32(vuzp2q_f32(b, b)));
}

}  // namespace

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__neon) {
  const int32x4_t lane_sw = vmulq_n_s32(int32x4_t{0, 1, 2, 3}, static_cast<int32_t>(sw));
  int64_t j = 0;
  for (; j + 4 <= count; j += 4) {
    const int64_t base = iy0 * w + ix0 + j * sw;
    float32x4_t m = load_tap(plane + base, sw);
    int32x4_t id = vaddq_s32(vdupq_n_s32(static_cast<int32_t>(base)), lane_sw);
    for (int64_t ky = 0; ky < nky; ++ky) {
      for (int64_t kx = ky == 0 ? 1 : 0; kx < kw; ++kx) {
        const int64_t at = base + ky * dh * w + kx * dw;
        const float32x4_t v = load_tap(plane + at, sw);
        // Take v when it is larger, or when it is the window's first NaN (a NaN compares false with anything).
        const uint32x4_t first_nan = vandq_u32(vceqq_f32(m, m), vmvnq_u32(vceqq_f32(v, v)));
        const uint32x4_t take = vorrq_u32(vcgtq_f32(v, m), first_nan);
        m = vbslq_f32(take, v, m);
        id = vbslq_s32(take, vaddq_s32(vdupq_n_s32(static_cast<int32_t>(at)), lane_sw), id);
      }
    }
    vst1q_f32(y + j, m);
    vst1q_s32(idx + j, id);
  }
  if (j < count) {
    max_pool2d_run_f32__scalar(plane, w, iy0, nky, dh, ix0 + j * sw, sw, kw, dw, count - j, y + j, idx + j);
  }
}

NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__neon) {
  const float32x4_t div = vdupq_n_f32(divisor);
  int64_t j = 0;
  for (; j + 4 <= count; j += 4) {
    const float* p = plane + iy0 * w + ix0 + j * sw;
    float32x4_t sum = vdupq_n_f32(0.0f);
    for (int64_t ky = 0; ky < nky; ++ky) {
      for (int64_t kx = 0; kx < kw; ++kx) sum = vaddq_f32(sum, load_tap(p + ky * w + kx, sw));
    }
    vst1q_f32(y + j, vdivq_f32(sum, div));
  }
  if (j < count) avg_pool2d_run_f32__scalar(plane, w, iy0, nky, ix0 + j * sw, sw, kw, count - j, divisor, y + j);
}

}  // namespace nodegrad::kernels
