// dW for stride 1 without im2col: dW[o, ci, ky, kx] = Σ_b Σ_pixels dy[b, o, oy, ox]·xp[b, ci, oy + ky·dh, ox + kx·dw].
//
// Per batch item the group's input is copied channels-last and zero-padded, xt[r, c, ci] (r < OH + dh·(KH−1),
// c < wp = OW + dw·(KW−1)), and dy transposed to dyt[oy·wp + ox, o] with zeros for ox ≥ OW. Over the padded
// pixel index q = oy·wp + ox the tap (ky, kx) then reads xt at a fixed offset plus q·cg, so one GEMM
// micro-kernel call per (tap, MR output channels, NR input channels) reduces over all of an item's pixels
// with A = dyt (a_step = padded channel count) and B = xt (b_step = cg) read in place. Rows of dyt past OW are
// zero, so the extra columns add nothing, unless they meet an Inf or NaN of x (0·Inf is NaN): an item whose
// x is not all finite runs one call per output row instead, over real pixels only. The sums go into an accumulator [groups, taps, ocgp, cgp] padded
// to whole tiles (the padding collects values nobody reads), one per fixed batch chunk, added in chunk
// order at the end: every sum runs in the same order for any thread count.
#include <algorithm>
#include <cstring>

#include "../gemm/gemm_config.h"
#include "conv2d_internal.h"

namespace nodegrad::kernels::conv_detail {

namespace {

using runtime::Context;
using runtime::Slot;
using runtime::Status;

constexpr int64_t kChunks = 8;   // fixed batch chunks (partial sums added in order)
constexpr int64_t kMaxNr = 32;

struct Plan {
  GemmConfigF32 cfg;
  Conv2dShape s;
  int64_t cg, ocg, taps, ocgp, cgp, wp, rows, q, kc;
  int64_t xt_size;   // xt plus the tail that the last padded pixels' taps (dw·(kw − 1) pixels) and an edge
                     // B panel (NR − 1 floats) read past the last row
  int64_t acc_size;  // floats of one chunk's accumulator
};

Plan make_plan(const Context& ctx, const Conv2dShape& s) {
  Plan P;
  P.cfg = gemm_config_f32(ctx.isa);
  P.s = s;
  P.cg = s.c / s.groups;
  P.ocg = s.oc / s.groups;
  P.taps = s.kh * s.kw;
  P.ocgp = round_up(P.ocg, P.cfg.mr);
  P.cgp = round_up(P.cg, P.cfg.nr);
  P.wp = s.ow + s.dilation_w * (s.kw - 1);
  P.rows = s.oh + s.dilation_h * (s.kh - 1);
  P.q = s.oh * P.wp;
  P.kc = ceil_div(P.q, ceil_div(P.q, P.cfg.kc));
  P.xt_size = (P.rows * P.wp + s.dilation_w * (s.kw - 1)) * P.cg + kMaxNr;
  P.acc_size = s.groups * P.taps * P.ocgp * P.cgp;
  return P;
}

// True when no element of x[0, n) is an Inf or NaN (all exponent bits set).
bool all_finite(const float* x, int64_t n) {
  uint32_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    bad |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

// xt and dyt of item b, group g; false when the group's x has an Inf or NaN.
bool transpose_item(const Plan& P, const float* x, const float* dy, int64_t b, int64_t g, float* xt, float* dyt) {
  const Conv2dShape& s = P.s;
  const float* xg = x + (b * s.c + g * P.cg) * s.h * s.w;
  std::fill(xt, xt + P.xt_size, 0.0f);
  const int64_t c0 = std::clamp<int64_t>(s.pad_left, 0, P.wp), c1 = std::clamp<int64_t>(s.w + s.pad_left, c0, P.wp);
  for (int64_t r = 0; r < P.rows; ++r) {
    const int64_t iy = r - s.pad_top;
    if (iy < 0 || iy >= s.h || c1 <= c0) continue;
    transpose_f32(xg + iy * s.w + (c0 - s.pad_left), s.h * s.w, P.cg, c1 - c0, xt + (r * P.wp + c0) * P.cg, P.cg);
  }
  const float* dyg = dy + (b * s.oc + g * P.ocg) * s.oh * s.ow;
  std::fill(dyt, dyt + P.q * P.ocgp, 0.0f);
  for (int64_t oy = 0; oy < s.oh; ++oy) {
    transpose_f32(dyg + oy * s.ow, s.oh * s.ow, P.ocg, s.ow, dyt + oy * P.wp * P.ocgp, P.ocgp);
  }
  return all_finite(xg, P.cg * s.h * s.w);
}

bool run_chunk(Context& ctx, const Plan& P, const float* x, const float* dy, int64_t b0, int64_t b1, float* acc,
               int thread) {
  const Conv2dShape& s = P.s;
  const int MR = P.cfg.mr, NR = P.cfg.nr;
  float* xt = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(P.xt_size + P.q * P.ocgp));
  if (xt == nullptr) return false;
  float* dyt = xt + P.xt_size;
  std::fill(acc, acc + P.acc_size, 0.0f);
  for (int64_t b = b0; b < b1; ++b) {
    for (int64_t g = 0; g < s.groups; ++g) {
      // All padded pixels in one call per k block, or one call per output row (its real pixels only).
      const bool finite = transpose_item(P, x, dy, b, g, xt, dyt);
      const int64_t step = finite ? P.kc : P.wp, len = finite ? P.q : s.oh * P.wp;
      for (int64_t t = 0; t < P.taps; ++t) {
        const float* bt = xt + (t / s.kw * s.dilation_h * P.wp + t % s.kw * s.dilation_w) * P.cg;
        float* ct = acc + (g * P.taps + t) * P.ocgp * P.cgp;
        for (int64_t i = 0; i < P.ocgp; i += MR) {
          for (int64_t j = 0; j < P.cgp; j += NR) {
            // Edge tiles through the ISA's any-size tile kernel when it has one (rows and columns past the
            // channels are then not computed at all; they stay 0 in the accumulator).
            const int64_t mr = std::min<int64_t>(MR, P.ocg - i), nr = std::min<int64_t>(NR, P.cg - j);
            const bool edge = (mr < MR || nr < NR) && P.cfg.tile != nullptr;
            for (int64_t q0 = 0; q0 < len; q0 += step) {
              const int64_t kc = finite ? std::min(P.kc, P.q - q0) : s.ow;
              const float* a = dyt + q0 * P.ocgp + i;
              const float* bp = bt + q0 * P.cg + j;
              if (edge) {
                P.cfg.tile(mr, nr, kc, a, 1, P.ocgp, bp, P.cg, ct + i * P.cgp + j, P.cgp, 1.0f, 1.0f);
              } else {
                P.cfg.ukernel(kc, a, P.ocgp, bp, P.cg, ct + i * P.cgp + j, P.cgp, 1.0f, 1.0f);
              }
            }
          }
        }
      }
    }
  }
  return true;
}

}  // namespace

bool conv2d_weight_shifted_applies(const Conv2dShape& s) noexcept {
  return s.stride_h == 1 && s.stride_w == 1 && s.c / s.groups >= kShiftedMinChannels &&
         s.oc / s.groups >= kShiftedWeightMinRows;
}

Status conv2d_weight_shifted_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* dy,
                                 float* dweight) noexcept {
  const Plan P = make_plan(ctx, s);
  const int64_t wsize = s.oc * P.cg * P.taps;
  if (s.n == 0 || s.oh == 0 || s.ow == 0) {
    std::fill(dweight, dweight + wsize, 0.0f);
    return Status::ok;
  }
  const int64_t chunks = std::min(s.n, kChunks);
  const int self = runtime::ThreadPool::current_thread();
  float* partial = ctx.workspace.get_as<float>(self, Slot::misc, static_cast<size_t>(chunks * P.acc_size));
  if (partial == nullptr) return Status::out_of_memory;
  const Status st = run_tasks(ctx, chunks, [&](int64_t chunk, int thread) {
    return run_chunk(ctx, P, x, dy, chunk * s.n / chunks, (chunk + 1) * s.n / chunks, partial + chunk * P.acc_size,
                     thread);
  });
  if (st != Status::ok) return st;
  // dW[g·ocg + o, ci, t] = Σ_chunk acc[chunk][g, t, o, ci], in chunk order.
  for (int64_t g = 0; g < s.groups; ++g) {
    for (int64_t o = 0; o < P.ocg; ++o) {
      float* dst = dweight + (g * P.ocg + o) * P.cg * P.taps;
      for (int64_t ci = 0; ci < P.cg; ++ci) {
        for (int64_t t = 0; t < P.taps; ++t) {
          const int64_t at = ((g * P.taps + t) * P.ocgp + o) * P.cgp + ci;
          float v = partial[at];
          for (int64_t c = 1; c < chunks; ++c) v += partial[c * P.acc_size + at];
          dst[ci * P.taps + t] = v;
        }
      }
    }
  }
  return Status::ok;
}

}  // namespace nodegrad::kernels::conv_detail
