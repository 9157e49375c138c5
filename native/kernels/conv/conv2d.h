// 2-D convolution, NCHW, as in PyTorch: x [N, C, H, W], weight [OC, C/groups, KH, KW], bias [OC],
// y [N, OC, OH, OW], with OH = (H + pad_top + pad_bottom - dilation_h·(KH−1) − 1) / stride_h + 1 (same for W).
//
// Method: forward with horizontal stride 1 and ≥ 16 channels per group runs the GEMM micro-kernels on shifted
// views of a zero-padded copy of x, one call per kernel tap (conv2d_shifted.cc: no im2col at all). Other
// forwards unfold tiles of output pixels straight into the micro-kernels' packed panels, weights packed once
// per call with the bias as one more reduction row (conv2d_packed.cc); with stride 1 the unfold runs over
// padded rows, so it is plain copies. dX for stride 1 with enough channels is the shifted forward of dy with
// the flipped, transposed weight; otherwise GEMM + col2im (scatter-add) per batch item. dW for stride 1 with
// enough channels reads channels-last copies of x and dy in place (conv2d_weight.cc); otherwise im2col
// tiles of at most ~kColumnBudget floats, then GEMM. Tiles never change the order of any sum, and work
// splits that could depend on the thread count never do, so results are bitwise identical for any pool
// size. A short reduction (C/groups·KH·KW ≤ 160, as with one input channel) takes its own path wherever the
// shifted drivers do not, 1×1 stride 1 excepted (conv2d_small.cc: register-tiled kernels over im2col rows
// read in place, one pass over dy for dX, dW and db). Callers (the binding) have validated every size and buffer length.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

struct Conv2dShape {
  int64_t n, c, h, w;        // input
  int64_t oc, kh, kw;        // weight [oc, c / groups, kh, kw]
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left;  // bottom/right padding only shapes oh/ow, which are given
  int64_t dilation_h, dilation_w;
  int64_t groups;
  int64_t oh, ow;            // output
};

// Floats of im2col columns one task may hold; a tile keeps K·tile within this (at least 16 columns).
constexpr int64_t kColumnBudget = int64_t{1} << 18;

// Output pixels per tile for a reduction length k = C/groups·KH·KW over p = OH·OW output pixels.
int64_t conv2d_tile(int64_t k, int64_t p) noexcept;

// cols[r, j] (r = (ci·KH + ky)·KW + kx, j < count) = x[ci, iy, ix] of output pixel p0 + j, 0 in padding.
// x points at the group's first channel plane; cols has leading dimension count.
void im2col_f32(const Conv2dShape& s, const float* x, int64_t p0, int64_t count, float* cols) noexcept;
// The adjoint: dx[ci, iy, ix] += cols[r, j] for every in-bounds tap.
void col2im_add_f32(const Conv2dShape& s, const float* cols, int64_t p0, int64_t count, float* dx) noexcept;

// y = conv(x, weight) + bias (bias may be null). y is overwritten.
runtime::Status conv2d_forward_f32(runtime::Context& ctx, const Conv2dShape& s, const float* x, const float* weight,
                                   const float* bias, float* y) noexcept;
// dx = conv2d's adjoint w.r.t. x applied to dy. dx is overwritten.
runtime::Status conv2d_backward_data_f32(runtime::Context& ctx, const Conv2dShape& s, const float* dy,
                                         const float* weight, float* dx) noexcept;
// dweight = Σ over batch and pixels of dy ⊗ im2col(x). dweight is overwritten.
runtime::Status conv2d_backward_weight_f32(runtime::Context& ctx, const Conv2dShape& s, const float* x,
                                           const float* dy, float* dweight) noexcept;
// db[o] = Σ_b Σ_p dy[b, o, p] over spatial = OH·OW pixels, summed in fixed batch chunks. db is overwritten.
void conv2d_backward_bias_f32(runtime::Context& ctx, int64_t n, int64_t oc, int64_t spatial, const float* dy,
                              float* db) noexcept;

// Any of dx, dweight, db (each may be null), bitwise as the three calls above compute them; when dX and dW
// both run over col2im/im2col (conv2d_backward_fused_applies) one pass over the batch computes them item by
// item while the item's dy is in cache, instead of three passes over dy.
runtime::Status conv2d_backward_f32(runtime::Context& ctx, const Conv2dShape& s, const float* x, const float* dy,
                                    const float* weight, float* dx, float* dweight, float* db) noexcept;
bool conv2d_backward_fused_applies(const Conv2dShape& s) noexcept;

}  // namespace nodegrad::kernels
