// conv2d entry points: forward and stride-1 dX dispatch to the micro-kernel drivers (conv2d_shifted.cc,
// conv2d_packed.cc); the rest runs over im2col + gemm_f32 (see conv2d.h).
//
// Work is split into tasks whose outputs are disjoint (dX: whole batch items,
// because col2im tiles of one item overlap; dW: fixed chunks of the batch, summed in chunk order), so the
// result never depends on which thread runs a task. With fewer tasks than threads the tasks run in order on
// the caller and the GEMM inside each one uses the pool instead; either way every GEMM call is the same.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>
#include <vector>
#include <cstdlib>

#include "../gemm/gemm.h"
#include "conv2d_internal.h"

namespace nodegrad::kernels {

namespace {

using runtime::Context;
using runtime::Slot;
using runtime::Status;

// Batch chunks for dW: partial sums per chunk, added in chunk order. Fixed, so independent of threads.
constexpr int64_t kWeightChunks = 8;
// Input channels per group (the rows of dX's register tiles) from which the shifted driver beats col2im.
constexpr int64_t kShiftedDataMinRows = 8;

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
};

Dims dims_of(const Conv2dShape& s) {
  Dims d;
  d.cg = s.c / s.groups;
  d.ocg = s.oc / s.groups;
  d.k = d.cg * s.kh * s.kw;
  d.p = s.oh * s.ow;
  d.tile = conv2d_tile(d.k, d.p);
  d.tiles = d.p == 0 ? 0 : (d.p + d.tile - 1) / d.tile;
  return d;
}

}  // namespace

Status conv2d_forward_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* weight, const float* bias,
                          float* y) noexcept {
  if (conv_detail::conv2d_shifted_applies(s)) return conv_detail::conv2d_shifted_forward_f32(ctx, s, x, weight, bias, y);
  return conv_detail::conv2d_packed_forward_f32(ctx, s, x, weight, bias, y);
}

Status conv2d_backward_data_f32(Context& ctx, const Conv2dShape& s, const float* dy, const float* weight,
                                float* dx) noexcept {
  const Dims d = dims_of(s);
  // Stride 1: dX is a forward convolution of dy (no scatter) once both channel counts fill the tiles.
  if (s.stride_h == 1 && s.stride_w == 1 && d.cg >= kShiftedDataMinRows &&
      conv_detail::conv2d_shifted_applies(conv_detail::transposed_shape(s))) {
    return conv_detail::conv2d_shifted_backward_data_f32(ctx, s, dy, weight, dx);
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
    const int64_t g = task % s.groups, b = task / s.groups;
    float* dxg = dx + (b * s.c + g * d.cg) * s.h * s.w;
    std::fill(dxg, dxg + d.cg * s.h * s.w, 0.0f);
    float* cols = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(d.k * d.tile));
    if (cols == nullptr) return false;
    stream_in(dy + (b * s.oc + g * d.ocg) * d.p, d.ocg * d.p);
    for (int64_t p0 = 0; p0 < d.p; p0 += d.tile) {
      const int64_t count = std::min(d.tile, d.p - p0);
      const Status st = gemm_f32(ctx, d.k, count, d.ocg, weight + g * d.ocg * d.k, d.k,
                                 dy + (b * s.oc + g * d.ocg) * d.p + p0, d.p, cols, count, o);
      if (st != Status::ok) return false;
      col2im_add_f32(s, cols, p0, count, dxg);
    }
    return true;
  });
}

Status conv2d_backward_weight_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* dy,
                                  float* dweight) noexcept {
  if (conv_detail::conv2d_weight_shifted_applies(s)) return conv_detail::conv2d_weight_shifted_f32(ctx, s, x, dy, dweight);
  const Dims d = dims_of(s);
  const int64_t wsize = s.oc * d.k;
  if (s.n == 0 || d.p == 0) {
    std::fill(dweight, dweight + wsize, 0.0f);
    return Status::ok;
  }
  const int64_t chunks = std::min(s.n, kWeightChunks);
  float* partial = dweight;
  if (chunks > 1) {
    partial = ctx.workspace.get_as<float>(0, Slot::misc, static_cast<size_t>(chunks * wsize));
    if (partial == nullptr) return Status::out_of_memory;
  }
  const bool pointwise = is_pointwise(s);
  const Status st = run_tasks(ctx, chunks, [&](int64_t chunk, int thread) {
    float* acc = partial + chunk * wsize;
    float* cols = nullptr;
    if (!pointwise) {
      cols = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(d.k * d.tile));
      if (cols == nullptr) return false;
    }
    const int64_t b0 = chunk * s.n / chunks, b1 = (chunk + 1) * s.n / chunks;
    for (int64_t g = 0; g < s.groups; ++g) {
      GemmOptions o;
      o.trans_b = true;  // op(B) = colsᵀ: [count, k]
      for (int64_t b = b0; b < b1; ++b) {
        const float* xg = x + (b * s.c + g * d.cg) * s.h * s.w;
        for (int64_t p0 = 0; p0 < d.p; p0 += d.tile) {
          const int64_t count = std::min(d.tile, d.p - p0);
          const float* bmat = xg + p0;
          int64_t ldb = d.p;
          if (!pointwise) {
            im2col_f32(s, xg, p0, count, cols);
            bmat = cols;
            ldb = count;
          }
          if (gemm_f32(ctx, d.ocg, d.k, count, dy + (b * s.oc + g * d.ocg) * d.p + p0, d.p, bmat, ldb,
                       acc + g * d.ocg * d.k, d.k, o) != Status::ok) {
            return false;
          }
          o.beta = 1.0f;
        }
      }
    }
    return true;
  });
  if (st != Status::ok || chunks == 1) return st;
  // dW = Σ partials in chunk order, split over disjoint element ranges.
  constexpr int64_t kBlock = 4096;
  ctx.pool.parallel_for((wsize + kBlock - 1) / kBlock, [&](int64_t blk, int) {
    const int64_t i0 = blk * kBlock, i1 = std::min(wsize, i0 + kBlock);
    std::memcpy(dweight + i0, partial + i0, static_cast<size_t>(i1 - i0) * sizeof(float));
    for (int64_t c = 1; c < chunks; ++c) {
      const float* src = partial + c * wsize;
      for (int64_t i = i0; i < i1; ++i) dweight[i] += src[i];
    }
  });
  return Status::ok;
}

void conv2d_backward_bias_f32(Context& ctx, int64_t n, int64_t oc, int64_t spatial, const float* dy,
                              float* db) noexcept {
  // Tasks of up to 16 channels, each walking dy in memory order (item by item, its channels' rows back to
  // back); per channel eight independent partial sums (vectorisable without reassociation) over items and
  // pixels in order, combined in a fixed order, whatever the task split.
  constexpr int64_t kBlock = 16;
  const bool parallel = n * spatial >= 65536;
  const int64_t block = parallel ? kBlock : std::max<int64_t>(oc, 1);
  ctx.pool.parallel_for(oc > 0 ? (oc + block - 1) / block : 0, [&](int64_t task, int) {
    const int64_t o0 = task * block, o1 = std::min(oc, o0 + block);
    float lanes[kBlock][8] = {};
    float(*lane)[8] = lanes;
    std::vector<float> big;
    if (o1 - o0 > kBlock) {
      big.assign(static_cast<size_t>(o1 - o0) * 8, 0.0f);
      lane = reinterpret_cast<float(*)[8]>(big.data());
    }
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t o = o0; o < o1; ++o) {
        const float* row = dy + (b * oc + o) * spatial;
        float* l = lane[o - o0];
        int64_t i = 0;
        for (; i + 8 <= spatial; i += 8) {
          for (int q = 0; q < 8; ++q) l[q] += row[i + q];
        }
        for (; i < spatial; ++i) l[i & 7] += row[i];
      }
    }
    for (int64_t o = o0; o < o1; ++o) {
      const float* l = lane[o - o0];
      db[o] = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    }
  });
}

}  // namespace nodegrad::kernels
