// Max pooling forward (value and argmax) and backward (scatter to the argmax); semantics in pool2d.h.
// With dilation 1 on AVX2/AVX-512, whole planes go to a separable plane kernel (row maxima shared by
// vertically overlapping windows; on AVX-512 planes up to 16 wide take one vector per row); otherwise
// interior runs of each output row go to the ISA's micro-kernel, border windows to the clipped scalar loop.
#include <algorithm>
#include <vector>

#include "pool2d.h"
#include "pool_common.h"
#include "pool_ukernel.h"

namespace nodegrad::kernels {

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__scalar) {
  const PoolRun& k = run;
  for (int64_t row = 0; row < k.rows; ++row) {
    for (int64_t j = 0; j < k.count; ++j) {
      const int64_t base = (k.iy0 + row * k.sh) * k.w + k.ix0 + j * k.sw;
      float m = k.plane[base];
      int64_t id = base;
      for (int64_t ky = 0; ky < k.nky; ++ky) {
        for (int64_t kx = 0; kx < k.kw; ++kx) {
          const int64_t at = base + ky * k.dh * k.w + kx * k.dw;
          const float v = k.plane[at];
          if (v > m || (v != v && m == m)) {
            m = v;
            id = at;
          }
        }
      }
      y[row * k.ldy + j] = m;
      idx[row * k.ldy + j] = static_cast<int32_t>(id);
    }
  }
}

namespace {

using MaxRun = NODEGRAD_MAX_POOL_RUN((*));

MaxRun pick(runtime::Isa isa, int64_t stride_w) {
  if (stride_w <= 2) {
    switch (isa) {
#if defined(NODEGRAD_HAVE_AVX512)
      case runtime::Isa::avx512: return max_pool2d_run_f32__avx512;
#endif
#if defined(NODEGRAD_HAVE_AVX2)
      case runtime::Isa::avx2: return max_pool2d_run_f32__avx2;
#endif
#if defined(NODEGRAD_HAVE_NEON)
      case runtime::Isa::neon: return max_pool2d_run_f32__neon;
#endif
      default: break;
    }
  }
  return max_pool2d_run_f32__scalar;
}

using MaxPlane = NODEGRAD_MAX_POOL_PLANE((*));

// The separable plane kernels, for dilation 1 with every window holding an input element (the binding's
// pad ≤ k/2 and ceil-mode rule give that): on AVX-512 the one-vector-per-row one for planes up to 16 wide,
// else the row-run one for sw ≤ 2 and at least 4 interior columns. 2×2/2 keeps its paired run.
MaxPlane pick_plane(runtime::Isa isa, const Pool2dShape& s, const Interior& in) {
  const bool fits = s.dilation_h == 1 && s.dilation_w == 1 && s.pad_top < s.kh && s.pad_left < s.kw &&
                    (s.oh - 1) * s.stride_h - s.pad_top < s.h && (s.ow - 1) * s.stride_w - s.pad_left < s.w &&
                    !(s.kh == 2 && s.kw == 2 && s.stride_w == 2);
  if (!fits) return nullptr;
  const bool runs = s.stride_w <= 2 && in.end - in.begin >= 4;
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX512)
    case runtime::Isa::avx512:
      if (s.w <= 16 && s.ow <= 16 && s.kw <= 16) return max_pool2d_small_plane_f32__avx512;
      return runs ? max_pool2d_plane_f32__avx512 : nullptr;
#endif
#if defined(NODEGRAD_HAVE_AVX2)
    case runtime::Isa::avx2: return runs ? max_pool2d_plane_f32__avx2 : nullptr;
#endif
    default: return nullptr;
  }
}

using MaxBackward2x2 = NODEGRAD_MAX_POOL_BACKWARD_2X2((*));

MaxBackward2x2 pick_backward_2x2(runtime::Isa isa) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX512)
    case runtime::Isa::avx512: return max_pool2d_backward_2x2s2_f32__avx512;
#endif
#if defined(NODEGRAD_HAVE_AVX2)
    case runtime::Isa::avx2: return max_pool2d_backward_2x2s2_f32__avx2;
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case runtime::Isa::neon: return max_pool2d_backward_2x2s2_f32__neon;
#endif
    default: return nullptr;
  }
}

// One border window, clipped to the plane; taps visited in the same order as the micro-kernels.
void max_window(const float* plane, const Pool2dShape& s, const TapRange& r, const TapRange& c, float* y,
                int32_t* idx) {
  float m = -__builtin_inff();
  int64_t id = -1;
  for (int64_t ky = r.k0; ky < r.k1; ++ky) {
    const int64_t row = (r.start + ky * s.dilation_h) * s.w;
    for (int64_t kx = c.k0; kx < c.k1; ++kx) {
      const int64_t at = row + c.start + kx * s.dilation_w;
      const float v = plane[at];
      if (id < 0 || v > m || (v != v && m == m)) {
        m = v;
        id = at;
      }
    }
  }
  *y = m;
  *idx = static_cast<int32_t>(id);
}

}  // namespace

void max_pool2d_forward_f32(runtime::Context& ctx, const Pool2dShape& s, const float* x, float* y,
                            int32_t* indices) noexcept {
  const Interior in = interior(s.ow, s.stride_w, s.pad_left, s.kw, s.dilation_w, s.w);
  if (const MaxPlane plane = pick_plane(ctx.isa, s, in)) {
    for_plane_ranges(ctx, s.planes, s.h * s.w, [&](int64_t p0, int64_t p1) {
      std::vector<float> ring(static_cast<size_t>(s.kh * std::max<int64_t>(s.ow, 16)));  // small planes: rows of 16
      std::vector<int32_t> ring_idx(ring.size());
      std::vector<int64_t> ring_row(static_cast<size_t>(s.kh));
      MaxPlaneRun k{nullptr, s.h, s.w, s.oh, s.ow, s.kh, s.kw, s.stride_h, s.stride_w, s.pad_top, s.pad_left,
                    in.begin, in.end, ring.data(), ring_idx.data(), ring_row.data()};
      for (int64_t p = p0; p < p1; ++p) {
        k.plane = x + p * s.h * s.w;
        plane(k, y + p * s.oh * s.ow, indices + p * s.oh * s.ow);
      }
    });
    return;
  }
  const MaxRun run = pick(ctx.isa, s.stride_w);
  const Interior rows = interior(s.oh, s.stride_h, s.pad_top, s.kh, s.dilation_h, s.h);
  // Planes bigger than L1 with border columns go row by row, the border windows right after the row's run,
  // so the plane streams in once, in order (border windows on their own walk down a column, one miss per
  // row); otherwise the interior rows go to the micro-kernel as one block.
  const bool block = rows.end > rows.begin && ((in.begin == 0 && in.end == s.ow) || s.h * s.w <= kSmallPlane);
  std::vector<TapRange> cols(static_cast<size_t>(s.ow));
  for (int64_t ox = 0; ox < s.ow; ++ox) cols[ox] = tap_range(ox, s.stride_w, s.pad_left, s.kw, s.dilation_w, s.w);
  for_plane_blocks(ctx, s.planes, s.h * s.w, [&](int64_t p) {
    PoolRun k{x + p * s.h * s.w, s.w, 0, 1, s.stride_h, s.kh, s.dilation_h,
              in.begin * s.stride_w - s.pad_left, in.end - in.begin, s.stride_w, s.kw, s.dilation_w, s.ow};
    float* yp = y + p * s.oh * s.ow;
    int32_t* ip = indices + p * s.oh * s.ow;
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      const TapRange r = tap_range(oy, s.stride_h, s.pad_top, s.kh, s.dilation_h, s.h);
      float* yr = yp + oy * s.ow;
      int32_t* ir = ip + oy * s.ow;
      if (r.k1 <= r.k0) {
        std::fill(yr, yr + s.ow, -__builtin_inff());
        std::fill(ir, ir + s.ow, -1);
        continue;
      }
      if (k.count > 0 && !(block && oy >= rows.begin && oy < rows.end)) {  // taps clipped to the plane's rows
        k.iy0 = r.start + r.k0 * s.dilation_h;
        k.nky = r.k1 - r.k0;
        run(k, yr + in.begin, ir + in.begin);
      }
      for (int64_t ox = 0; ox < in.begin; ++ox) max_window(k.plane, s, r, cols[ox], yr + ox, ir + ox);
      for (int64_t ox = in.end; ox < s.ow; ++ox) max_window(k.plane, s, r, cols[ox], yr + ox, ir + ox);
    }
    if (block && k.count > 0) {
      k.iy0 = rows.begin * s.stride_h - s.pad_top;
      k.rows = rows.end - rows.begin;
      k.nky = s.kh;
      run(k, yp + rows.begin * s.ow + in.begin, ip + rows.begin * s.ow + in.begin);
    }
  });
}

void max_pool2d_backward_f32(runtime::Context& ctx, const Pool2dShape& s, const float* dy, const int32_t* indices,
                             float* dx) noexcept {
  // 2×2/2 windows tiling the plane exactly: one pass writing each dx element once, unless an index lies
  // outside its own window (then the plane takes the general scatter).
  const bool tiles = s.kh == 2 && s.kw == 2 && s.stride_h == 2 && s.stride_w == 2 && s.dilation_h == 1 &&
                     s.dilation_w == 1 && s.pad_top == 0 && s.pad_left == 0 && s.h == 2 * s.oh && s.w == 2 * s.ow;
  const MaxBackward2x2 tile = tiles ? pick_backward_2x2(ctx.isa) : nullptr;
  for_plane_blocks(ctx, s.planes, s.h * s.w, [&](int64_t p) {
    float* dxp = dx + p * s.h * s.w;
    const float* g = dy + p * s.oh * s.ow;
    const int32_t* ip = indices + p * s.oh * s.ow;
    if (tile != nullptr && tile(s.oh, s.ow, g, ip, dxp)) return;
    std::fill(dxp, dxp + s.h * s.w, 0.0f);
    for (int64_t o = 0; o < s.oh * s.ow; ++o) {
      if (ip[o] >= 0) dxp[ip[o]] += g[o];
    }
  });
}

}  // namespace nodegrad::kernels
