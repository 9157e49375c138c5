// conv2d entry points: forward and stride-1 dX dispatch to the micro-kernel drivers (conv2d_shifted.cc,
// conv2d_packed.cc); the rest runs over im2col + gemm_f32 (see conv2d.h).
//
// Work is split into tasks whose outputs are disjoint (dX: whole batch items,
// because col2im tiles of one item overlap; dW and db: fixed chunks of the batch, summed in chunk order), so
// the result never depends on which thread runs a task. conv2d_backward_f32 runs dX, dW and db of the
// unfolding paths item by item in one pass over dy. With fewer tasks than threads the tasks run in order on
// the caller and the GEMM inside each one uses the pool instead; either way every GEMM call is the same.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>
#include <vector>
#include <cstdlib>

#include "../gemm/gemm.h"
#include "../gemm/gemm_config.h"
#include "conv2d_internal.h"
#include "conv2d_small.h"

namespace nodegrad::kernels {

namespace {

using runtime::Context;
using runtime::Slot;
using runtime::Status;

// Batch chunks for dW: partial sums per chunk, added in chunk order. Fixed, so independent of threads.
constexpr int64_t kWeightChunks = 8;
// Input channels per group (the rows of dX's register tiles) from which the shifted driver beats col2im.
constexpr int64_t kShiftedDataMinRows = 8;

using conv_detail::round_up;
using conv_detail::run_tasks;

// Reads a block sequentially once, so that the GEMM's strided reads of it (one stream per channel, more than
// the hardware prefetchers follow) hit the cache instead of waiting on memory one line at a time.
void stream_in(const float* p, int64_t n) {
  float sink = 0.0f;
  for (int64_t i = 0; i < n; i += 16) sink += p[i];
  asm volatile("" : : "r"(sink));
}

bool is_pointwise(const Conv2dShape& s) {
  return s.kh == 1 && s.kw == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 && s.pad_left == 0 &&
         s.oh == s.h && s.ow == s.w;
}

struct Dims {
  int64_t cg, ocg, k, p, tile, tiles;
  bool wt;  // dW accumulates dWᵀ_g = im2col(x_g) · dY_gᵀ (see weight_transposed)
};

Dims dims_of(const Conv2dShape& s) {
  Dims d;
  d.cg = s.c / s.groups;
  d.ocg = s.oc / s.groups;
  d.k = d.cg * s.kh * s.kw;
  d.p = s.oh * s.ow;
  d.tile = conv2d_tile(d.k, d.p);
  d.tiles = d.p == 0 ? 0 : (d.p + d.tile - 1) / d.tile;
  d.wt = false;
  return d;
}

// Whether dW over im2col fills the register tiles better as dWᵀ [k, ocg] than as dW [ocg, k]: rows fill MR-row
// panels, columns fill vectors of half the tile width (the tile kernels run one or two). C = 1 (k = 9, 64
// channels) and LeNet's conv2 (k = 150, 16 channels) both prefer dWᵀ.
bool weight_transposed(const Context& ctx, const Conv2dShape& s, const Dims& d) {
  if (is_pointwise(s)) return false;
  const GemmConfigF32 cfg = gemm_config_f32(ctx.isa);
  const int64_t v = std::max(1, cfg.nr / 2);
  auto fill = [&](int64_t m, int64_t n) {
    return static_cast<double>(m) / round_up(m, cfg.mr) * static_cast<double>(n) / round_up(n, v);
  };
  return fill(d.k, d.ocg) > fill(d.ocg, d.k);
}

// dX of item b, group g by GEMM + col2im over pixel tiles (cols: k·tile floats).
bool data_item(Context& ctx, const Conv2dShape& s, const Dims& d, const float* dy, const float* weight, float* dx,
               int64_t b, int64_t g, float* cols) {
  GemmOptions o;
  o.trans_a = true;  // op(A) = W_gᵀ: [k, ocg]
  float* dxg = dx + (b * s.c + g * d.cg) * s.h * s.w;
  std::fill(dxg, dxg + d.cg * s.h * s.w, 0.0f);
  stream_in(dy + (b * s.oc + g * d.ocg) * d.p, d.ocg * d.p);
  for (int64_t p0 = 0; p0 < d.p; p0 += d.tile) {
    const int64_t count = std::min(d.tile, d.p - p0);
    if (gemm_f32(ctx, d.k, count, d.ocg, weight + g * d.ocg * d.k, d.k, dy + (b * s.oc + g * d.ocg) * d.p + p0, d.p,
                 cols, count, o) != Status::ok) {
      return false;
    }
    col2im_add_f32(s, cols, p0, count, dxg);
  }
  return true;
}

// acc_g += dY_g · im2col(x_g)ᵀ of item b, group g, over pixel tiles in order (its transpose when d.wt);
// overwrites acc_g first when `first` (cols: k·tile floats, unused for pointwise shapes).
bool weight_item(Context& ctx, const Conv2dShape& s, const Dims& d, const float* x, const float* dy, float* acc,
                 int64_t b, int64_t g, bool first, float* cols) {
  GemmOptions o;
  o.trans_b = true;  // op(B) = colsᵀ: [count, k]
  o.beta = first ? 0.0f : 1.0f;
  GemmOptions to = o;  // d.wt: op(B) = dY_gᵀ [count, ocg], A = cols read in place
  const float* xg = x + (b * s.c + g * d.cg) * s.h * s.w;
  for (int64_t p0 = 0; p0 < d.p; p0 += d.tile) {
    const int64_t count = std::min(d.tile, d.p - p0);
    const float* bmat = xg + p0;
    int64_t ldb = d.p;
    if (!is_pointwise(s)) {
      im2col_f32(s, xg, p0, count, cols);
      bmat = cols;
      ldb = count;
    }
    const float* dyt = dy + (b * s.oc + g * d.ocg) * d.p + p0;
    const Status st = d.wt ? gemm_f32(ctx, d.k, d.ocg, count, bmat, ldb, dyt, d.p, acc + g * d.ocg * d.k, d.ocg, to)
                           : gemm_f32(ctx, d.ocg, d.k, count, dyt, d.p, bmat, ldb, acc + g * d.ocg * d.k, d.k, o);
    if (st != Status::ok) return false;
    o.beta = to.beta = 1.0f;
  }
  return true;
}

// dst[i] = Σ_c partial[c·size + i] in chunk order, over disjoint element ranges in parallel.
void sum_chunks(Context& ctx, const float* partial, int64_t chunks, int64_t size, float* dst) {
  constexpr int64_t kBlock = 4096;
  ctx.pool.parallel_for((size + kBlock - 1) / kBlock, [&](int64_t blk, int) {
    const int64_t i0 = blk * kBlock, i1 = std::min(size, i0 + kBlock);
    std::memcpy(dst + i0, partial + i0, static_cast<size_t>(i1 - i0) * sizeof(float));
    for (int64_t c = 1; c < chunks; ++c) {
      const float* src = partial + c * size;
      for (int64_t i = i0; i < i1; ++i) dst[i] += src[i];
    }
  });
}

// dweight from per-chunk partials: summed in chunk order, transposed back per group when d.wt.
void finish_weight(Context& ctx, const Conv2dShape& s, const Dims& d, const float* partial, int64_t chunks,
                   float* dweight) {
  const int64_t wsize = s.oc * d.k;
  if (!d.wt) {
    if (partial != dweight) sum_chunks(ctx, partial, chunks, wsize, dweight);
    return;
  }
  for (int64_t g = 0; g < s.groups; ++g) {
    for (int64_t o = 0; o < d.ocg; ++o) {
      for (int64_t r = 0; r < d.k; ++r) {
        const int64_t at = (g * d.k + r) * d.ocg + o;
        float v = partial[at];
        for (int64_t c = 1; c < chunks; ++c) v += partial[c * wsize + at];
        dweight[(g * d.ocg + o) * d.k + r] = v;
      }
    }
  }
}

// Stride 1: dX is a forward convolution of dy (no scatter) once both channel counts fill the tiles.
bool data_shifted_applies(const Conv2dShape& s, const Dims& d) {
  return s.stride_h == 1 && s.stride_w == 1 && d.cg >= kShiftedDataMinRows &&
         conv_detail::conv2d_shifted_applies(conv_detail::transposed_shape(s));
}

}  // namespace

Status conv2d_forward_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* weight, const float* bias,
                          float* y) noexcept {
  if (conv_detail::conv2d_shifted_applies(s)) return conv_detail::conv2d_shifted_forward_f32(ctx, s, x, weight, bias, y);
  if (conv_detail::conv2d_small_applies(s)) return conv_detail::conv2d_small_forward_f32(ctx, s, x, weight, bias, y);
  return conv_detail::conv2d_packed_forward_f32(ctx, s, x, weight, bias, y);
}

Status conv2d_backward_data_f32(Context& ctx, const Conv2dShape& s, const float* dy, const float* weight,
                                float* dx) noexcept {
  const Dims d = dims_of(s);
  if (data_shifted_applies(s, d)) return conv_detail::conv2d_shifted_backward_data_f32(ctx, s, dy, weight, dx);
  if (conv_detail::conv2d_small_applies(s)) {
    return conv_detail::conv2d_small_backward_f32(ctx, s, nullptr, dy, weight, dx, nullptr, nullptr);
  }
  GemmOptions o;
  o.trans_a = true;  // op(A) = W_gᵀ: [k, ocg]
  if (is_pointwise(s)) {
    // dX_g[:, tile] = W_gᵀ · dY_g[:, tile]: disjoint columns, no scatter.
    return run_tasks(ctx, s.n * s.groups * d.tiles, [&](int64_t task, int) {
      const int64_t t = task % d.tiles, g = task / d.tiles % s.groups, b = task / d.tiles / s.groups;
      const int64_t p0 = t * d.tile, count = std::min(d.tile, d.p - p0);
      return gemm_f32(ctx, d.cg, count, d.ocg, weight + g * d.ocg * d.k, d.k, dy + (b * s.oc + g * d.ocg) * d.p + p0,
                      d.p, dx + (b * s.c + g * d.cg) * d.p + p0, d.p, o) == Status::ok;
    });
  }
  return run_tasks(ctx, s.n * s.groups, [&](int64_t task, int thread) {
    float* cols = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(d.k * d.tile));
    return cols != nullptr && data_item(ctx, s, d, dy, weight, dx, task / s.groups, task % s.groups, cols);
  });
}

Status conv2d_backward_weight_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* dy,
                                  float* dweight) noexcept {
  if (conv_detail::conv2d_weight_shifted_applies(s)) return conv_detail::conv2d_weight_shifted_f32(ctx, s, x, dy, dweight);
  if (conv_detail::conv2d_small_applies(s)) {
    return conv_detail::conv2d_small_backward_f32(ctx, s, x, dy, nullptr, nullptr, dweight, nullptr);
  }
  Dims d = dims_of(s);
  d.wt = weight_transposed(ctx, s, d);
  const int64_t wsize = s.oc * d.k;
  if (s.n == 0 || d.p == 0) {
    std::fill(dweight, dweight + wsize, 0.0f);
    return Status::ok;
  }
  const int64_t chunks = std::min(s.n, kWeightChunks);
  float* partial = dweight;
  if (chunks > 1 || d.wt) {
    partial = ctx.workspace.get_as<float>(0, Slot::misc, static_cast<size_t>(chunks * wsize));
    if (partial == nullptr) return Status::out_of_memory;
  }
  const Status st = run_tasks(ctx, chunks, [&](int64_t chunk, int thread) {
    float* cols = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(d.k * d.tile));
    if (cols == nullptr) return false;
    const int64_t b0 = chunk * s.n / chunks, b1 = (chunk + 1) * s.n / chunks;
    for (int64_t g = 0; g < s.groups; ++g) {
      for (int64_t b = b0; b < b1; ++b) {
        if (!weight_item(ctx, s, d, x, dy, partial + chunk * wsize, b, g, b == b0, cols)) return false;
      }
    }
    return true;
  });
  if (st == Status::ok) finish_weight(ctx, s, d, partial, chunks, dweight);
  return st;
}

void conv2d_backward_bias_f32(Context& ctx, int64_t n, int64_t oc, int64_t spatial, const float* dy,
                              float* db) noexcept {
  // Per fixed batch chunk and channel 32 lanes of partial sums over items and pixels in order (the lanes
  // every backward shares), walking dy in memory order; chunks combined in order.
  const int64_t chunks = std::max<int64_t>(1, std::min(n, kWeightChunks)), stride = oc * kConvBiasLanes;
  std::vector<float> lanes(static_cast<size_t>(chunks * stride), 0.0f);
  auto chunk_fn = [&](int64_t chunk, int) {
    for (int64_t b = chunk * n / chunks; b < (chunk + 1) * n / chunks; ++b) {
      conv_detail::conv2d_bias_lanes(ctx, oc, spatial, dy + b * oc * spatial, spatial, lanes.data() + chunk * stride);
    }
  };
  if (n * oc * spatial >= 65536) {
    ctx.pool.parallel_for(chunks, chunk_fn);
  } else {
    for (int64_t c = 0; c < chunks; ++c) chunk_fn(c, 0);
  }
  conv_detail::conv2d_bias_finish(lanes.data(), chunks, stride, oc, db);
}

bool conv2d_backward_fused_applies(const Conv2dShape& s) noexcept {
  const Dims d = dims_of(s);
  return !is_pointwise(s) && !data_shifted_applies(s, d) && !conv_detail::conv2d_weight_shifted_applies(s) &&
         !conv_detail::conv2d_small_applies(s);
}

Status conv2d_backward_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* dy, const float* weight,
                           float* dx, float* dweight, float* db) noexcept {
  Dims d = dims_of(s);
  d.wt = weight_transposed(ctx, s, d);
  if (conv_detail::conv2d_small_applies(s)) {
    // The small path for the gradients it computes on its own too (see the separate entry points above),
    // db always (its lanes are the same everywhere); the others separately.
    const bool small_dx = dx != nullptr && !data_shifted_applies(s, d);
    const bool small_dw = dweight != nullptr && !conv_detail::conv2d_weight_shifted_applies(s);
    Status st = conv_detail::conv2d_small_backward_f32(ctx, s, x, dy, weight, small_dx ? dx : nullptr,
                                                       small_dw ? dweight : nullptr, db);
    if (st == Status::ok && dx != nullptr && !small_dx) st = conv2d_backward_data_f32(ctx, s, dy, weight, dx);
    if (st == Status::ok && dweight != nullptr && !small_dw) st = conv2d_backward_weight_f32(ctx, s, x, dy, dweight);
    return st;
  }
  if (dx == nullptr || dweight == nullptr || s.n == 0 || d.p == 0 || !conv2d_backward_fused_applies(s)) {
    if (dx != nullptr) {
      const Status st = conv2d_backward_data_f32(ctx, s, dy, weight, dx);
      if (st != Status::ok) return st;
    }
    if (dweight != nullptr) {
      const Status st = conv2d_backward_weight_f32(ctx, s, x, dy, dweight);
      if (st != Status::ok) return st;
    }
    if (db != nullptr) conv2d_backward_bias_f32(ctx, s.n, s.oc, d.p, dy, db);
    return Status::ok;
  }
  // One pass over dy: each batch chunk runs item by item dX, its dW terms and its db lanes while the item's
  // dy is still in cache. dW and db partials are per fixed chunk, summed in chunk order.
  const int64_t chunks = std::min(s.n, kWeightChunks), wsize = s.oc * d.k, bsize = s.oc * kConvBiasLanes;
  float* partial = ctx.workspace.get_as<float>(0, Slot::misc, static_cast<size_t>(chunks * (wsize + bsize)));
  if (partial == nullptr) return Status::out_of_memory;
  float* lanes = partial + chunks * wsize;
  std::fill(lanes, lanes + chunks * bsize, 0.0f);
  const Status st = run_tasks(ctx, chunks, [&](int64_t chunk, int thread) {
    float* cols = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(d.k * d.tile));
    if (cols == nullptr) return false;
    const int64_t b0 = chunk * s.n / chunks, b1 = (chunk + 1) * s.n / chunks;
    for (int64_t b = b0; b < b1; ++b) {
      for (int64_t g = 0; g < s.groups; ++g) {
        if (!data_item(ctx, s, d, dy, weight, dx, b, g, cols)) return false;
        if (!weight_item(ctx, s, d, x, dy, partial + chunk * wsize, b, g, b == b0, cols)) return false;
      }
      if (db != nullptr) conv_detail::conv2d_bias_lanes(ctx, s.oc, d.p, dy + b * s.oc * d.p, d.p, lanes + chunk * bsize);
    }
    return true;
  });
  if (st != Status::ok) return st;
  finish_weight(ctx, s, d, partial, chunks, dweight);
  if (db != nullptr) conv_detail::conv2d_bias_finish(lanes, chunks, bsize, s.oc, db);
  return Status::ok;
}

}  // namespace nodegrad::kernels
