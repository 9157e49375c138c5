// Micro-kernels of the small-reduction conv2d path (conv2d_small.cc), for convolutions whose reduction
// K = C/groups·KH·KW is short (one input channel: K = KH·KW). Every operand is a row-major matrix of
// pixel rows read in place (x unfolded by im2col, dy as given), so nothing is packed or transposed but the
// weights. Rows are `n` pixels long; the last vector of a row is read and written with masked (partial)
// loads and stores, so no kernel touches an element at or past n.
// Declarations only: each ISA file defines its own functions from conv2d_small_impl.h (no shared inline
// code across ISA flags).
#pragma once

#include <cstdint>

namespace nodegrad::kernels {

// The path's bound on the reduction K = C/groups·KH·KW (so KW ≤ 160 too).
constexpr int64_t kConvSmallMaxK = 160;
// Register budget (accumulator vectors) of each ISA's tiles: 12 with 16 vector registers, 24 with 32.
constexpr int kConvSmallAccScalar = 12, kConvSmallAccAvx2 = 12, kConvSmallAccAvx512 = 24, kConvSmallAccNeon = 24;
// The most rows of one gemm panel, and of one dW block of b rows: half the budget (two vectors per row).
constexpr int conv_small_max_rows(int acc) { return acc / 2; }
// Lanes of the bias sums: a fixed count on every ISA, so each lane's sum runs in the same order everywhere.
constexpr int64_t kConvBiasLanes = 32;

// One panel of rows: c[i·ldc + j] = a[i] + Σ_{r<k} a[(r + 1)·ob + i]·b[r·ldb + j] for i < m ≤ ob and j < n,
// the terms added in r order onto the first row (the bias, or zeros), one rounding per fused multiply-add
// (two on scalar). a is packed [k + 1][ob] with rows m..ob−1 equal to row m − 1 (they are computed and
// stored over it); 1 ≤ ob ≤ conv_small_max_rows(acc).
#define NODEGRAD_CONV_SMALL_GEMM(name)                                                                   \
  void name(int ob, int64_t m, int64_t n, int64_t k, const float* a, const float* b, int64_t ldb, float* c, \
            int64_t ldc) noexcept
// Lane sums of A·Bᵀ over pixels: acc[(i·mj + j)·V + q] += Σ_{p<n, p ≡ q mod V} a[i·lda + p]·b[j·ldb + p] for
// i < mi, j < mj, in increasing p (V: the ISA's vector width). acc holds round_up(mi, 4) rows: the rows
// past mi receive copies of row mi − 1's sums. Unless null, `next` (the same rows and pixels of the next
// item's dy, lda apart) is prefetched into L2 line by line as a is read, so that memory streams while the
// kernel computes. Where V = 16 (2·V = kConvBiasLanes), unless null, `lanes` also receives db's sums of
// a, as the bias-lanes kernel's below: lanes[i·32 + q] += Σ_{p<n, (p0 + p) ≡ q mod 32} a[i·lda + p] for
// i < mi in increasing p, p0 being a multiple of 16 (a's first pixel in its item); elsewhere it is ignored.
#define NODEGRAD_CONV_SMALL_DW(name)                                                                   \
  void name(int64_t mi, int64_t mj, int64_t n, const float* a, int64_t lda, const float* b, int64_t ldb, \
            float* acc, const float* next, float* lanes, int64_t p0) noexcept
// lanes[i·32 + q] += Σ_{p<n, p ≡ q mod 32} a[i·lda + p] for i < m, in increasing p: bitwise the same on
// every ISA.
#define NODEGRAD_CONV_BIAS_LANES(name) \
  void name(int64_t m, int64_t n, const float* a, int64_t lda, float* lanes) noexcept

// dW with the output channels in the vector lanes (stride_w 1): for taps t < taps (x offsets off[t]) and
// output-channel vectors v < nvo (1 ≤ nvo ≤ 4), acc[(t·nvo + v)·V + q] += Σ over pixels (oy < rows, ox < cols)
// in increasing oy·cols + ox, one fused multiply-add each, of x[off[t] + oy·row_step + ox] ·
// dyt[((oy·cols + ox)·nvo + v)·V + q]: dyt is dy channels-last, each pixel's channels zero-padded to nvo·V.
// No unfolding: each tap is a shifted view of the padded input rows. V: the ISA's vector width (≥ 4).
#define NODEGRAD_CONV_SMALL_DWC(name)                                                                      \
  void name(int64_t taps, const int64_t* off, int64_t nvo, int64_t rows, int64_t cols, int64_t row_step, \
            const float* x, const float* dyt, float* acc) noexcept

// Forward with the output channels in the vector lanes (stride_w 1), over pixels (oy < rows, ox < cols):
// yt[((oy·cols + ox)·nvo + v)·V + l] = bias[v·V + l] + Σ over taps t < taps in order, one fused
// multiply-add each, of x[off[t] + oy·row_step + ox] · wt[(t·nvo + v)·V + l].
#define NODEGRAD_CONV_SMALL_FWDC(name)                                                                    \
  void name(int64_t taps, const int64_t* off, int64_t nvo, int64_t rows, int64_t cols, int64_t row_step, \
            const float* x, const float* wt, const float* bias, float* yt) noexcept

// Runs of `len` floats, `rows` of them: dst[r·dst_step + j] = src[r·src_step + j] (copy) or
// dst[r·dst_step + j] += src[r·src_step + j] (add), for r < rows, j < len (the unfold and its adjoint).
#define NODEGRAD_CONV_RUNS(name) \
  void name(int64_t rows, int64_t len, const float* src, int64_t src_step, float* dst, int64_t dst_step) noexcept

// dX of a whole item (one pixel tile) from Z = Wᵀ·dY, horizontal stride 1: dx[ci][iy][ix] = Σ over taps
// (ky, kx) in order, from 0, of z[((ci·kh + ky)·kw + kx)·ldz + oy·ow + ox] with oy·sh = iy + pt − ky·dh and
// ox = ix + pl − kx·dw, for the taps whose output pixel (oy, ox) exists. Each dx vector is summed in
// registers and stored once. z rows must be readable from (kw − 1)·dw floats before their start to
// (kw − 1)·dw + 16 after their end (those lanes are read and discarded).
struct ConvFold {
  int64_t cg, h, w, kh, kw, sh, dh, dw, pt, pl, oh, ow;
};
#define NODEGRAD_CONV_FOLD(name) void name(const ConvFold& f, const float* z, int64_t ldz, float* dx) noexcept

#define NODEGRAD_CONV_SMALL_DECLARE(isa)                \
  NODEGRAD_CONV_SMALL_GEMM(conv2d_small_gemm_f32__##isa); \
  NODEGRAD_CONV_SMALL_DW(conv2d_small_dw_f32__##isa);     \
  NODEGRAD_CONV_SMALL_DWC(conv2d_small_dwc_f32__##isa);   \
  NODEGRAD_CONV_SMALL_FWDC(conv2d_small_fwdc_f32__##isa); \
  NODEGRAD_CONV_BIAS_LANES(conv2d_bias_lanes_f32__##isa); \
  NODEGRAD_CONV_RUNS(conv2d_copy_runs_f32__##isa);        \
  NODEGRAD_CONV_RUNS(conv2d_add_runs_f32__##isa);        \
  NODEGRAD_CONV_FOLD(conv2d_fold_f32__##isa);

NODEGRAD_CONV_SMALL_DECLARE(scalar)
#if defined(NODEGRAD_HAVE_AVX2)
NODEGRAD_CONV_SMALL_DECLARE(avx2)
#endif
#if defined(NODEGRAD_HAVE_AVX512)
NODEGRAD_CONV_SMALL_DECLARE(avx512)
#endif
#if defined(NODEGRAD_HAVE_NEON)
NODEGRAD_CONV_SMALL_DECLARE(neon)
#endif

}  // namespace nodegrad::kernels
