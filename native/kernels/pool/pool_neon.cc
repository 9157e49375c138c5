// NEON pooling micro-kernels, 4 outputs per vector (contract in pool_ukernel.h). Strided taps (sw = 2) are two
// loads ending at the last tap and an even/odd unzip, so nothing past p[(r−1)·sw] is read; 2×2/2 windows load
// both columns of a row at once (vld2q), and the 2×2/2 backward stores both (vst2q). A row's last vector is
// moved back to end at the row's end (recomputing a few outputs with the same values); rows of fewer than 4
// outputs take the scalar loop's exact steps (same tap order, same NaN and tie rules, same division).
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

// Lanes where v replaces the running max m: v > m, or v is NaN and m is not (a NaN compares false with anything).
inline uint32x4_t take(float32x4_t m, float32x4_t v) {
  return vandq_u32(vmvnq_u32(vcleq_f32(v, m)), vceqq_f32(m, m));
}

// One row of `run` at input row iy, from output j on, through the scalar loop.
inline PoolRun row_tail(const PoolRun& run, int64_t iy, int64_t j) {
  PoolRun t = run;
  t.iy0 = iy;
  t.rows = 1;
  t.ix0 = run.ix0 + j * run.sw;
  t.count = run.count - j;
  return t;
}

void max_row(const PoolRun& k, int64_t iy, float* y, int32_t* idx) {
  const int32x4_t lane_sw = vmulq_n_s32(int32x4_t{0, 1, 2, 3}, static_cast<int32_t>(k.sw));
  for (int64_t j = 0; j < k.count; j += 4) {
    if (k.count - j < 4) j = k.count - 4;
    const int64_t base = iy * k.w + k.ix0 + j * k.sw;
    float32x4_t m = load_tap(k.plane + base, k.sw);
    int32x4_t id = vaddq_s32(vdupq_n_s32(static_cast<int32_t>(base)), lane_sw);
    for (int64_t ky = 0; ky < k.nky; ++ky) {
      for (int64_t kx = ky == 0 ? 1 : 0; kx < k.kw; ++kx) {
        const int64_t at = base + ky * k.dh * k.w + kx * k.dw;
        const float32x4_t v = load_tap(k.plane + at, k.sw);
        const uint32x4_t t = take(m, v);
        m = vbslq_f32(t, v, m);
        id = vbslq_s32(t, vaddq_s32(vdupq_n_s32(static_cast<int32_t>(at)), lane_sw), id);
      }
    }
    vst1q_f32(y + j, m);
    vst1q_s32(idx + j, id);
  }
}

// 2×2 windows, stride 2: the first maximum as a tree (top pair, bottom pair, top against bottom), the same tap
// as the row-major scan because each merge keeps its earlier side unless the later one is strictly larger or a
// NaN against a number.
void max_row_2x2(const float* plane, int64_t w, int64_t iy, int64_t ix0, int64_t count, float* y, int32_t* idx) {
  const int32x4_t pairs = {0, 2, 4, 6}, one = vdupq_n_s32(1);
  for (int64_t j = 0; j < count; j += 4) {
    if (count - j < 4) j = count - 4;
    const int64_t base = iy * w + ix0 + 2 * j;
    const float32x4x2_t t = vld2q_f32(plane + base), b = vld2q_f32(plane + base + w);
    const uint32x4_t tt = take(t.val[0], t.val[1]), tb = take(b.val[0], b.val[1]);
    const float32x4_t mt = vbslq_f32(tt, t.val[1], t.val[0]), mb = vbslq_f32(tb, b.val[1], b.val[0]);
    const uint32x4_t tv = take(mt, mb);
    const int32x4_t id = vaddq_s32(vdupq_n_s32(static_cast<int32_t>(base)), pairs);
    const int32x4_t it = vbslq_s32(tt, vaddq_s32(id, one), id);
    const int32x4_t ib0 = vaddq_s32(id, vdupq_n_s32(static_cast<int32_t>(w)));
    const int32x4_t ib = vbslq_s32(tb, vaddq_s32(ib0, one), ib0);
    vst1q_f32(y + j, vbslq_f32(tv, mb, mt));
    vst1q_s32(idx + j, vbslq_s32(tv, ib, it));
  }
}

}  // namespace

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__neon) {
  const bool pair = run.sw == 2 && run.kw == 2 && run.nky == 2 && run.dh == 1 && run.dw == 1;
  for (int64_t row = 0; row < run.rows; ++row) {
    const int64_t iy = run.iy0 + row * run.sh;
    float* yr = y + row * run.ldy;
    int32_t* ir = idx + row * run.ldy;
    if (run.count < 4) {
      max_pool2d_run_f32__scalar(row_tail(run, iy, 0), yr, ir);
    } else if (pair) {
      max_row_2x2(run.plane, run.w, iy, run.ix0, run.count, yr, ir);
    } else {
      max_row(run, iy, yr, ir);
    }
  }
}

NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__neon) {
  const float32x4_t div = vdupq_n_f32(divisor);
  const bool pair = run.sw == 2 && run.kw == 2 && run.nky == 2;
  for (int64_t row = 0; row < run.rows; ++row) {
    const int64_t iy = run.iy0 + row * run.sh;
    float* yr = y + row * run.ldy;
    if (run.count < 4) {
      avg_pool2d_run_f32__scalar(row_tail(run, iy, 0), divisor, yr);
      continue;
    }
    const float* p = run.plane + iy * run.w + run.ix0;
    for (int64_t j = 0; j < run.count; j += 4) {
      if (run.count - j < 4) j = run.count - 4;
      float32x4_t sum = vdupq_n_f32(0.0f);
      if (pair) {
        const float32x4x2_t t = vld2q_f32(p + 2 * j), b = vld2q_f32(p + 2 * j + run.w);
        sum = vaddq_f32(vaddq_f32(vaddq_f32(vaddq_f32(sum, t.val[0]), t.val[1]), b.val[0]), b.val[1]);
      } else {
        for (int64_t ky = 0; ky < run.nky; ++ky) {
          for (int64_t kx = 0; kx < run.kw; ++kx) sum = vaddq_f32(sum, load_tap(p + j * run.sw + ky * run.w + kx, run.sw));
        }
      }
      vst1q_f32(yr + j, vdivq_f32(sum, div));
    }
  }
}

NODEGRAD_MAX_POOL_BACKWARD_2X2(max_pool2d_backward_2x2s2_f32__neon) {
  const int64_t w = 2 * ow;
  const int32x4_t pairs = {0, 2, 4, 6}, one = vdupq_n_s32(1), right = vdupq_n_s32(static_cast<int32_t>(w));
  const int32x4_t diag = vdupq_n_s32(static_cast<int32_t>(w + 1)), none = vdupq_n_s32(-1);
  const float32x4_t zero = vdupq_n_f32(0.0f);
  for (int64_t oy = 0; oy < oh; ++oy) {
    float* top = dx + 2 * oy * w;
    for (int64_t j = 0; ow < 4 && j < ow; ++j) {  // narrow rows: one window at a time
      const int64_t at = 2 * oy * w + 2 * j;
      const int32_t i = idx[oy * ow + j];
      const float g = dy[oy * ow + j] + 0.0f;
      if (i != -1 && i != at && i != at + 1 && i != at + w && i != at + w + 1) return false;
      top[2 * j] = i == at ? g : 0.0f;
      top[2 * j + 1] = i == at + 1 ? g : 0.0f;
      top[w + 2 * j] = i == at + w ? g : 0.0f;
      top[w + 2 * j + 1] = i == at + w + 1 ? g : 0.0f;
    }
    for (int64_t j = 0; ow >= 4 && j < ow; j += 4) {
      if (ow - j < 4) j = ow - 4;
      const float32x4_t g = vaddq_f32(vld1q_f32(dy + oy * ow + j), zero);  // 0 + dy, as the scatter adds
      const int32x4_t at = vld1q_s32(idx + oy * ow + j);
      const int32x4_t rel = vsubq_s32(at, vaddq_s32(vdupq_n_s32(static_cast<int32_t>(2 * oy * w + 2 * j)), pairs));
      const uint32x4_t m0 = vceqq_s32(rel, vdupq_n_s32(0)), m1 = vceqq_s32(rel, one), m2 = vceqq_s32(rel, right),
                       m3 = vceqq_s32(rel, diag);
      const uint32x4_t ok = vorrq_u32(vorrq_u32(vorrq_u32(m0, m1), vorrq_u32(m2, m3)), vceqq_s32(at, none));
      if (vminvq_u32(ok) == 0) return false;
      const float32x4x2_t t = {{vbslq_f32(m0, g, zero), vbslq_f32(m1, g, zero)}};
      const float32x4x2_t b = {{vbslq_f32(m2, g, zero), vbslq_f32(m3, g, zero)}};
      vst2q_f32(top + 2 * j, t);
      vst2q_f32(top + w + 2 * j, b);
    }
  }
  return true;
}

NODEGRAD_AVG_POOL_BACKWARD_2X2(avg_pool2d_backward_2x2s2_f32__neon) {
  const int64_t w = 2 * ow;
  const float32x4_t div = vdupq_n_f32(divisor), zero = vdupq_n_f32(0.0f);
  for (int64_t oy = 0; oy < oh; ++oy) {
    float* top = dx + 2 * oy * w;
    for (int64_t j = 0; ow < 4 && j < ow; ++j) {  // narrow rows: one window at a time
      const float v = dy[oy * ow + j] / divisor + 0.0f;
      top[2 * j] = top[2 * j + 1] = top[w + 2 * j] = top[w + 2 * j + 1] = v;
    }
    for (int64_t j = 0; ow >= 4 && j < ow; j += 4) {
      if (ow - j < 4) j = ow - 4;
      const float32x4_t v = vaddq_f32(vdivq_f32(vld1q_f32(dy + oy * ow + j), div), zero);
      const float32x4x2_t pair = {{v, v}};
      vst2q_f32(top + 2 * j, pair);
      vst2q_f32(top + w + 2 * j, pair);
    }
  }
}

// Two accumulators over whole vectors, the plane's last elements one by one, then across the lanes.
NODEGRAD_PLANE_MEANS(plane_means_f32__neon) {
  for (int64_t p = 0; p < planes; ++p) {
    const float* a = x + p * n;
    float32x4_t s0 = vdupq_n_f32(0.0f), s1 = vdupq_n_f32(0.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
      s0 = vaddq_f32(s0, vld1q_f32(a + i));
      s1 = vaddq_f32(s1, vld1q_f32(a + i + 4));
    }
    if (i + 4 <= n) {
      s0 = vaddq_f32(s0, vld1q_f32(a + i));
      i += 4;
    }
    float tail = 0.0f;
    for (; i < n; ++i) tail += a[i];
    y[p] = (vaddvq_f32(vaddq_f32(s0, s1)) + tail) / divisor;
  }
}

}  // namespace nodegrad::kernels
