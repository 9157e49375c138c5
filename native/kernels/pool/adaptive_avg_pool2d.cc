// Adaptive average pooling, forward and backward; semantics in pool2d.h. Three cases: global pooling (1×1
// output) through the ISA's plane-mean micro-kernel and a fill; windows that tile the plane (h, w multiples
// of oh, ow) as average pooling with kernel = stride (the same taps in the same order, the same divisor);
// the rest through the scalar loops.
#include <algorithm>

#include "pool2d.h"
#include "pool_common.h"
#include "pool_ukernel.h"

namespace nodegrad::kernels {

NODEGRAD_PLANE_MEANS(plane_means_f32__scalar) {
  for (int64_t p = 0; p < planes; ++p) {
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) sum += x[p * n + i];
    y[p] = sum / divisor;
  }
}

namespace {

using PlaneMeans = NODEGRAD_PLANE_MEANS((*));

PlaneMeans pick_means(runtime::Isa isa) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX512)
    case runtime::Isa::avx512: return plane_means_f32__avx512;
#endif
#if defined(NODEGRAD_HAVE_AVX2)
    case runtime::Isa::avx2: return plane_means_f32__avx2;
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case runtime::Isa::neon: return plane_means_f32__neon;
#endif
    default: return plane_means_f32__scalar;
  }
}

// PyTorch's adaptive window: [⌊o·size/out⌋, ⌈(o+1)·size/out⌉).
inline int64_t adaptive_start(int64_t o, int64_t size, int64_t out) { return o * size / out; }
inline int64_t adaptive_end(int64_t o, int64_t size, int64_t out) { return ((o + 1) * size + out - 1) / out; }

// The average pooling that equals an adaptive one whose windows tile the plane.
Pool2dShape tiling(int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow) {
  return Pool2dShape{planes, h, w, oh, ow, h / oh, w / ow, h / oh, w / ow, 0, 0, 0, 0, 1, 1};
}

}  // namespace

void adaptive_avg_pool2d_forward_f32(runtime::Context& ctx, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                     int64_t ow, const float* x, float* y) noexcept {
  if (oh == 1 && ow == 1) {
    const PlaneMeans means = pick_means(ctx.isa);
    const float divisor = static_cast<float>(h * w);
    for_plane_ranges(ctx, planes, h * w, [&](int64_t p0, int64_t p1) {
      means(p1 - p0, h * w, divisor, x + p0 * h * w, y + p0);
    });
    return;
  }
  if (h % oh == 0 && w % ow == 0) return avg_pool2d_forward_f32(ctx, tiling(planes, h, w, oh, ow), true, x, y);
  for_plane_blocks(ctx, planes, h * w, [&](int64_t p) {
    const float* plane = x + p * h * w;
    for (int64_t oy = 0; oy < oh; ++oy) {
      const int64_t y0 = adaptive_start(oy, h, oh), y1 = adaptive_end(oy, h, oh);
      for (int64_t ox = 0; ox < ow; ++ox) {
        const int64_t x0 = adaptive_start(ox, w, ow), x1 = adaptive_end(ox, w, ow);
        float sum = 0.0f;
        for (int64_t iy = y0; iy < y1; ++iy) {
          for (int64_t ix = x0; ix < x1; ++ix) sum += plane[iy * w + ix];
        }
        y[(p * oh + oy) * ow + ox] = sum / static_cast<float>((y1 - y0) * (x1 - x0));
      }
    }
  });
}

void adaptive_avg_pool2d_backward_f32(runtime::Context& ctx, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                      int64_t ow, const float* dy, float* dx) noexcept {
  if (oh == 1 && ow == 1) {  // every element of the plane gets 0 + dy / (h·w), as the scatter below
    const float divisor = static_cast<float>(h * w);
    for_plane_blocks(ctx, planes, h * w, [&](int64_t p) { std::fill_n(dx + p * h * w, h * w, dy[p] / divisor + 0.0f); });
    return;
  }
  if (h % oh == 0 && w % ow == 0) return avg_pool2d_backward_f32(ctx, tiling(planes, h, w, oh, ow), true, dy, dx);
  for_plane_blocks(ctx, planes, h * w, [&](int64_t p) {
    float* plane = dx + p * h * w;
    std::fill(plane, plane + h * w, 0.0f);
    for (int64_t oy = 0; oy < oh; ++oy) {
      const int64_t y0 = adaptive_start(oy, h, oh), y1 = adaptive_end(oy, h, oh);
      for (int64_t ox = 0; ox < ow; ++ox) {
        const int64_t x0 = adaptive_start(ox, w, ow), x1 = adaptive_end(ox, w, ow);
        const float v = dy[(p * oh + oy) * ow + ox] / static_cast<float>((y1 - y0) * (x1 - x0));
        for (int64_t iy = y0; iy < y1; ++iy) {
          for (int64_t ix = x0; ix < x1; ++ix) plane[iy * w + ix] += v;
        }
      }
    }
  });
}

}  // namespace nodegrad::kernels
