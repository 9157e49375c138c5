// Shared pieces of the conv2d kernels (baseline code only; not for ISA files).
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "../../runtime/context.h"
#include "conv2d.h"
#include "conv2d_small.h"

namespace nodegrad::kernels::conv_detail {

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// Runs fn(task, thread) -> bool for every task; false from any task gives out_of_memory. With fewer tasks
// than threads the tasks run in order on the caller, so a GEMM inside each one may use the pool instead.
template <typename F>
runtime::Status run_tasks(runtime::Context& ctx, int64_t tasks, F&& fn) {
  std::atomic<bool> failed{false};
  auto body = [&](int64_t task, int thread) {
    if (!failed.load(std::memory_order_relaxed) && !fn(task, thread)) failed.store(true);
  };
  if (tasks >= ctx.pool.num_threads() || runtime::ThreadPool::in_parallel_region()) {
    ctx.pool.parallel_for(tasks, std::move(body));  // an rvalue: parallel_for takes F&& and casts to F*
  } else {
    const int self = runtime::ThreadPool::current_thread();
    for (int64_t t = 0; t < tasks; ++t) body(t, self);
  }
  return failed.load() ? runtime::Status::out_of_memory : runtime::Status::ok;
}

// One im2col row (r = (ci·KH + ky)·KW + kx) for output pixels [p0, p0 + count): out[j] = x[ci, iy, ix] of
// pixel p0 + j, 0 in padding. x points at the group's first channel plane.
void im2col_row_f32(const Conv2dShape& s, const float* x, int64_t r, int64_t p0, int64_t count, float* out) noexcept;

// Row iy of one input plane as a zero-padded row: dst[c] = plane[iy, c − pad_left] for c in [0, wp), 0 outside x
// (the whole row when iy is outside [0, h)).
void pad_row_f32(const Conv2dShape& s, const float* plane, int64_t iy, int64_t wp, float* dst) noexcept;

// dst[j·dst_step + c] = src[c·src_step + j] for c < channels, j < count: eight source rows at a time, each
// read sequentially (one row per channel would touch a new page per element).
void transpose_f32(const float* src, int64_t src_step, int64_t channels, int64_t count, float* dst,
                   int64_t dst_step) noexcept;

// The problem whose forward convolution is dX for stride 1: dy as input, padded by dilation·(K − 1) − pad,
// with the weight flipped in space and transposed in channels (c and oc swap).
inline Conv2dShape transposed_shape(const Conv2dShape& s) {
  Conv2dShape t = s;
  t.c = s.oc;
  t.h = s.oh;
  t.w = s.ow;
  t.oc = s.c;
  t.pad_top = s.dilation_h * (s.kh - 1) - s.pad_top;
  t.pad_left = s.dilation_w * (s.kw - 1) - s.pad_left;
  t.oh = s.h;
  t.ow = s.w;
  return t;
}

// Channels per group from which the shifted driver (conv2d_shifted.cc) beats unfolding: each micro-kernel
// call reduces over one tap's channels, and shorter calls spend too much on loading and storing the C tile.
constexpr int64_t kShiftedMinChannels = 16;
bool conv2d_shifted_applies(const Conv2dShape& s) noexcept;
runtime::Status conv2d_shifted_forward_f32(runtime::Context& ctx, const Conv2dShape& s, const float* x,
                                           const float* weight, const float* bias, float* y) noexcept;
// dX for stride 1 through the shifted driver applied to transposed_shape(s).
runtime::Status conv2d_shifted_backward_data_f32(runtime::Context& ctx, const Conv2dShape& s, const float* dy,
                                                 const float* weight, float* dx) noexcept;

// dW for stride 1 over shifted views of a channels-last copy of x (conv2d_weight.cc), when the group's input
// channels fill B panels and its output channels fill A panels well enough.
constexpr int64_t kShiftedWeightMinRows = 8;
bool conv2d_weight_shifted_applies(const Conv2dShape& s) noexcept;
runtime::Status conv2d_weight_shifted_f32(runtime::Context& ctx, const Conv2dShape& s, const float* x,
                                          const float* dy, float* dweight) noexcept;

// The small-reduction path (conv2d_small.cc): K = C/groups·KH·KW up to kSmallMaxK (LeNet's conv2, 7×7
// stems), any geometry but 1×1 stride 1 (which needs no unfolding at all).
constexpr int64_t kSmallMaxK = kConvSmallMaxK;
bool conv2d_small_applies(const Conv2dShape& s) noexcept;
runtime::Status conv2d_small_forward_f32(runtime::Context& ctx, const Conv2dShape& s, const float* x,
                                         const float* weight, const float* bias, float* y) noexcept;
// Any of dx, dweight, db (each may be null); db is bitwise conv2d_backward_bias_f32's.
runtime::Status conv2d_small_backward_f32(runtime::Context& ctx, const Conv2dShape& s, const float* x,
                                          const float* dy, const float* weight, float* dx, float* dweight,
                                          float* db) noexcept;
// db lanes, the order every db computation shares: lanes[o·32 + q] += Σ_{p ≡ q mod 32} a[o·lda + p] for o < m,
// p < n; and db[o] from lanes [chunks][oc·32] (chunk_stride floats apart): each chunk's lanes in a fixed
// tree, then the chunks in order.
void conv2d_bias_lanes(const runtime::Context& ctx, int64_t m, int64_t n, const float* a, int64_t lda,
                       float* lanes) noexcept;
void conv2d_bias_finish(const float* lanes, int64_t chunks, int64_t chunk_stride, int64_t oc, float* db) noexcept;

// Forward convolution through the packed micro-kernel driver (conv2d_packed.cc), for every shape.
runtime::Status conv2d_packed_forward_f32(runtime::Context& ctx, const Conv2dShape& s, const float* x,
                                          const float* weight, const float* bias, float* y) noexcept;

}  // namespace nodegrad::kernels::conv_detail
