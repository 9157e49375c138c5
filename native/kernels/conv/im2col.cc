// im2col / col2im for a tile of output pixels [p0, p0 + count) of one group (see conv2d.h), and the blocked
// transpose the channels-last paths share.
// Loops walk each column row along output x, so the stride-1 case is a contiguous copy with zeroed edges.
#include <algorithm>
#include <cstring>

#include "conv2d_internal.h"

namespace nodegrad::kernels {

namespace {

// The output columns [lo, hi) of a row whose tap column ix = ox·stride − pad + kx·dilation lies in [0, w).
inline void valid_range(int64_t ow, int64_t w, int64_t stride, int64_t offset, int64_t* lo, int64_t* hi) noexcept {
  // ix = ox·stride + offset ≥ 0  ⇔ ox ≥ ceil(−offset / stride)
  int64_t a = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  // ix < w ⇔ ox ≤ (w − 1 − offset) / stride
  int64_t b = w - 1 - offset < 0 ? 0 : (w - 1 - offset) / stride + 1;
  *lo = std::min(a, ow);
  *hi = std::max(*lo, std::min(b, ow));
}

// Calls fn(oy, ox_begin, ox_end, j) for each output-row run of the tile; j is the run's first column in cols.
// One division per call: runs are short (one output row), so per-run overhead, not bandwidth, bounds the loops.
template <typename F>
inline void for_each_run(const Conv2dShape& s, int64_t p0, int64_t count, F&& fn) {
  int64_t oy = p0 / s.ow, a = p0 % s.ow;
  for (int64_t j = 0; j < count; a = 0, ++oy) {
    const int64_t b = std::min(s.ow, a + count - j);
    fn(oy, a, b, j);
    j += b - a;
  }
}

}  // namespace

int64_t conv2d_tile(int64_t k, int64_t p) noexcept {
  if (p <= 0) return 1;
  int64_t cap = kColumnBudget / (k > 0 ? k : 1);
  cap = std::max<int64_t>(16, cap / 16 * 16);
  if (p <= cap) return p;
  const int64_t tiles = (p + cap - 1) / cap;
  const int64_t even = (p + tiles - 1) / tiles;  // balance the tiles, rounded up to 16 columns
  return std::min(cap, (even + 15) / 16 * 16);
}

void conv_detail::im2col_row_f32(const Conv2dShape& s, const float* x, int64_t r, int64_t p0, int64_t count,
                                 float* row) noexcept {
  // Plain loops rather than memcpy/fill calls and one division per row: runs are short (one output row), so
  // per-run overhead, not bandwidth, bounds this loop.
  const int64_t kx = r % s.kw, ky = r / s.kw % s.kh, ci = r / s.kw / s.kh;
  const float* plane = x + ci * s.h * s.w;
  const int64_t xoff = kx * s.dilation_w - s.pad_left, sw = s.stride_w;
  int64_t lo = 0, hi = 0;
  valid_range(s.ow, s.w, sw, xoff, &lo, &hi);
  int64_t oy = p0 / s.ow, a = p0 % s.ow;
  for (int64_t j = 0; j < count; a = 0, ++oy) {
    const int64_t b = std::min(s.ow, a + count - j);
    float* out = row + j - a;  // out[ox] for ox in [a, b)
    j += b - a;
    const int64_t iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
    if (iy < 0 || iy >= s.h) {
      for (int64_t ox = a; ox < b; ++ox) out[ox] = 0.0f;
      continue;
    }
    const int64_t l = std::clamp(lo, a, b), rr = std::clamp(hi, l, b);
    for (int64_t ox = a; ox < l; ++ox) out[ox] = 0.0f;
    const float* in = plane + iy * s.w + xoff;  // in[ox·stride] = x[iy, ix]
    if (sw == 1) {
      for (int64_t ox = l; ox < rr; ++ox) out[ox] = in[ox];
    } else {
      for (int64_t ox = l; ox < rr; ++ox) out[ox] = in[ox * sw];
    }
    for (int64_t ox = rr; ox < b; ++ox) out[ox] = 0.0f;
  }
}

void conv_detail::pad_row_f32(const Conv2dShape& s, const float* plane, int64_t iy, int64_t wp, float* dst) noexcept {
  if (iy < 0 || iy >= s.h) {
    std::fill(dst, dst + wp, 0.0f);
    return;
  }
  const int64_t c0 = std::clamp<int64_t>(s.pad_left, 0, wp), c1 = std::clamp<int64_t>(s.w + s.pad_left, c0, wp);
  const float* src = plane + iy * s.w - s.pad_left;
  std::fill(dst, dst + c0, 0.0f);
  std::copy(src + c0, src + c1, dst + c0);
  std::fill(dst + c1, dst + wp, 0.0f);
}

void im2col_f32(const Conv2dShape& s, const float* x, int64_t p0, int64_t count, float* cols) noexcept {
  const int64_t rows = s.c / s.groups * s.kh * s.kw;
  for (int64_t r = 0; r < rows; ++r) conv_detail::im2col_row_f32(s, x, r, p0, count, cols + r * count);
}

void col2im_add_f32(const Conv2dShape& s, const float* cols, int64_t p0, int64_t count, float* dx) noexcept {
  const int64_t cg = s.c / s.groups;
  for (int64_t ci = 0; ci < cg; ++ci) {
    float* plane = dx + ci * s.h * s.w;
    for (int64_t ky = 0; ky < s.kh; ++ky) {
      for (int64_t kx = 0; kx < s.kw; ++kx) {
        const float* row = cols + ((ci * s.kh + ky) * s.kw + kx) * count;
        const int64_t xoff = kx * s.dilation_w - s.pad_left;
        int64_t lo = 0, hi = 0;
        valid_range(s.ow, s.w, s.stride_w, xoff, &lo, &hi);
        for_each_run(s, p0, count, [&](int64_t oy, int64_t a, int64_t b, int64_t j) {
          const int64_t iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          if (iy < 0 || iy >= s.h) return;
          const float* in = row + j - a;
          const int64_t l = std::clamp(lo, a, b), r = std::clamp(hi, l, b);
          float* out = plane + iy * s.w + xoff;
          if (s.stride_w == 1) {
            for (int64_t ox = l; ox < r; ++ox) out[ox] += in[ox];
          } else {
            for (int64_t ox = l; ox < r; ++ox) out[ox * s.stride_w] += in[ox];
          }
        });
      }
    }
  }
}

void conv_detail::transpose_f32(const float* src, int64_t src_step, int64_t channels, int64_t count, float* dst,
                                int64_t dst_step) noexcept {
  constexpr int64_t kBlock = 8;
  for (int64_t c0 = 0; c0 < channels; c0 += kBlock) {
    const int64_t nb = std::min(kBlock, channels - c0);
    const float* s = src + c0 * src_step;
    float* d = dst + c0;
    if (nb == kBlock) {
      for (int64_t j = 0; j < count; ++j) {
        for (int64_t c = 0; c < kBlock; ++c) d[j * dst_step + c] = s[c * src_step + j];
      }
    } else {
      for (int64_t j = 0; j < count; ++j) {
        for (int64_t c = 0; c < nb; ++c) d[j * dst_step + c] = s[c * src_step + j];
      }
    }
  }
}

}  // namespace nodegrad::kernels
