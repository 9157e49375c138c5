// 2-D max and average pooling, NCHW, PyTorch semantics. Every (batch, channel) plane [H, W] maps to an
// output plane [OH, OW]; window (oy, ox) covers rows oy·stride_h − pad_top + ky·dilation_h, ky < KH (and
// the same for columns). Taps outside [0, H) × [0, W) are padding.
//
// Max: padding never wins (it is −∞ and only real elements are candidates); ties keep the first tap in
// row-major window order; a NaN anywhere in the window gives NaN and the index of the first NaN. The index
// is plane-relative (iy·W + ix), as in PyTorch; a window with no real element gives −∞ and index −1.
// Average: sum of the real taps in row-major order divided by the count: with count_include_pad the window
// clipped to the padded input [−pad_top, H + pad_bottom) (PyTorch's rule under ceil mode), else the real
// taps only. Adaptive average: rows [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉), the same for columns.
//
// Callers (the binding) have validated sizes, buffer lengths, H·W < 2^31 and, for backward, the indices.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

struct Pool2dShape {
  int64_t planes;  // N·C
  int64_t h, w, oh, ow;
  int64_t kh, kw;
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left, pad_bottom, pad_right;
  int64_t dilation_h, dilation_w;  // 1 for average pooling
};

void max_pool2d_forward_f32(runtime::Context& ctx, const Pool2dShape& s, const float* x, float* y,
                            int32_t* indices) noexcept;
// dx = 0, then dx[plane, indices[o]] += dy[o] (index −1 is skipped).
void max_pool2d_backward_f32(runtime::Context& ctx, const Pool2dShape& s, const float* dy, const int32_t* indices,
                             float* dx) noexcept;
void avg_pool2d_forward_f32(runtime::Context& ctx, const Pool2dShape& s, bool count_include_pad, const float* x,
                            float* y) noexcept;
void avg_pool2d_backward_f32(runtime::Context& ctx, const Pool2dShape& s, bool count_include_pad, const float* dy,
                             float* dx) noexcept;
void adaptive_avg_pool2d_forward_f32(runtime::Context& ctx, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                     int64_t ow, const float* x, float* y) noexcept;
void adaptive_avg_pool2d_backward_f32(runtime::Context& ctx, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                      int64_t ow, const float* dy, float* dx) noexcept;

}  // namespace nodegrad::kernels
