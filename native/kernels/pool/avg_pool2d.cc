// Average pooling, forward and backward; semantics in pool2d.h.
#include <algorithm>
#include <vector>

#include "pool2d.h"
#include "pool_common.h"
#include "pool_ukernel.h"

namespace nodegrad::kernels {

NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__scalar) {
  const PoolRun& k = run;
  for (int64_t row = 0; row < k.rows; ++row) {
    for (int64_t j = 0; j < k.count; ++j) {
      const float* p = k.plane + (k.iy0 + row * k.sh) * k.w + k.ix0 + j * k.sw;
      float sum = 0.0f;
      for (int64_t ky = 0; ky < k.nky; ++ky) {
        for (int64_t kx = 0; kx < k.kw; ++kx) sum += p[ky * k.w + kx];
      }
      y[row * k.ldy + j] = sum / divisor;
    }
  }
}

namespace {

using AvgRun = NODEGRAD_AVG_POOL_RUN((*));

AvgRun pick(runtime::Isa isa, int64_t stride_w) {
  if (stride_w <= 2) {
    switch (isa) {
#if defined(NODEGRAD_HAVE_AVX512)
      case runtime::Isa::avx512: return avg_pool2d_run_f32__avx512;
#endif
#if defined(NODEGRAD_HAVE_AVX2)
      case runtime::Isa::avx2: return avg_pool2d_run_f32__avx2;
#endif
#if defined(NODEGRAD_HAVE_NEON)
      case runtime::Isa::neon: return avg_pool2d_run_f32__neon;
#endif
      default: break;
    }
  }
  return avg_pool2d_run_f32__scalar;
}

using AvgBackward2x2 = NODEGRAD_AVG_POOL_BACKWARD_2X2((*));

AvgBackward2x2 pick_backward_2x2(runtime::Isa isa) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX512)
    case runtime::Isa::avx512: return avg_pool2d_backward_2x2s2_f32__avx512;
#endif
#if defined(NODEGRAD_HAVE_AVX2)
    case runtime::Isa::avx2: return avg_pool2d_backward_2x2s2_f32__avx2;
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case runtime::Isa::neon: return avg_pool2d_backward_2x2s2_f32__neon;
#endif
    default: return nullptr;
  }
}

// The window of output o along one axis: real taps [lo, hi) and the divisor's extent.
struct Span {
  int64_t lo, hi, extent;
};

Span avg_span(int64_t o, int64_t stride, int64_t pad, int64_t pad_end, int64_t k, int64_t size, bool include_pad) {
  const int64_t start = o * stride - pad;
  const int64_t end = std::min(start + k, size + pad_end);
  Span s;
  s.lo = std::max<int64_t>(start, 0);
  s.hi = std::min(end, size);
  s.extent = include_pad ? end - start : s.hi - s.lo;
  return s;
}

// One border window, clipped to the plane; taps summed in the same order as the micro-kernels.
void avg_window(const float* plane, const Pool2dShape& s, const Span& r, int64_t ox, bool include_pad, float* y) {
  const Span c = avg_span(ox, s.stride_w, s.pad_left, s.pad_right, s.kw, s.w, include_pad);
  float sum = 0.0f;
  for (int64_t iy = r.lo; iy < r.hi; ++iy) {
    for (int64_t ix = c.lo; ix < c.hi; ++ix) sum += plane[iy * s.w + ix];
  }
  *y = sum / static_cast<float>(r.extent * c.extent);
}

// Longest output row the tiled backward keeps on the stack.
constexpr int64_t kMaxTiledRow = 1024;

// row[ox·stride_w − pad_left + kx] += vals[ox] for every window ox whose tap column kx is inside the row.
void add_tap_column(const Pool2dShape& s, int64_t kx, const float* __restrict vals, float* __restrict row) {
  const int64_t off = kx - s.pad_left;  // column of window 0's tap
  const int64_t o0 = off >= 0 ? 0 : (-off + s.stride_w - 1) / s.stride_w;
  const int64_t o1 = std::min(s.ow, off >= s.w ? 0 : (s.w - 1 - off) / s.stride_w + 1);
  if (s.stride_w == 1) {
    for (int64_t ox = o0; ox < o1; ++ox) row[ox + off] += vals[ox];
  } else {
    for (int64_t ox = o0; ox < o1; ++ox) row[ox * s.stride_w + off] += vals[ox];
  }
}

// Backward of windows that tile the input (kernel = stride): each input element has at most one window, so
// each dx row is its windows' 0 + g/count values, written once front to back through a column → window map
// (owner; window ow: none).
void tiled_plane(const Pool2dShape& s, bool include_pad, bool pair, const int32_t* owner, const float* col_extent,
                 const float* g, float* plane) {
  float vals[kMaxTiledRow + 1];
  vals[s.ow] = 0.0f;
  for (int64_t iy = 0; iy < s.h; ++iy) {
    float* row = plane + iy * s.w;
    const int64_t oy = (iy + s.pad_top) / s.stride_h;
    if (oy >= s.oh) {
      std::fill(row, row + s.w, 0.0f);
      continue;
    }
    const Span r = avg_span(oy, s.stride_h, s.pad_top, s.pad_bottom, s.kh, s.h, include_pad);
    const float* gr = g + oy * s.ow;
    // The divisor as the scatter computes it: float(row extent · column extent), exact for any real size.
    const float re = static_cast<float>(r.extent);
    for (int64_t ox = 0; ox < s.ow; ++ox) vals[ox] = gr[ox] / (re * col_extent[ox]) + 0.0f;
    if (pair) {  // 2-wide windows from column 0: each value twice (vectorises as an interleave)
      for (int64_t ox = 0; ox < s.w / 2; ++ox) row[2 * ox] = row[2 * ox + 1] = vals[ox];
      if (s.w % 2 != 0) row[s.w - 1] = vals[owner[s.w - 1]];
    } else {
      for (int64_t ix = 0; ix < s.w; ++ix) row[ix] = vals[owner[ix]];
    }
  }
}

// Backward of any windows: dx = 0 + every window's g/count at each of its real taps, windows in raster order.
// Adding window by window chains an element's adds through memory (one window's store, the next one's load);
// instead each window row's values go to each of its input rows in kw passes, one per tap column kx, last to
// first: a pass touches an element at most once (window ox = (ix + pad_left − kx) / stride_w), and each
// element still receives its windows in raster order. Rows are zeroed as the windows first reach them.
void overlapping_plane(const Pool2dShape& s, bool include_pad, const float* col_extent, const float* g,
                       float* __restrict vals, float* plane) {
  int64_t zeroed = 0;
  for (int64_t oy = 0; oy < s.oh; ++oy) {
    const Span r = avg_span(oy, s.stride_h, s.pad_top, s.pad_bottom, s.kh, s.h, include_pad);
    if (r.hi > zeroed) {
      std::fill(plane + zeroed * s.w, plane + r.hi * s.w, 0.0f);
      zeroed = r.hi;
    }
    const float* gr = g + oy * s.ow;
    const float re = static_cast<float>(r.extent);  // float(r·c) as the scatter's, exact for any real size
    for (int64_t ox = 0; ox < s.ow; ++ox) vals[ox] = gr[ox] / (re * col_extent[ox]);
    for (int64_t iy = r.lo; iy < r.hi; ++iy) {
      for (int64_t kx = s.kw - 1; kx >= 0; --kx) add_tap_column(s, kx, vals, plane + iy * s.w);
    }
  }
  std::fill(plane + zeroed * s.w, plane + s.h * s.w, 0.0f);
}

}  // namespace

void avg_pool2d_forward_f32(runtime::Context& ctx, const Pool2dShape& s, bool include_pad, const float* x,
                            float* y) noexcept {
  const AvgRun run = pick(ctx.isa, s.stride_w);
  const Interior in = interior(s.ow, s.stride_w, s.pad_left, s.kw, 1, s.w);
  const Interior rows = interior(s.oh, s.stride_h, s.pad_top, s.kh, 1, s.h);
  // As in max_pool2d_forward_f32: row by row for planes bigger than L1 with border columns, else the interior
  // rows (divisor kh·kw) as one block.
  const bool block = rows.end > rows.begin && ((in.begin == 0 && in.end == s.ow) || s.h * s.w <= kSmallPlane);
  for_plane_blocks(ctx, s.planes, s.h * s.w, [&](int64_t p) {
    PoolRun k{x + p * s.h * s.w, s.w, 0, 1, s.stride_h, s.kh, 1,
              in.begin * s.stride_w - s.pad_left, in.end - in.begin, s.stride_w, s.kw, 1, s.ow};
    float* yp = y + p * s.oh * s.ow;
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      const Span r = avg_span(oy, s.stride_h, s.pad_top, s.pad_bottom, s.kh, s.h, include_pad);
      float* yr = yp + oy * s.ow;
      if (k.count > 0 && !(block && oy >= rows.begin && oy < rows.end)) {  // taps clipped to the plane's rows
        k.iy0 = r.lo;
        k.nky = r.hi - r.lo;
        run(k, static_cast<float>(r.extent * s.kw), yr + in.begin);
      }
      for (int64_t ox = 0; ox < in.begin; ++ox) avg_window(k.plane, s, r, ox, include_pad, yr + ox);
      for (int64_t ox = in.end; ox < s.ow; ++ox) avg_window(k.plane, s, r, ox, include_pad, yr + ox);
    }
    if (block && k.count > 0) {
      k.iy0 = rows.begin * s.stride_h - s.pad_top;
      k.rows = rows.end - rows.begin;
      k.nky = s.kh;
      run(k, static_cast<float>(s.kh * s.kw), yp + rows.begin * s.ow + in.begin);
    }
  });
}

void avg_pool2d_backward_f32(runtime::Context& ctx, const Pool2dShape& s, bool include_pad, const float* dy,
                             float* dx) noexcept {
  const bool tiling = s.kh == s.stride_h && s.kw == s.stride_w && s.ow <= kMaxTiledRow;
  const bool pair = s.kw == 2 && s.pad_left == 0 && s.ow >= s.w / 2;
  // 2×2/2 windows tiling the plane exactly: the ISA's tile kernel, divisor 2·2 either way.
  const AvgBackward2x2 tile = s.kh == 2 && s.kw == 2 && s.stride_h == 2 && s.stride_w == 2 && s.pad_top == 0 &&
                                      s.pad_left == 0 && s.h == 2 * s.oh && s.w == 2 * s.ow
                                  ? pick_backward_2x2(ctx.isa)
                                  : nullptr;
  std::vector<int32_t> owner(tiling ? static_cast<size_t>(s.w) : 0, static_cast<int32_t>(s.ow));
  std::vector<float> col_extent(static_cast<size_t>(s.ow));
  for (int64_t ox = 0; ox < s.ow; ++ox) {
    const Span c = avg_span(ox, s.stride_w, s.pad_left, s.pad_right, s.kw, s.w, include_pad);
    col_extent[ox] = static_cast<float>(c.extent);
    for (int64_t ix = c.lo; tiling && ix < c.hi; ++ix) owner[ix] = static_cast<int32_t>(ox);
  }
  for_plane_ranges(ctx, s.planes, s.h * s.w, [&](int64_t p0, int64_t p1) {
    std::vector<float> vals(tile == nullptr && !tiling ? static_cast<size_t>(s.ow) : 0);
    for (int64_t p = p0; p < p1; ++p) {
      float* plane = dx + p * s.h * s.w;
      const float* g = dy + p * s.oh * s.ow;
      if (tile != nullptr) {
        tile(s.oh, s.ow, g, 4.0f, plane);
      } else if (tiling) {
        tiled_plane(s, include_pad, pair, owner.data(), col_extent.data(), g, plane);
      } else {
        overlapping_plane(s, include_pad, col_extent.data(), g, vals.data(), plane);
      }
    }
  });
}

}  // namespace nodegrad::kernels
