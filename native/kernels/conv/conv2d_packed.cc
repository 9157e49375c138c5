// The packed convolution driver: the GEMM micro-kernels (gemm_ukernel.h) fed without going through gemm_f32.
//
// The weights of every group are packed once per call into the micro-kernel's A panels (MR rows, k-step
// major), with the bias as one more reduction row (its B row is all ones), so no pass over y adds it.
// Each task takes a tile of output pixels of one (batch item, group), unfolds it row by row (im2col) straight
// into B panels (NR columns, k-step major) sized to stay in L2, and runs the micro-kernels over it, writing
// y in place (edge tiles through a scratch tile). 1×1 stride-1 convolutions copy x's rows without unfolding.
//
// Every output element is one micro-kernel sum over the reduction rows in increasing order, split into the
// same k blocks whatever the tile size, so the tiling (which may depend on the thread count, to give each
// thread work) never changes a bit of the result.
#include <algorithm>
#include <cstring>

#include "../gemm/gemm_config.h"
#include "../gemm/gemm_pack.h"
#include "conv2d_internal.h"

namespace nodegrad::kernels::conv_detail {

namespace {

using runtime::Context;
using runtime::Slot;
using runtime::Status;

constexpr int64_t kTileBudget = int64_t{1} << 17;  // floats of packed columns per task (512 KiB, within L2)
constexpr int kMaxTile = 14 * 32;                  // the largest MR·NR of any micro-kernel

struct Plan {
  GemmConfigF32 cfg;
  Conv2dShape s;    // the unfolding geometry (for dX: the transposed problem's)
  int64_t m;        // output rows (channels) per group
  int64_t taps;     // reduction rows from the unfold: channels per group · KH · KW
  int64_t k;        // reduction rows, the bias row included
  int64_t kc;       // depth of one k block
  int64_t mpanels;  // A panels per group
  int64_t p;        // output pixels per item
  int64_t tile, tiles;  // pixels per tile (wide: output rows per tile), tiles per item
  bool pointwise;
  bool wide;            // stride 1: unfold over padded rows (see run_tile_wide)
  int64_t wp;           // wide: padded row width ow + dilation_w·(kw − 1)
};

Plan make_plan(const Context& ctx, const Conv2dShape& s, bool bias) {
  Plan P;
  P.cfg = gemm_config_f32(ctx.isa);
  P.s = s;
  P.m = s.oc / s.groups;
  P.taps = s.c / s.groups * s.kh * s.kw;
  P.k = P.taps + (bias ? 1 : 0);
  P.kc = ceil_div(P.k, ceil_div(P.k, P.cfg.kc));
  P.mpanels = ceil_div(P.m, P.cfg.mr);
  P.p = s.oh * s.ow;
  P.pointwise = s.kh == 1 && s.kw == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
                s.pad_left == 0 && s.oh == s.h && s.ow == s.w;
  P.wp = s.ow + s.dilation_w * (s.kw - 1);
  P.wide = !P.pointwise && s.stride_h == 1 && s.stride_w == 1;
  const int64_t nr = P.cfg.nr;
  const int64_t cap = std::max(nr, kTileBudget / P.k / nr * nr);
  // At least two tasks per thread when the batch alone does not give them (the tiling never changes results).
  const int64_t items = std::max<int64_t>(1, s.n * s.groups);
  const int64_t want = ceil_div(2 * ctx.pool.num_threads(), items);
  if (P.wide) {
    P.tiles = std::max(ceil_div(s.oh, std::max<int64_t>(1, cap / s.ow)), std::min(want, s.oh));
    P.tile = ceil_div(s.oh, std::max<int64_t>(1, P.tiles));
    P.tiles = s.oh == 0 ? 0 : ceil_div(s.oh, P.tile);
    return P;
  }
  P.tiles = std::max(ceil_div(P.p, cap), std::min(want, ceil_div(P.p, nr)));
  P.tile = P.tiles == 1 ? P.p : round_up(ceil_div(P.p, P.tiles), nr);
  P.tiles = P.p == 0 ? 0 : ceil_div(P.p, P.tile);
  return P;
}

// Packs A for every group: w(g, row, r) for the unfolded rows, then the bias row; rows past m are zero.
template <typename W>
void pack_weights(const Plan& P, W&& w, const float* bias, float* dst) {
  const int64_t mr = P.cfg.mr;
  for (int64_t g = 0; g < P.s.groups; ++g) {
    for (int64_t pc = 0; pc < P.k; pc += P.kc) {
      const int64_t kcb = std::min(P.kc, P.k - pc);
      for (int64_t i = 0; i < P.mpanels; ++i) {
        for (int64_t r = pc; r < pc + kcb; ++r) {
          for (int64_t ii = 0; ii < mr; ++ii) {
            const int64_t row = i * mr + ii;
            *dst++ = row >= P.m ? 0.0f : r < P.taps ? w(g, row, r) : bias[g * P.m + row];
          }
        }
      }
    }
  }
}

// Copies one reduction row of `count` values into its place in every B panel (zeros past count).
template <int NR>
void scatter_row(const float* row, int64_t count, float* dst, int64_t panel_stride) {
  int64_t j = 0;
  for (; j + NR <= count; j += NR, dst += panel_stride) {
    for (int q = 0; q < NR; ++q) dst[q] = row[j + q];
  }
  if (j < count) {
    for (int64_t q = 0; q < NR; ++q) dst[q] = j + q < count ? row[j + q] : 0.0f;
  }
}

void scatter_row(int nr, const float* row, int64_t count, float* dst, int64_t panel_stride) {
  switch (nr) {
    case 4: return scatter_row<4>(row, count, dst, panel_stride);
    case 12: return scatter_row<12>(row, count, dst, panel_stride);
    case 16: return scatter_row<16>(row, count, dst, panel_stride);
    default: return scatter_row<32>(row, count, dst, panel_stride);  // every micro-kernel's NR is listed
  }
}

// The micro-kernels over one tile's packed B: c(i, j) is the tile of MR rows × NR columns at (i·MR, j·NR) of
// an output with leading dimension ldc whose first `count` columns exist.
void multiply(const Plan& P, const float* ag, const float* packed_b, int64_t count, float* out, int64_t ldc) {
  const int MR = P.cfg.mr, NR = P.cfg.nr;
  const int64_t npanels = ceil_div(count, NR);
  alignas(64) float scratch[kMaxTile];
  for (int64_t pc = 0; pc < P.k; pc += P.kc) {
    const int64_t kcb = std::min(P.kc, P.k - pc);
    const float beta = pc == 0 ? 0.0f : 1.0f;
    for (int64_t j = 0; j < npanels; ++j) {
      const int64_t nr = std::min<int64_t>(NR, count - j * NR);
      const float* bp = packed_b + pc * npanels * NR + j * kcb * NR;
      for (int64_t i = 0; i < P.mpanels; ++i) {
        const int64_t mr = std::min<int64_t>(MR, P.m - i * MR);
        const float* ap = ag + pc * P.mpanels * MR + i * kcb * MR;
        float* c = out + i * MR * ldc + j * NR;
        if (mr == MR && nr == NR) {
          P.cfg.ukernel(kcb, ap, MR, bp, NR, c, ldc, 1.0f, beta);
        } else if (P.cfg.tile != nullptr) {  // the ISA's any-size tile kernel, straight into the output
          P.cfg.tile(mr, nr, kcb, ap, 1, MR, bp, NR, c, ldc, 1.0f, beta);
        } else {
          P.cfg.ukernel(kcb, ap, MR, bp, NR, scratch, NR, 1.0f, 0.0f);
          gemm_merge_tile_f32(mr, nr, scratch, NR, c, ldc, 1.0f, beta);
        }
      }
    }
  }
}

// One task: pixels [p0, p0 + count) of item b, group g. packed_a holds all groups' panels.
bool run_tile(Context& ctx, const Plan& P, const float* packed_a, const float* x, float* y, int64_t b, int64_t g,
              int64_t t, int thread) {
  const Conv2dShape& s = P.s;
  const int MR = P.cfg.mr, NR = P.cfg.nr;
  const int64_t p0 = t * P.tile, count = std::min(P.tile, P.p - p0), npanels = ceil_div(count, NR);
  const int64_t bsize = P.k * npanels * NR;
  float* packed_b = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(bsize + count));
  if (packed_b == nullptr) return false;
  float* row = packed_b + bsize;
  const float* xg = x + (b * s.c + g * (s.c / s.groups)) * s.h * s.w;
  for (int64_t r = 0; r < P.k; ++r) {
    const float* src = row;
    if (r == P.taps) {
      std::fill(row, row + count, 1.0f);
    } else if (P.pointwise) {
      src = xg + r * P.p + p0;
    } else {
      im2col_row_f32(s, xg, r, p0, count, row);
    }
    const int64_t pc = r / P.kc * P.kc, kcb = std::min(P.kc, P.k - pc);
    scatter_row(NR, src, count, packed_b + pc * npanels * NR + (r - pc) * NR, kcb * NR);
  }
  multiply(P, packed_a + g * P.mpanels * MR * P.k, packed_b, count, y + (b * s.oc + g * P.m) * P.p + p0, P.p);
  return true;
}

// Copies `rows` runs of ow values (run rr starts at src + rr·wp) one after the other into a reduction row's
// place in the B panels (NR columns each, panel_stride apart), zeros past the last one.
void gather_runs(int nr, const float* src, int64_t wp, int64_t ow, int64_t rows, float* dst, int64_t panel_stride) {
  int64_t lane = 0;
  for (int64_t rr = 0; rr < rows; ++rr) {
    const float* in = src + rr * wp;
    for (int64_t left = ow; left > 0;) {
      const int64_t n = std::min<int64_t>(left, nr - lane);
      for (int64_t q = 0; q < n; ++q) dst[lane + q] = in[q];
      in += n;
      left -= n;
      lane += n;
      if (lane == nr) {
        lane = 0;
        dst += panel_stride;
      }
    }
  }
  if (lane > 0) std::fill(dst + lane, dst + nr, 0.0f);
}

// Stride 1 over padded rows: with xp the zero-padded input rows of the tile (row width wp), unfolded row
// r = (ci, ky, kx) of output row oy is the contiguous run xp[ci] + (oy − oy0 + ky·dh)·wp + kx·dw of ow values,
// so packing is plain copies, and the tile's pixels are consecutive in y, written in place.
bool run_tile_wide(Context& ctx, const Plan& P, const float* packed_a, const float* x, float* y, int64_t b, int64_t g,
                   int64_t t, int thread) {
  const Conv2dShape& s = P.s;
  const int NR = P.cfg.nr;
  const int64_t oy0 = t * P.tile, rows = std::min(P.tile, s.oh - oy0), count = rows * s.ow;
  const int64_t npanels = ceil_div(count, NR), cg = s.c / s.groups;
  const int64_t in_rows = rows + s.dilation_h * (s.kh - 1), plane = in_rows * P.wp;
  const int64_t bsize = P.k * npanels * NR, xsize = cg * plane;
  float* packed_b = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(bsize + xsize));
  if (packed_b == nullptr) return false;
  float* xp = packed_b + bsize;
  const float* xg = x + (b * s.c + g * cg) * s.h * s.w;
  for (int64_t ci = 0; ci < cg; ++ci) {
    for (int64_t r = 0; r < in_rows; ++r) {
      conv_detail::pad_row_f32(s, xg + ci * s.h * s.w, oy0 + r - s.pad_top, P.wp, xp + ci * plane + r * P.wp);
    }
  }
  for (int64_t r = 0; r < P.k; ++r) {
    const int64_t pc = r / P.kc * P.kc, kcb = std::min(P.kc, P.k - pc);
    float* dst = packed_b + pc * npanels * NR + (r - pc) * NR;
    if (r == P.taps) {  // the bias row
      for (int64_t j = 0; j < npanels; ++j) {
        for (int64_t q = 0; q < NR; ++q) dst[j * kcb * NR + q] = j * NR + q < count ? 1.0f : 0.0f;
      }
      continue;
    }
    const int64_t kx = r % s.kw, ky = r / s.kw % s.kh, ci = r / s.kw / s.kh;
    gather_runs(NR, xp + ci * plane + ky * s.dilation_h * P.wp + kx * s.dilation_w, P.wp, s.ow, rows, dst, kcb * NR);
  }
  multiply(P, packed_a + g * P.mpanels * P.cfg.mr * P.k, packed_b, count, y + (b * s.oc + g * P.m) * P.p + oy0 * s.ow,
           P.p);
  return true;
}

template <typename W>
Status run(Context& ctx, const Plan& P, W&& w, const float* bias, const float* x, float* y) {
  const Conv2dShape& s = P.s;
  if (P.p == 0 || s.n == 0) return Status::ok;
  const int self = runtime::ThreadPool::current_thread();
  const size_t asize = static_cast<size_t>(s.groups * P.mpanels * P.cfg.mr * P.k);
  float* packed_a = ctx.workspace.get_as<float>(self, Slot::misc, asize);
  if (packed_a == nullptr) return Status::out_of_memory;
  pack_weights(P, w, bias, packed_a);
  return run_tasks(ctx, s.n * s.groups * P.tiles, [&](int64_t task, int thread) {
    const int64_t t = task % P.tiles, g = task / P.tiles % s.groups, b = task / P.tiles / s.groups;
    return P.wide ? run_tile_wide(ctx, P, packed_a, x, y, b, g, t, thread)
                  : run_tile(ctx, P, packed_a, x, y, b, g, t, thread);
  });
}

}  // namespace

Status conv2d_packed_forward_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* weight,
                                 const float* bias, float* y) noexcept {
  const Plan P = make_plan(ctx, s, bias != nullptr);
  const int64_t taps = P.taps;
  return run(ctx, P, [&](int64_t g, int64_t row, int64_t r) { return weight[(g * P.m + row) * taps + r]; }, bias, x, y);
}

}  // namespace nodegrad::kernels::conv_detail
