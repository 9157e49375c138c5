// Pooling micro-kernels. A run is a block of `rows` output rows × `count` outputs whose every tap is inside
// the plane: output (r, j) reads plane[(iy0 + r·sh + ky·dh)·w + ix0 + j·sw + kx·dw] for ky < nky, kx < kw,
// taps in row-major order, and writes y[r·ldy + j] (and idx[r·ldy + j]).
// SIMD variants handle sw ∈ {1, 2} (the dispatcher sends other strides to the scalar one), take 2×2 windows
// of stride 2 through an in-register even/odd split, never touch an element the scalar loop would not
// (masked loads, or loads ending at the last tap), and are bitwise equal to the scalar one.
// The 2×2/2 backward tiles cover a whole plane [2·oh, 2·ow] (no padding), writing every dx element once.
// Declarations only: each ISA file defines its own functions (no shared inline code across ISA flags).
#pragma once

#include <cstdint>

namespace nodegrad::kernels {

struct PoolRun {
  const float* plane;
  int64_t w;
  int64_t iy0, rows, sh, nky, dh;
  int64_t ix0, count, sw, kw, dw;
  int64_t ldy;
};

#define NODEGRAD_MAX_POOL_RUN(name) void name(const PoolRun& run, float* y, int32_t* idx) noexcept

// Max pooling of one plane with dilation 1, as separable maxima: each input row's first maximum over the kw
// taps of every output column, kept in a ring of kh rows (slot iy mod kh, ring_row[slot] = iy), then the first
// of those over the window's rows, merged in row order by the scan's rule (the later side wins only when
// strictly larger, or a NaN against a number): the tap the row-major scan picks. Rows sharing windows are
// reduced once. Columns [in_begin, in_end) (at least 4, taps inside the row) go through vectors, the rest
// through the clipped scalar loop. Every window holds an input element in its rows and in its columns.
struct MaxPlaneRun {
  const float* plane;
  int64_t h, w, oh, ow;
  int64_t kh, kw, sh, sw, pad_top, pad_left;
  int64_t in_begin, in_end;
  float* ring;         // kh·ow row maxima
  int32_t* ring_idx;   // their plane-relative indices
  int64_t* ring_row;   // kh: the input row each slot holds
};
#define NODEGRAD_MAX_POOL_PLANE(name) void name(const MaxPlaneRun& run, float* y, int32_t* idx) noexcept
// The same for planes with w, ow, kw ≤ 16 (any sw; in_begin, in_end unused; ring rows 16 wide): one vector
// per row holds every output column, border ones included. A tap column outside the row is clamped to
// [0, w): for a window with leading padding that repeats its first real tap right before it, with trailing
// padding its last real tap right after it, and a repeat next to itself never changes the scan's pick.
// AVX-512 only: max_pool2d_small_plane_f32__avx512.
// y = (Σ taps) / divisor, summed from 0 in tap order.
#define NODEGRAD_AVG_POOL_RUN(name) void name(const PoolRun& run, float divisor, float* y) noexcept
// dx = dy[o] + 0 at window o's index, 0 elsewhere. Returns false (with part of dx written) as soon as an index
// is neither −1 nor inside its own window; the caller then takes the general scatter.
#define NODEGRAD_MAX_POOL_BACKWARD_2X2(name) \
  bool name(int64_t oh, int64_t ow, const float* dy, const int32_t* idx, float* dx) noexcept
// dx = dy[o] / divisor + 0 for the four elements of window o.
#define NODEGRAD_AVG_POOL_BACKWARD_2X2(name) \
  void name(int64_t oh, int64_t ow, const float* dy, float divisor, float* dx) noexcept

// Global average pooling: y[i] = (Σ x[i·n + t], t < n) / divisor for i < planes. The scalar variant adds in
// order from 0 (as the JS twin); the SIMD ones in lanes, then across them (within the sum's error bound).
#define NODEGRAD_PLANE_MEANS(name) \
  void name(int64_t planes, int64_t n, float divisor, const float* x, float* y) noexcept

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__scalar);
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__scalar);
NODEGRAD_PLANE_MEANS(plane_means_f32__scalar);
#if defined(NODEGRAD_HAVE_AVX2)
NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx2);
NODEGRAD_MAX_POOL_PLANE(max_pool2d_plane_f32__avx2);
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx2);
NODEGRAD_MAX_POOL_BACKWARD_2X2(max_pool2d_backward_2x2s2_f32__avx2);
NODEGRAD_AVG_POOL_BACKWARD_2X2(avg_pool2d_backward_2x2s2_f32__avx2);
NODEGRAD_PLANE_MEANS(plane_means_f32__avx2);
#endif
#if defined(NODEGRAD_HAVE_AVX512)
NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx512);
NODEGRAD_MAX_POOL_PLANE(max_pool2d_plane_f32__avx512);
NODEGRAD_MAX_POOL_PLANE(max_pool2d_small_plane_f32__avx512);
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx512);
NODEGRAD_MAX_POOL_BACKWARD_2X2(max_pool2d_backward_2x2s2_f32__avx512);
NODEGRAD_AVG_POOL_BACKWARD_2X2(avg_pool2d_backward_2x2s2_f32__avx512);
NODEGRAD_PLANE_MEANS(plane_means_f32__avx512);
#endif
#if defined(NODEGRAD_HAVE_NEON)
NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__neon);
NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__neon);
NODEGRAD_MAX_POOL_BACKWARD_2X2(max_pool2d_backward_2x2s2_f32__neon);
NODEGRAD_AVG_POOL_BACKWARD_2X2(avg_pool2d_backward_2x2s2_f32__neon);
NODEGRAD_PLANE_MEANS(plane_means_f32__neon);
#endif

}  // namespace nodegrad::kernels
