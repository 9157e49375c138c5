// Convolution without im2col for horizontal stride 1: the reduction is split by kernel tap (ky, kx), and for
// one tap the unfolded matrix is a shifted view of the (zero-padded) input, B(ci, ox) = xp[ci, oy·sh + ky·dh,
// ox + kx·dw], which a GEMM micro-kernel reads in place with a k step of one channel plane. A register tile of
// y (MR output channels × NR pixels of one output row) takes the bias, then one micro-kernel call per tap
// accumulating over the group's channels, in a contiguous scratch tile copied into y once (y's rows are
// often a multiple of 4 KiB apart: ten loads and stores of the tile in place would share one L1 set).
//
// Each task copies the input rows its output rows need, padded with zeros, into its own workspace as
// xp[r, ci, c] (rows outermost, so one call's k steps walk a few KiB rather than one page per channel), with
// NR floats of slack after it: an edge panel reads past the row end into values it then discards. Weights are packed
// once per call, per tap, into MR-row panels. Every output element is bias, then taps in order, each a
// micro-kernel sum over channels in order (in the same k blocks): no dependence on tasks or threads.
#include <algorithm>

#include "../gemm/gemm_config.h"
#include "../gemm/gemm_pack.h"
#include "conv2d_internal.h"

namespace nodegrad::kernels::conv_detail {

namespace {

using runtime::Context;
using runtime::Slot;
using runtime::Status;

constexpr int kMaxTile = 14 * 32;  // the largest MR·NR of any micro-kernel
constexpr int kMaxNr = 32;

struct Plan {
  GemmConfigF32 cfg;
  Conv2dShape s;
  int64_t cg, m, taps, mpanels, kc;
  int64_t wp;              // padded row width: ow + dilation_w·(kw − 1)
  int64_t rows, chunks;    // output rows per task, tasks per (item, group)
};

Plan make_plan(const Context& ctx, const Conv2dShape& s) {
  Plan P;
  P.cfg = gemm_config_f32(ctx.isa);
  P.s = s;
  P.cg = s.c / s.groups;
  P.m = s.oc / s.groups;
  P.taps = s.kh * s.kw;
  P.mpanels = ceil_div(P.m, P.cfg.mr);
  P.kc = ceil_div(P.cg, ceil_div(P.cg, P.cfg.kc));
  P.wp = s.ow + s.dilation_w * (s.kw - 1);
  const int64_t items = std::max<int64_t>(1, s.n * s.groups);
  P.chunks = std::min(s.oh, std::max<int64_t>(1, ceil_div(2 * ctx.pool.num_threads(), items)));
  P.rows = ceil_div(s.oh, P.chunks);
  P.chunks = ceil_div(s.oh, P.rows);
  return P;
}

// packed[((g·taps + t)·mpanels + i)·cg·MR + ci·MR + ii] = w(g, i·MR + ii, ci, t), zero past m.
template <typename W>
void pack_weights(const Plan& P, W&& w, float* dst) {
  const int64_t mr = P.cfg.mr;
  for (int64_t g = 0; g < P.s.groups; ++g)
    for (int64_t t = 0; t < P.taps; ++t)
      for (int64_t i = 0; i < P.mpanels; ++i)
        for (int64_t ci = 0; ci < P.cg; ++ci)
          for (int64_t ii = 0; ii < mr; ++ii) *dst++ = i * mr + ii < P.m ? w(g, i * mr + ii, ci, t) : 0.0f;
}

// Output rows [oy0, oy0 + rows) of item b, group g.
bool run_chunk(Context& ctx, const Plan& P, const float* packed_w, const float* bias_panels, const float* x, float* y,
               int64_t b, int64_t g, int64_t oy0, int thread) {
  const Conv2dShape& s = P.s;
  const int MR = P.cfg.mr, NR = P.cfg.nr;
  const int64_t rows = std::min(P.rows, s.oh - oy0);
  const int64_t in_rows = (rows - 1) * s.stride_h + s.dilation_h * (s.kh - 1) + 1, row_stride = P.cg * P.wp;
  const int64_t xp_size = in_rows * row_stride;
  float* xp = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(xp_size + kMaxNr));
  if (xp == nullptr) return false;
  // xp[r, ci, c] = x[ci, oy0·sh + r − pad_top, c − pad_left], 0 outside x.
  const float* xg = x + (b * s.c + g * P.cg) * s.h * s.w;
  for (int64_t r = 0; r < in_rows; ++r) {
    for (int64_t ci = 0; ci < P.cg; ++ci) {
      const int64_t iy = oy0 * s.stride_h + r - s.pad_top;
      conv_detail::pad_row_f32(s, xg + ci * s.h * s.w, iy, P.wp, xp + r * row_stride + ci * P.wp);
    }
  }
  std::fill(xp + xp_size, xp + xp_size + kMaxNr, 0.0f);

  alignas(64) float scratch[kMaxTile];
  alignas(64) static const float ones[kMaxNr] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const int64_t p = s.oh * s.ow;
  for (int64_t oy = oy0; oy < oy0 + rows; ++oy) {
    const float* xrow = xp + (oy - oy0) * s.stride_h * row_stride;
    for (int64_t ox = 0; ox < s.ow; ox += NR) {
      const int64_t nr = std::min<int64_t>(NR, s.ow - ox);
      for (int64_t i = 0; i < P.mpanels; ++i) {
        const int64_t mr = std::min<int64_t>(MR, P.m - i * MR);
        float* yc = y + (b * s.oc + g * P.m + i * MR) * p + oy * s.ow + ox;
        // Edge tiles run the ISA's any-size tile kernel where it has one.
        const bool full = mr == MR && nr == NR, edge = !full && P.cfg.tile != nullptr;
        auto kernel = [&](int64_t kc, const float* a, const float* bp, int64_t b_step, float beta) {
          if (edge) {
            P.cfg.tile(mr, nr, kc, a, 1, MR, bp, b_step, scratch, NR, 1.0f, beta);
          } else {
            P.cfg.ukernel(kc, a, MR, bp, b_step, scratch, NR, 1.0f, beta);
          }
        };
        float beta = 0.0f;
        if (bias_panels != nullptr) {
          kernel(1, bias_panels + (g * P.mpanels + i) * MR, ones, 0, 0.0f);
          beta = 1.0f;
        }
        for (int64_t t = 0; t < P.taps; ++t) {
          const float* bt = xrow + t / s.kw * s.dilation_h * row_stride + t % s.kw * s.dilation_w + ox;
          const float* at = packed_w + ((g * P.taps + t) * P.mpanels + i) * P.cg * MR;
          for (int64_t c0 = 0; c0 < P.cg; c0 += P.kc) {
            kernel(std::min(P.kc, P.cg - c0), at + c0 * MR, bt + c0 * P.wp, P.wp, beta);
            beta = 1.0f;
          }
        }
        gemm_merge_tile_f32(mr, nr, scratch, NR, yc, p, 1.0f, 0.0f);
      }
    }
  }
  return true;
}

template <typename W>
Status run(Context& ctx, const Plan& P, W&& w, const float* bias, const float* x, float* y) {
  const Conv2dShape& s = P.s;
  if (s.n == 0 || s.oh == 0 || s.ow == 0) return Status::ok;
  const int self = runtime::ThreadPool::current_thread();
  const int64_t mr = P.cfg.mr, wsize = s.groups * P.taps * P.mpanels * P.cg * mr;
  const int64_t bsize = bias != nullptr ? s.groups * P.mpanels * mr : 0;
  float* packed = ctx.workspace.get_as<float>(self, Slot::misc, static_cast<size_t>(wsize + bsize));
  if (packed == nullptr) return Status::out_of_memory;
  pack_weights(P, w, packed);
  float* bias_panels = nullptr;
  if (bias != nullptr) {
    bias_panels = packed + wsize;
    for (int64_t g = 0; g < s.groups; ++g)
      for (int64_t r = 0; r < P.mpanels * mr; ++r) bias_panels[g * P.mpanels * mr + r] = r < P.m ? bias[g * P.m + r] : 0.0f;
  }
  return run_tasks(ctx, s.n * s.groups * P.chunks, [&](int64_t task, int thread) {
    const int64_t k = task % P.chunks, g = task / P.chunks % s.groups, b = task / P.chunks / s.groups;
    return run_chunk(ctx, P, packed, bias_panels, x, y, b, g, k * P.rows, thread);
  });
}

}  // namespace

bool conv2d_shifted_applies(const Conv2dShape& s) noexcept {
  return s.stride_w == 1 && s.c / s.groups >= kShiftedMinChannels;
}

Status conv2d_shifted_forward_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* weight,
                                  const float* bias, float* y) noexcept {
  const Plan P = make_plan(ctx, s);
  const int64_t cg = P.cg, taps = P.taps;
  return run(ctx, P, [&](int64_t g, int64_t row, int64_t ci, int64_t t) {
    return weight[((g * P.m + row) * cg + ci) * taps + t];
  }, bias, x, y);
}

Status conv2d_shifted_backward_data_f32(Context& ctx, const Conv2dShape& s, const float* dy, const float* weight,
                                        float* dx) noexcept {
  const Conv2dShape t = transposed_shape(s);
  const Plan P = make_plan(ctx, t);
  const int64_t cg = s.c / s.groups, ocg = s.oc / s.groups, kk = s.kh * s.kw;
  return run(ctx, P, [&](int64_t g, int64_t ci, int64_t o, int64_t tap) {
    return weight[((g * ocg + o) * cg + ci) * kk + (kk - 1 - tap)];
  }, nullptr, dy, dx);
}

}  // namespace nodegrad::kernels::conv_detail
