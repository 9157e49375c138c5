// conv2d for a short reduction K = C/groups·KH·KW (one input channel: K = KH·KW), any stride, padding and
// dilation: the unfolded input of a pixel tile, cols [K, count] (im2col), is read in place by micro-kernels
// (conv2d_small.h) that keep whole output tiles in registers over the short reduction:
//   forward  y_g[:, tile] = W_g · cols + bias        (panels of output channels × pixels); or, where dW's
//            channel-lane conditions hold (LeNet's conv2), channels in the lanes over each output row's
//            pixels, each tap a shifted view of the padded rows (the same sums, the same bits)
//   dX       Z = W_gᵀ · dY_g[:, tile], then col2im     (panels of K rows × pixels, reduced over channels)
//   dW       lanes += dY_g[:, tile] ⊗ cols over pixels (vector lanes of partial sums, no transposes); or,
//            stride_w 1 with a long reduction and full channel vectors (LeNet's conv2), the output channels
//            in the lanes: dW_gᵀ += taps of the padded x ⊗ dY_g channels-last, each tap a shifted view of
//            the padded rows, so nothing is unfolded and each sum stays in a register over the item's pixels
//   db       32 lanes of partial sums per channel, over each item's dy once (by dW's kernel where V = 16)
// The backward computes any subset of dX, dW and db in one pass over the batch, item by item while the
// item's dy is in cache, in fixed batch chunks whose dW and db lanes are added in chunk order at the end.
// Every per-element sum runs in an order fixed by the shape alone (tiles start at multiples of 16 pixels,
// a multiple of every vector width, so a pixel's lane never depends on the tiling), hence results are
// bitwise identical for any thread count. The standalone bias kernel runs the same lanes (conv2d.cc).
#include <algorithm>

#include "../simd/simd_scalar.h"
#include "conv2d_internal.h"
#include "conv2d_small.h"

namespace nodegrad::kernels {

using namespace simd::scalar;
namespace {
constexpr int kAcc = kConvSmallAccScalar;
}  // namespace
#define NODEGRAD_UKERNEL(name) name##__scalar
#include "conv2d_small_impl.h"
#undef NODEGRAD_UKERNEL

namespace conv_detail {

namespace {

using runtime::Context;
using runtime::Isa;
using runtime::Slot;
using runtime::Status;

constexpr int64_t kChunks = 8;  // fixed batch chunks of the backward (the same as conv2d.cc's dW and db)

struct SmallKernels {
  void (*gemm)(int, int64_t, int64_t, int64_t, const float*, const float*, int64_t, float*, int64_t) noexcept;
  void (*dw)(int64_t, int64_t, int64_t, const float*, int64_t, const float*, int64_t, float*, const float*, float*,
             int64_t) noexcept;
  void (*dwc)(int64_t, const int64_t*, int64_t, int64_t, int64_t, int64_t, const float*, const float*,
              float*) noexcept;
  void (*fwdc)(int64_t, const int64_t*, int64_t, int64_t, int64_t, int64_t, const float*, const float*,
               const float*, float*) noexcept;
  void (*bias)(int64_t, int64_t, const float*, int64_t, float*) noexcept;
  void (*copy_runs)(int64_t, int64_t, const float*, int64_t, float*, int64_t) noexcept;
  void (*add_runs)(int64_t, int64_t, const float*, int64_t, float*, int64_t) noexcept;
  void (*fold)(const ConvFold&, const float*, int64_t, float*) noexcept;
  int64_t width;  // vector lanes of the dW sums
  int64_t acc;    // accumulator vectors of a tile
};

SmallKernels small_kernels(Isa isa) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX512)
    case Isa::avx512:
      return {conv2d_small_gemm_f32__avx512, conv2d_small_dw_f32__avx512, conv2d_small_dwc_f32__avx512, conv2d_small_fwdc_f32__avx512,
              conv2d_bias_lanes_f32__avx512,
              conv2d_copy_runs_f32__avx512, conv2d_add_runs_f32__avx512, conv2d_fold_f32__avx512, 16, kConvSmallAccAvx512};
#endif
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx2:
      return {conv2d_small_gemm_f32__avx2, conv2d_small_dw_f32__avx2, conv2d_small_dwc_f32__avx2, conv2d_small_fwdc_f32__avx2,
              conv2d_bias_lanes_f32__avx2,
              conv2d_copy_runs_f32__avx2, conv2d_add_runs_f32__avx2, conv2d_fold_f32__avx2, 8, kConvSmallAccAvx2};
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon:
      return {conv2d_small_gemm_f32__neon, conv2d_small_dw_f32__neon, conv2d_small_dwc_f32__neon, conv2d_small_fwdc_f32__neon,
              conv2d_bias_lanes_f32__neon,
              conv2d_copy_runs_f32__neon, conv2d_add_runs_f32__neon, conv2d_fold_f32__neon, 4, kConvSmallAccNeon};
#endif
    default:
      return {conv2d_small_gemm_f32__scalar, conv2d_small_dw_f32__scalar, conv2d_small_dwc_f32__scalar, conv2d_small_fwdc_f32__scalar,
              conv2d_bias_lanes_f32__scalar,
              conv2d_copy_runs_f32__scalar, conv2d_add_runs_f32__scalar, conv2d_fold_f32__scalar, 1, kConvSmallAccScalar};
  }
}

// Rows split into `panels` panels of `rows` each (the last one's spare rows repeat the last real row).
struct Panels {
  int64_t rows, panels;
};
// The split that minimises the panel rows computed times the loads per FMA of their tiles (rows + vectors
// loads for rows·vectors FMAs, the vectors being what the ISA's accumulator budget leaves); with `few`, the
// fewest panels instead (b then streams from L2 once per panel, not from L1).
Panels panels_of(int64_t m, int64_t acc, bool few) {
  const int64_t max_rows = conv_small_max_rows(static_cast<int>(acc));
  if (few) return {ceil_div(m, ceil_div(m, max_rows)), ceil_div(m, max_rows)};
  Panels best{1, m};
  double best_cost = 0.0;
  for (int64_t rows = 1; rows <= max_rows && rows <= m; ++rows) {
    const int64_t panels = ceil_div(m, rows), nv = std::min<int64_t>(acc / rows, 8);
    const double cost = static_cast<double>(panels * rows) * (1.0 + static_cast<double>(rows + nv) / (rows * nv));
    if (rows == 1 || cost <= best_cost) {
      best = {rows, panels};
      best_cost = cost;
    }
  }
  return best;
}

struct Plan {
  SmallKernels kern;
  Conv2dShape s;
  int64_t cg, ocg, k, p, tile, tiles;
  bool padded;     // stride_w 1: unfold and fold over zero-padded rows (see pad_rows)
  int64_t hp, wp;  // padded: the rows and columns of the padded input that outputs read
};

Plan make_plan(const Context& ctx, const Conv2dShape& s) {
  Plan P;
  P.kern = small_kernels(ctx.isa);
  P.s = s;
  P.cg = s.c / s.groups;
  P.ocg = s.oc / s.groups;
  P.k = P.cg * s.kh * s.kw;
  P.p = s.oh * s.ow;
  P.tile = conv2d_tile(P.k, P.p);  // a multiple of 16 unless it covers all pixels
  P.tiles = P.p == 0 ? 0 : ceil_div(P.p, P.tile);
  P.padded = s.stride_w == 1;
  P.hp = (s.oh - 1) * s.stride_h + s.dilation_h * (s.kh - 1) + 1;
  P.wp = s.ow + s.dilation_w * (s.kw - 1);
  return P;
}

// Padded rows [r0, r1) of the group's planes: xp[ci][r − r0][c] = x[ci][r − pad_top][c − pad_left], 0 outside x.
void pad_rows(const Plan& P, const float* xg, int64_t r0, int64_t r1, float* xp) {
  const Conv2dShape& s = P.s;
  for (int64_t ci = 0; ci < P.cg; ++ci) {
    for (int64_t r = r0; r < r1; ++r) {
      conv_detail::pad_row_f32(s, xg + ci * s.h * s.w, r - s.pad_top, P.wp, xp + (ci * (r1 - r0) + r - r0) * P.wp);
    }
  }
}

// Calls fn(oy, rows, ox, len, j) for the runs of tile pixels [p0, p0 + count): `rows` output rows from oy,
// columns [ox, ox + len) of each, the first at column j of the tile.
template <typename F>
void tile_runs(int64_t ow, int64_t p0, int64_t count, F&& fn) {
  int64_t oy = p0 / ow, j = 0;
  if (p0 % ow != 0) {
    j = std::min(ow - p0 % ow, count);
    fn(oy++, 1, p0 % ow, j, 0);
  }
  if (const int64_t full = (count - j) / ow; full > 0) {
    fn(oy, full, 0, ow, j);
    oy += full;
    j += full * ow;
  }
  if (j < count) fn(oy, 1, 0, count - j, j);
}

// Tap row (ci, ky, kx) of output pixel (oy, ox) in padded rows from r0 (rows per channel): its offset.
int64_t tap_at(const Plan& P, int64_t rows, int64_t r0, int64_t r, int64_t oy, int64_t ox) {
  const Conv2dShape& s = P.s;
  const int64_t kx = r % s.kw, ky = r / s.kw % s.kh, ci = r / s.kw / s.kh;
  return (ci * rows + oy * s.stride_h + ky * s.dilation_h - r0) * P.wp + kx * s.dilation_w + ox;
}

// cols [k, count] of tile pixels [p0, p0 + count) from the padded rows [r0, r0 + rows) (stride_w 1): copies.
void unfold(const Plan& P, const float* xp, int64_t r0, int64_t rows, int64_t p0, int64_t count, float* cols) {
  const int64_t step = P.s.stride_h * P.wp;
  for (int64_t r = 0; r < P.k; ++r) {
    tile_runs(P.s.ow, p0, count, [&](int64_t oy, int64_t n, int64_t ox, int64_t len, int64_t j) {
      P.kern.copy_runs(n, len, xp + tap_at(P, rows, r0, r, oy, ox), step, cols + r * count + j, P.s.ow);
    });
  }
}

// The adjoint into all hp padded rows: dxp += z's columns, tap rows in order.
void fold(const Plan& P, const float* z, int64_t p0, int64_t count, float* dxp) {
  const int64_t step = P.s.stride_h * P.wp;
  for (int64_t r = 0; r < P.k; ++r) {
    tile_runs(P.s.ow, p0, count, [&](int64_t oy, int64_t n, int64_t ox, int64_t len, int64_t j) {
      P.kern.add_runs(n, len, z + r * count + j, P.s.ow, dxp + tap_at(P, P.hp, 0, r, oy, ox), step);
    });
  }
}

// dx of the group from the padded sums: dx[ci][iy][ix] = dxp[ci][iy + pad_top][ix + pad_left], 0 where no
// output reads x (rows or columns past the padded extent).
void unpad(const Plan& P, const float* dxp, float* dxg) {
  const Conv2dShape& s = P.s;
  const int64_t x1 = std::clamp<int64_t>(P.wp - s.pad_left, 0, s.w);
  for (int64_t ci = 0; ci < P.cg; ++ci) {
    for (int64_t iy = 0; iy < s.h; ++iy) {
      float* dst = dxg + (ci * s.h + iy) * s.w;
      const int64_t r = iy + s.pad_top;
      if (r >= P.hp) {
        std::fill(dst, dst + s.w, 0.0f);
        continue;
      }
      const float* src = dxp + (ci * P.hp + r) * P.wp + s.pad_left;
      std::copy(src, src + x1, dst);
      std::fill(dst + x1, dst + s.w, 0.0f);
    }
  }
}

// a[((g·panels + i)·(k + 1) + r)·rows + ii] = first(g, row) for r = 0, else w(g, row, r − 1), with
// row = min(i·rows + ii, m − 1) (the last panel's spare rows repeat the last real one).
template <typename First, typename W>
void pack(int64_t groups, int64_t m, int64_t k, Panels pn, First&& first, W&& w, float* a) {
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t i = 0; i < pn.panels; ++i)
      for (int64_t r = 0; r <= k; ++r)
        for (int64_t ii = 0; ii < pn.rows; ++ii) {
          const int64_t row = std::min(i * pn.rows + ii, m - 1);
          *a++ = r == 0 ? first(g, row) : w(g, row, r - 1);
        }
}

// c [m, n] (ld ldc) = the packed panels of one group (see pack) times b [k, n] (ld ldb).
void gemm_panels(const Plan& P, Panels pn, int64_t m, int64_t k, const float* a, const float* b, int64_t ldb,
                 int64_t n, float* c, int64_t ldc) {
  for (int64_t i = 0; i < pn.panels; ++i) {
    const int64_t i0 = i * pn.rows;
    P.kern.gemm(static_cast<int>(pn.rows), std::min(pn.rows, m - i0), n, k, a + i * (k + 1) * pn.rows, b, ldb,
                c + i0 * ldc, ldc);
  }
}

// Output-channel vectors of dW with the channels in the lanes (the dwc kernel), or 0 for the pixel-lane
// kernel: taps must be shifted views of padded rows (stride_w 1), the vectors at least 3/4 full, and the
// reduction long enough that transposing dy to channels-last costs little next to it.
int64_t dwc_vectors(const Plan& P) {
  const int64_t V = P.kern.width, nvo = ceil_div(P.ocg, V);
  if (!P.padded || V < 4 || nvo > 4 || 4 * P.ocg < 3 * nvo * V || P.k < 4 * V) return 0;
  return nvo;
}

// Output-channel vectors of the forward with the channels in the lanes (the fwdc kernel), or 0 for the
// panel kernels: the dwc kernel's conditions, and at least two items per thread (the panel path also
// splits items into tiles). Both add the bias and then each tap in order by one fused multiply-add, so
// they give the same bits.
int64_t fwdc_vectors(const Context& ctx, const Plan& P) {
  return P.s.n * P.s.groups < 2 * ctx.pool.num_threads() ? 0 : dwc_vectors(P);
}

// Reads a block sequentially once (one float per cache line), so that the kernels' many row streams over
// it (more than the hardware prefetchers follow) hit the cache instead of waiting on memory.
void stream_in(const float* p, int64_t n) {
  float sink = 0.0f;
  for (int64_t i = 0; i < n; i += 16) sink += p[i];
  asm volatile("" : : "r"(sink));
}

// Σ of W lane values in a fixed tree (halves added lane-wise until one is left); W a constant, so the tree
// stays in registers.
template <int W>
float tree_sum(const float* l) {
  float t[W];
  std::copy(l, l + W, t);
  for (int h = W / 2; h >= 1; h /= 2)
    for (int q = 0; q < h; ++q) t[q] += t[q + h];
  return t[0];
}

float sum_lanes(const float* l, int64_t width) {
  switch (width) {
    case 16: return tree_sum<16>(l);
    case 8: return tree_sum<8>(l);
    case 4: return tree_sum<4>(l);
    default: return l[0];
  }
}

}  // namespace

bool conv2d_small_applies(const Conv2dShape& s) noexcept {
  const bool pointwise = s.kh == 1 && s.kw == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
                         s.pad_left == 0 && s.oh == s.h && s.ow == s.w;
  return !pointwise && s.c / s.groups * s.kh * s.kw <= kSmallMaxK;
}

void conv2d_bias_lanes(const Context& ctx, int64_t m, int64_t n, const float* a, int64_t lda, float* lanes) noexcept {
  small_kernels(ctx.isa).bias(m, n, a, lda, lanes);
}

void conv2d_bias_finish(const float* lanes, int64_t chunks, int64_t chunk_stride, int64_t oc, float* db) noexcept {
  for (int64_t o = 0; o < oc; ++o) {
    const float* l = lanes + o * kConvBiasLanes;
    float v = sum_lanes(l, 16) + sum_lanes(l + 16, 16);
    for (int64_t c = 1; c < chunks; ++c) v += sum_lanes(l + c * chunk_stride, 16) + sum_lanes(l + c * chunk_stride + 16, 16);
    db[o] = v;
  }
}

namespace {

// The forward by the fwdc kernel: one task per item and group, over the item's padded planes; the
// channels-last result goes back to NCHW.
Status forward_channels(Context& ctx, const Plan& P, int64_t nvo, const float* x, const float* weight,
                        const float* bias, float* y) {
  const Conv2dShape& s = P.s;
  const int64_t ldt = nvo * P.kern.width, wsize = (P.k + 1) * ldt;  // per group: wᵀ [k, ldt], then the bias
  float* wt = ctx.workspace.get_as<float>(runtime::ThreadPool::current_thread(), Slot::misc,
                                          static_cast<size_t>(s.groups * wsize));
  if (wt == nullptr) return Status::out_of_memory;
  std::fill(wt, wt + s.groups * wsize, 0.0f);
  for (int64_t g = 0; g < s.groups; ++g) {
    transpose_f32(weight + g * P.ocg * P.k, P.k, P.ocg, P.k, wt + g * wsize, ldt);
    if (bias != nullptr) std::copy(bias + g * P.ocg, bias + (g + 1) * P.ocg, wt + g * wsize + P.k * ldt);
  }
  int64_t off[kSmallMaxK];
  for (int64_t r = 0; r < P.k; ++r) off[r] = tap_at(P, P.hp, 0, r, 0, 0);
  const int64_t plane = P.cg * P.hp * P.wp;
  return run_tasks(ctx, s.n * s.groups, [&](int64_t task, int thread) {
    const int64_t g = task % s.groups, b = task / s.groups;
    float* xp = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(plane + P.p * ldt));
    if (xp == nullptr) return false;
    float* yt = xp + plane;
    pad_rows(P, x + (b * s.c + g * P.cg) * s.h * s.w, 0, P.hp, xp);
    P.kern.fwdc(P.k, off, nvo, s.oh, s.ow, s.stride_h * P.wp, xp, wt + g * wsize, wt + g * wsize + P.k * ldt, yt);
    transpose_f32(yt, ldt, P.p, P.ocg, y + (b * s.oc + g * P.ocg) * P.p, P.p);
    return true;
  });
}

}  // namespace

Status conv2d_small_forward_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* weight,
                                const float* bias, float* y) noexcept {
  Plan P = make_plan(ctx, s);
  if (s.n == 0 || P.p == 0) return Status::ok;
  if (const int64_t nvo = fwdc_vectors(ctx, P); nvo > 0) return forward_channels(ctx, P, nvo, x, weight, bias, y);
  // More, smaller tiles when the batch alone gives fewer than two tasks per thread (no effect on results).
  const int64_t items = s.n * s.groups, want = ceil_div(2 * ctx.pool.num_threads(), items);
  if (P.tiles < want && P.p > 16) {
    P.tile = round_up(ceil_div(P.p, std::min(want, ceil_div(P.p, 16))), 16);
    P.tiles = ceil_div(P.p, P.tile);
  }
  const Panels pn = panels_of(P.ocg, P.kern.acc, false);
  const int self = runtime::ThreadPool::current_thread();
  const int64_t asize = pn.panels * pn.rows * (P.k + 1);
  float* a = ctx.workspace.get_as<float>(self, Slot::misc, static_cast<size_t>(s.groups * asize));
  if (a == nullptr) return Status::out_of_memory;
  pack(s.groups, P.ocg, P.k, pn, [&](int64_t g, int64_t o) { return bias != nullptr ? bias[g * P.ocg + o] : 0.0f; },
       [&](int64_t g, int64_t o, int64_t r) { return weight[(g * P.ocg + o) * P.k + r]; }, a);
  // Padded rows one tile reads at most.
  const int64_t tile_rows = std::min(s.oh, ceil_div(P.tile, s.ow) + 1);
  const int64_t xp_size = P.padded ? P.cg * ((tile_rows - 1) * s.stride_h + s.dilation_h * (s.kh - 1) + 1) * P.wp : 0;
  return run_tasks(ctx, items * P.tiles, [&](int64_t task, int thread) {
    const int64_t t = task % P.tiles, g = task / P.tiles % s.groups, b = task / P.tiles / s.groups;
    const int64_t p0 = t * P.tile, count = std::min(P.tile, P.p - p0);
    float* cols = ctx.workspace.get_as<float>(thread, Slot::conv_columns, static_cast<size_t>(P.k * P.tile + xp_size));
    if (cols == nullptr) return false;
    const float* xg = x + (b * s.c + g * P.cg) * s.h * s.w;
    if (P.padded) {
      const int64_t r0 = p0 / s.ow * s.stride_h, r1 = (p0 + count - 1) / s.ow * s.stride_h + s.dilation_h * (s.kh - 1) + 1;
      float* xp = cols + P.k * P.tile;
      pad_rows(P, xg, r0, r1, xp);
      unfold(P, xp, r0, r1 - r0, p0, count, cols);
    } else {
      im2col_f32(s, xg, p0, count, cols);
    }
    gemm_panels(P, pn, P.ocg, P.k, a + g * asize, cols, count, count, y + (b * s.oc + g * P.ocg) * P.p + p0, P.p);
    return true;
  });
}

Status conv2d_small_backward_f32(Context& ctx, const Conv2dShape& s, const float* x, const float* dy,
                                 const float* weight, float* dx, float* dweight, float* db) noexcept {
  const Plan P = make_plan(ctx, s);
  const int64_t V = P.kern.width, ocg4 = round_up(P.ocg, 4);
  // dW by the channel-lane kernel when nvo > 0 (lanes [groups, k, nvo·V]), else by the pixel-lane kernel.
  const int64_t nvo = dweight != nullptr ? dwc_vectors(P) : 0, ldt = nvo * V;
  // db's lanes summed by the pixel-lane dW kernel from its loads of dy (V = 16), else by a pass of the bias
  // kernel.
  const bool db_in_dw = db != nullptr && dweight != nullptr && nvo == 0 && 2 * V == kConvBiasLanes;
  const int64_t chunks = std::max<int64_t>(1, std::min(s.n, kChunks));
  // Workspace: dX's packed W_gᵀ, then per chunk the dW lanes [groups, ocg4, k, V] and the db lanes [oc, 32].
  const Panels pz = panels_of(P.k, P.kern.acc, true);
  const int64_t az_group = pz.panels * pz.rows * (P.ocg + 1), az_size = dx != nullptr ? s.groups * az_group : 0;
  const int64_t wl_size = dweight == nullptr ? 0 : nvo > 0 ? s.groups * P.k * ldt : s.groups * ocg4 * P.k * V;
  const int64_t bl_size = db != nullptr ? s.oc * kConvBiasLanes : 0;
  const int self = runtime::ThreadPool::current_thread();
  float* az = ctx.workspace.get_as<float>(self, Slot::misc, static_cast<size_t>(az_size + chunks * (wl_size + bl_size)));
  if (az == nullptr) return Status::out_of_memory;
  float* wlanes = az + az_size;
  float* blanes = wlanes + chunks * wl_size;
  std::fill(wlanes, blanes + chunks * bl_size, 0.0f);
  if (dx != nullptr) {
    pack(s.groups, P.k, P.ocg, pz, [](int64_t, int64_t) { return 0.0f; },
         [&](int64_t g, int64_t r, int64_t o) { return weight[(g * P.ocg + o) * P.k + r]; }, az);
  }
  int64_t off[kSmallMaxK];  // the dwc kernel's tap offsets in the padded rows
  for (int64_t r = 0; nvo > 0 && r < P.k; ++r) off[r] = tap_at(P, P.hp, 0, r, 0, 0);
  const Status st = run_tasks(ctx, chunks, [&](int64_t chunk, int thread) {
    const int64_t tile = std::min(P.tile, P.p), plane = P.padded ? P.cg * P.hp * P.wp : 0;
    // Z's rows: ldz apart, with the margins conv2d_fold reads when it runs (one tile per item).
    const bool gather = P.padded && P.tiles == 1;
    const int64_t margin = gather ? s.dilation_w * (s.kw - 1) + 16 : 0, ldz = tile + 2 * margin;
    float* cols = ctx.workspace.get_as<float>(thread, Slot::conv_columns,
                                              static_cast<size_t>(P.k * tile + P.k * ldz + 2 * plane + P.p * ldt));
    if (cols == nullptr) return false;
    float* z = cols + P.k * tile;
    float* xp = z + P.k * ldz;  // padded: x's rows, and dx's sums
    float* dxp = xp + plane;
    float* dyt = dxp + plane;  // dwc: the item's dy, channels-last
    std::fill(dyt, dyt + P.p * ldt, 0.0f);
    const ConvFold fold_geom{P.cg, s.h, s.w, s.kh, s.kw, s.stride_h, s.dilation_h, s.dilation_w, s.pad_top,
                             s.pad_left, s.oh, s.ow};
    const int64_t b0 = chunk * s.n / chunks, b1 = (chunk + 1) * s.n / chunks, item = s.oc * P.p;
    for (int64_t b = b0; b < b1; ++b) {
      // The item's dy: in cache already when dW's kernel prefetched it during the previous item, else
      // brought in by a sequential pass (db's, or a plain read).
      const bool fetched = dweight != nullptr && nvo == 0 && b > b0;
      if (db != nullptr && !db_in_dw) {
        P.kern.bias(s.oc, P.p, dy + b * item, P.p, blanes + chunk * bl_size);
      } else if (!fetched) {
        stream_in(dy + b * item, item);
      }
      for (int64_t g = 0; g < s.groups; ++g) {
        const float* xg = x != nullptr ? x + (b * s.c + g * P.cg) * s.h * s.w : nullptr;  // x: only for dW
        const float* dyg = dy + (b * s.oc + g * P.ocg) * P.p;
        float* dxg = dx != nullptr ? dx + (b * s.c + g * P.cg) * s.h * s.w : nullptr;
        if (P.padded && dweight != nullptr) pad_rows(P, xg, 0, P.hp, xp);
        if (nvo > 0) {
          transpose_f32(dyg, P.p, P.ocg, P.p, dyt, ldt);  // channels-last; the padding channels stay zero
          P.kern.dwc(P.k, off, nvo, s.oh, s.ow, s.stride_h * P.wp, xp, dyt, wlanes + chunk * wl_size + g * P.k * ldt);
        }
        if (dxg != nullptr && !gather) {
          if (P.padded) {
            std::fill(dxp, dxp + plane, 0.0f);
          } else {
            std::fill(dxg, dxg + P.cg * s.h * s.w, 0.0f);
          }
        }
        for (int64_t t = 0; t < P.tiles; ++t) {
          const int64_t p0 = t * P.tile, count = std::min(P.tile, P.p - p0);
          if (dweight != nullptr && nvo == 0) {
            if (P.padded) {
              unfold(P, xp, 0, P.hp, p0, count, cols);
            } else {
              im2col_f32(s, xg, p0, count, cols);
            }
            // The same rows and pixels of the next item's dy are prefetched as these are read.
            P.kern.dw(P.ocg, P.k, count, dyg + p0, P.p, cols, count, wlanes + chunk * wl_size + g * ocg4 * P.k * V,
                      b + 1 < s.n ? dyg + p0 + item : nullptr,
                      db_in_dw ? blanes + chunk * bl_size + g * P.ocg * kConvBiasLanes : nullptr, p0);
          }
          if (dxg != nullptr) {
            gemm_panels(P, pz, P.k, P.ocg, az + g * az_group, dyg + p0, P.p, count, z + margin, gather ? ldz : count);
            if (gather) {
              P.kern.fold(fold_geom, z + margin, ldz, dxg);
            } else if (P.padded) {
              fold(P, z, p0, count, dxp);
            } else {
              col2im_add_f32(s, z, p0, count, dxg);
            }
          }
        }
        if (dxg != nullptr && P.padded && !gather) unpad(P, dxp, dxg);
      }
    }
    return true;
  });
  if (st != Status::ok) return st;
  if (dweight != nullptr) {
    // dweight[g·ocg + o, r] = Σ_chunk (Σ of that chunk's lanes), chunks in order.
    for (int64_t g = 0; g < s.groups; ++g) {
      for (int64_t o = 0; o < P.ocg; ++o) {
        for (int64_t r = 0; r < P.k; ++r) {
          float v;
          if (nvo > 0) {
            const int64_t at = (g * P.k + r) * ldt + o;
            v = wlanes[at];
            for (int64_t c = 1; c < chunks; ++c) v += wlanes[c * wl_size + at];
          } else {
            const int64_t at = ((g * ocg4 + o) * P.k + r) * V;
            v = sum_lanes(wlanes + at, V);
            for (int64_t c = 1; c < chunks; ++c) v += sum_lanes(wlanes + c * wl_size + at, V);
          }
          dweight[(g * P.ocg + o) * P.k + r] = v;
        }
      }
    }
  }
  if (db != nullptr) conv2d_bias_finish(blanes, chunks, bl_size, s.oc, db);
  return Status::ok;
}

}  // namespace conv_detail

}  // namespace nodegrad::kernels
