// The small-reduction conv2d micro-kernels (conv2d_small.h), written once over the vector vocabulary.
// Included by conv2d_small_<isa>.cc inside namespace nodegrad::kernels after `using namespace simd::<isa>;`,
// with kAcc (the ISA's accumulator budget) and NODEGRAD_UKERNEL(name) (the ISA suffix) defined.
// No include guard on purpose: one copy per including file, compiled with that file's flags.

#if defined(__GNUC__) && !defined(__clang__)
#define NODEGRAD_UNROLL _Pragma("GCC unroll 32")
#else
#define NODEGRAD_UNROLL
#endif

// X(1) .. X(12) and X(1) .. X(24): the case lists of the switches that turn a run-time count into a
// template argument.
#define NODEGRAD_FOR_1_TO_12(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12)
#define NODEGRAD_FOR_1_TO_24(X) \
  NODEGRAD_FOR_1_TO_12(X) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24)

namespace {

constexpr int kMaxRows = conv_small_max_rows(kAcc);

// Vectors per gemm tile row: the rest of the budget, at most 8.
constexpr int gemm_vectors(int rows) { return kAcc / rows < 8 ? kAcc / rows : 8; }

// v, held in a register: without this GCC reloads a vector that several FMAs use as their memory operand
// (one load per use), which makes the dW loop load-bound.
inline vf in_register(vf v) {
#if defined(NODEGRAD_CONV_VREG)
  asm("" : "+" NODEGRAD_CONV_VREG(v));
#endif
  return v;
}

inline int64_t lanes_at(int64_t left) { return left <= 0 ? 0 : left < kWidth ? left : kWidth; }

// One tile of OB rows × NV vectors from pixel 0 of b and c. TAIL: only `len` pixels exist, in the first
// ceil(len / V) vectors. Rows past m compute copies of row m − 1 (the panel repeats it) and store them
// over it, so no store depends on m by a branch.
template <int OB, int NV, bool TAIL>
inline void gemm_tile(int64_t m, int64_t len, int64_t k, const float* a, const float* b, int64_t ldb, float* c,
                      int64_t ldc) {
  const int64_t nvt = TAIL ? (len + kWidth - 1) / kWidth : NV;
  vf acc[OB][NV];
  NODEGRAD_UNROLL
  for (int i = 0; i < OB; ++i) {
    const vf init = vset(a[i]);
    NODEGRAD_UNROLL
    for (int v = 0; v < NV; ++v) acc[i][v] = init;
  }
  for (int64_t r = 1; r <= k; ++r) {
    const float* br = b + (r - 1) * ldb;
    vf bv[NV];
    NODEGRAD_UNROLL
    for (int v = 0; v < NV; ++v) {
      bv[v] = in_register(!TAIL  ? vload(br + v * kWidth)
                          : v < nvt ? vload_part(br + v * kWidth, lanes_at(len - v * kWidth))
                                    : vzero());
    }
    const float* ar = a + r * OB;
    NODEGRAD_UNROLL
    for (int i = 0; i < OB; ++i) {
      const vf av = vset(ar[i]);
      NODEGRAD_UNROLL
      for (int v = 0; v < NV; ++v) {
        if (TAIL && v >= nvt) break;
        acc[i][v] = vfma(av, bv[v], acc[i][v]);
      }
    }
  }
  NODEGRAD_UNROLL
  for (int i = 0; i < OB; ++i) {
    float* ci = c + (i < m ? i : m - 1) * ldc;
    NODEGRAD_UNROLL
    for (int v = 0; v < NV; ++v) {
      if (TAIL) {
        if (v >= nvt) break;
        vstore_part(ci + v * kWidth, acc[i][v], lanes_at(len - v * kWidth));
      } else {
        vstore(ci + v * kWidth, acc[i][v]);
      }
    }
  }
}

template <int OB>
inline void gemm_panel(int64_t m, int64_t n, int64_t k, const float* a, const float* b, int64_t ldb, float* c,
                       int64_t ldc) {
  constexpr int NV = gemm_vectors(OB);
  constexpr int64_t kTile = NV * kWidth;
  int64_t j = 0;
  for (; j + kTile <= n; j += kTile) gemm_tile<OB, NV, false>(m, kTile, k, a, b + j, ldb, c + j, ldc);
  if (j < n) gemm_tile<OB, NV, true>(m, n - j, k, a, b + j, ldb, c + j, ldc);
}

// db's lanes are two vectors per row where V = 16: the dW kernel can sum them from its own loads of a.
constexpr bool kDwSumsDb = 2 * kWidth == kConvBiasLanes;
// dW: rows of a (dy) per block for mj rows of b (columns): 4, 2 or 1, within the budget; with db's lanes,
// also within the 32 registers (MI·MJ sums, 2·MI lanes, MI rows of a and one of b).
constexpr int dw_rows(int mj, bool db) {
  const auto fits = [&](int mi) { return mi * mj <= kAcc && (!db || mi * (mj + 3) + 1 <= 32); };
  return fits(4) ? 4 : fits(2) ? 2 : 1;
}

// One vector of pixels from p (only `len` of them with PART, the other lanes zero): s[i][j] += a_i·b_j, and
// with DB l[i][H] += a_i. With pf, the same line of the next item's rows is prefetched.
template <int MI, int MJ, bool DB, int H, bool PART>
inline void dw_step(vf (&s)[MI][MJ], vf (&l)[MI][2], const float* const (&ar)[MI], const float* const (&nr)[MI],
                    bool pf, const float* b, int64_t ldb, int64_t p, int64_t len) {
  if (pf && (kWidth >= 16 || p % 16 == 0)) {
    NODEGRAD_UNROLL
    for (int i = 0; i < MI; ++i) __builtin_prefetch(nr[i] + p, 0, 2);
  }
  vf av[MI];
  NODEGRAD_UNROLL
  for (int i = 0; i < MI; ++i) av[i] = PART ? vload_part(ar[i] + p, len) : vload(ar[i] + p);
  NODEGRAD_UNROLL
  for (int j = 0; j < MJ; ++j) {
    const vf bv = PART ? vload_part(b + j * ldb + p, len) : in_register(vload(b + j * ldb + p));
    NODEGRAD_UNROLL
    for (int i = 0; i < MI; ++i) s[i][j] = vfma(av[i], bv, s[i][j]);
  }
  if constexpr (DB) {
    NODEGRAD_UNROLL
    for (int i = 0; i < MI; ++i) l[i][H] = vadd(l[i][H], av[i]);
  }
}

// MI rows of a (clamped to the last real one, mi) × MJ rows of b; acc rows are mj·V floats apart. With
// `next`, each line of a read is matched by a prefetch of the same line of next. DB: db's lanes of the
// real rows too, lanes[i·32 + (p0 + p) mod 32] += a[i·lda + p] (p0 a multiple of 16). The pixel loop runs
// two vectors a step, l[i][0] holding the half of the lanes that the even vectors add to.
template <int MI, int MJ, bool DB>
inline void dw_block(int64_t mi, int64_t mj, int64_t n, const float* a, int64_t lda, const float* b, int64_t ldb,
                     float* acc, const float* next, float* lanes, int64_t p0) {
  const float* ar[MI];
  const float* nr[MI];
  const bool pf = next != nullptr;
  NODEGRAD_UNROLL
  for (int i = 0; i < MI; ++i) {
    ar[i] = a + (i < mi ? i : mi - 1) * lda;
    nr[i] = pf ? next + (i < mi ? i : mi - 1) * lda : nullptr;
  }
  vf s[MI][MJ], l[MI][2];
  NODEGRAD_UNROLL
  for (int i = 0; i < MI; ++i)
    NODEGRAD_UNROLL
    for (int j = 0; j < MJ; ++j) s[i][j] = vload(acc + (i * mj + j) * kWidth);
  const int64_t h0 = DB ? p0 / kWidth % 2 : 0;  // the half of the lanes that pixel 0 adds to
  if constexpr (DB) {
    NODEGRAD_UNROLL
    for (int i = 0; i < MI; ++i) {
      const float* li = lanes + (i < mi ? i : mi - 1) * kConvBiasLanes;
      l[i][0] = vload(li + h0 * kWidth);
      l[i][1] = vload(li + (1 - h0) * kWidth);
    }
  }
  int64_t p = 0;
  for (; p + 2 * kWidth <= n; p += 2 * kWidth) {
    dw_step<MI, MJ, DB, 0, false>(s, l, ar, nr, pf, b, ldb, p, kWidth);
    dw_step<MI, MJ, DB, 1, false>(s, l, ar, nr, pf, b, ldb, p + kWidth, kWidth);
  }
  // At most one whole vector and a partial one are left: zeros in the partial one's missing lanes of both
  // operands add 0·0 to the dW sums and 0 to db's (which, from +0, are never −0).
  if (p + kWidth <= n) {
    dw_step<MI, MJ, DB, 0, false>(s, l, ar, nr, pf, b, ldb, p, kWidth);
    p += kWidth;
    if (p < n) dw_step<MI, MJ, DB, 1, true>(s, l, ar, nr, pf, b, ldb, p, n - p);
  } else if (p < n) {
    dw_step<MI, MJ, DB, 0, true>(s, l, ar, nr, pf, b, ldb, p, n - p);
  }
  NODEGRAD_UNROLL
  for (int i = 0; i < MI; ++i)
    NODEGRAD_UNROLL
    for (int j = 0; j < MJ; ++j) vstore(acc + (i * mj + j) * kWidth, s[i][j]);
  if constexpr (DB) {
    NODEGRAD_UNROLL
    for (int i = 0; i < MI; ++i) {
      if (i >= mi) break;
      vstore(lanes + i * kConvBiasLanes + h0 * kWidth, l[i][0]);
      vstore(lanes + i * kConvBiasLanes + (1 - h0) * kWidth, l[i][1]);
    }
  }
}

// Columns j0 .. j0 + MJ of every row block.
template <int MJ, bool DB>
inline void dw_columns(int64_t mi, int64_t mj, int64_t j0, int64_t n, const float* a, int64_t lda, const float* b,
                       int64_t ldb, float* acc, const float* next, float* lanes, int64_t p0) {
  constexpr int MI = dw_rows(MJ, DB);
  for (int64_t i = 0; i < mi; i += MI) {
    dw_block<MI, MJ, DB>(mi - i, mj, n, a + i * lda, lda, b + j0 * ldb, ldb, acc + (i * mj + j0) * kWidth,
                         next != nullptr ? next + i * lda : nullptr, DB ? lanes + i * kConvBiasLanes : nullptr, p0);
  }
}

}  // namespace

NODEGRAD_CONV_SMALL_GEMM(NODEGRAD_UKERNEL(conv2d_small_gemm_f32)) {
  switch (ob) {
#define NODEGRAD_CASE(r) \
  case r:                \
    if constexpr (r <= kMaxRows) return gemm_panel<r>(m, n, k, a, b, ldb, c, ldc);  \
    break;
    NODEGRAD_FOR_1_TO_12(NODEGRAD_CASE)
#undef NODEGRAD_CASE
    default: break;
  }
}

NODEGRAD_CONV_SMALL_DW(NODEGRAD_UKERNEL(conv2d_small_dw_f32)) {
  // Column blocks as even as the budget allows; a (dy) streams once per block, b stays in L1. The first
  // block prefetches next and sums db's lanes as it reads a.
  const int64_t blocks = (mj + kMaxRows - 1) / kMaxRows, width = (mj + blocks - 1) / blocks;
  for (int64_t j0 = 0; j0 < mj; j0 += width) {
    const int64_t cols = mj - j0 < width ? mj - j0 : width;
    const float* nx = j0 == 0 ? next : nullptr;
    const bool db = kDwSumsDb && j0 == 0 && lanes != nullptr;
    switch (cols) {
#define NODEGRAD_CASE(r)                                                                      \
  case r:                                                                                     \
    if constexpr (r <= kMaxRows) {                                                            \
      if (db) {                                                                               \
        if constexpr (kDwSumsDb) dw_columns<r, true>(mi, mj, j0, n, a, lda, b, ldb, acc, nx, lanes, p0); \
      } else {                                                                                \
        dw_columns<r, false>(mi, mj, j0, n, a, lda, b, ldb, acc, nx, nullptr, 0);             \
      }                                                                                       \
    }                                                                                         \
    break;
      NODEGRAD_FOR_1_TO_12(NODEGRAD_CASE)
#undef NODEGRAD_CASE
      default: break;
    }
  }
}

namespace {

// dW with channels in the lanes: T taps × NVO channel vectors held in registers over every pixel, PX pixels
// a step (their dy vectors in registers, x values broadcast from memory). Taps past tt repeat the last real
// one and are not stored.
constexpr int kRegs = kAcc >= 24 ? 32 : 16;
constexpr int dwc_taps(int nvo) { return kAcc / nvo; }
constexpr int dwc_pixels(int nvo) {
  const int free = (kRegs - 2 - dwc_taps(nvo) * nvo) / nvo;
  return free >= 4 ? 4 : free >= 2 ? 2 : 1;
}

template <int NVO, int T>
inline void dwc_tile(int64_t tt, const int64_t* off, int64_t rows, int64_t cols, int64_t row_step, const float* x,
                     const float* dyt, float* acc) {
  constexpr int PX = dwc_pixels(NVO);
  int64_t o[T];
  vf s[T][NVO];
  NODEGRAD_UNROLL
  for (int t = 0; t < T; ++t) {
    const int64_t at = t < tt ? t : tt - 1;
    o[t] = off[at];
    NODEGRAD_UNROLL
    for (int v = 0; v < NVO; ++v) s[t][v] = vload(acc + (at * NVO + v) * kWidth);
  }
  for (int64_t oy = 0; oy < rows; ++oy) {
    const float* xr = x + oy * row_step;
    const float* dr = dyt + oy * cols * NVO * kWidth;
    int64_t ox = 0;
    for (; ox + PX <= cols; ox += PX) {
      vf d[PX][NVO];
      NODEGRAD_UNROLL
      for (int p = 0; p < PX; ++p)
        NODEGRAD_UNROLL
        for (int v = 0; v < NVO; ++v) d[p][v] = vload(dr + ((ox + p) * NVO + v) * kWidth);
      NODEGRAD_UNROLL
      for (int t = 0; t < T; ++t) {
        const float* xt = xr + o[t] + ox;
        NODEGRAD_UNROLL
        for (int p = 0; p < PX; ++p) {
          const vf b = vset(xt[p]);
          NODEGRAD_UNROLL
          for (int v = 0; v < NVO; ++v) s[t][v] = vfma(b, d[p][v], s[t][v]);
        }
      }
    }
    for (; ox < cols; ++ox) {
      vf d[NVO];
      NODEGRAD_UNROLL
      for (int v = 0; v < NVO; ++v) d[v] = vload(dr + (ox * NVO + v) * kWidth);
      NODEGRAD_UNROLL
      for (int t = 0; t < T; ++t) {
        const vf b = vset(xr[o[t] + ox]);
        NODEGRAD_UNROLL
        for (int v = 0; v < NVO; ++v) s[t][v] = vfma(b, d[v], s[t][v]);
      }
    }
  }
  NODEGRAD_UNROLL
  for (int t = 0; t < T; ++t) {
    if (t >= tt) break;
    NODEGRAD_UNROLL
    for (int v = 0; v < NVO; ++v) vstore(acc + (t * NVO + v) * kWidth, s[t][v]);
  }
}

// Taps in tiles as even as the budget allows (the tile's size a template argument, so no tap is wasted).
template <int NVO>
inline void dwc_taps_all(int64_t taps, const int64_t* off, int64_t rows, int64_t cols, int64_t row_step,
                         const float* x, const float* dyt, float* acc) {
  constexpr int kMax = dwc_taps(NVO);
  const int64_t tiles = (taps + kMax - 1) / kMax, width = (taps + tiles - 1) / tiles;
  for (int64_t t0 = 0; t0 < taps; t0 += width) {
    const int64_t tt = taps - t0 < width ? taps - t0 : width;
    float* a = acc + t0 * NVO * kWidth;
    switch (width) {
#define NODEGRAD_CASE(r)                                                                         \
  case r:                                                                                        \
    if constexpr (r <= kMax) dwc_tile<NVO, r>(tt, off + t0, rows, cols, row_step, x, dyt, a);                 \
    break;
      NODEGRAD_FOR_1_TO_24(NODEGRAD_CASE)
#undef NODEGRAD_CASE
      default: break;
    }
  }
}

// Forward with channels in the lanes: Q pixels of a row × NVO channel vectors in registers over every tap;
// the pixels are consecutive, so each tap's x values are one pointer and constant displacements.
template <int NVO, int Q>
inline void fwdc_tile(int64_t taps, const int64_t* off, const float* x, const float* wt, const float* bias,
                      float* yt) {
  vf s[Q][NVO];
  NODEGRAD_UNROLL
  for (int v = 0; v < NVO; ++v) {
    const vf b = vload(bias + v * kWidth);
    NODEGRAD_UNROLL
    for (int j = 0; j < Q; ++j) s[j][v] = b;
  }
  for (int64_t t = 0; t < taps; ++t) {
    const float* xt = x + off[t];
    vf w[NVO];
    NODEGRAD_UNROLL
    for (int v = 0; v < NVO; ++v) w[v] = vload(wt + (t * NVO + v) * kWidth);
    NODEGRAD_UNROLL
    for (int j = 0; j < Q; ++j) {
      const vf b = vset(xt[j]);
      NODEGRAD_UNROLL
      for (int v = 0; v < NVO; ++v) s[j][v] = vfma(b, w[v], s[j][v]);
    }
  }
  NODEGRAD_UNROLL
  for (int j = 0; j < Q; ++j)
    NODEGRAD_UNROLL
    for (int v = 0; v < NVO; ++v) vstore(yt + (j * NVO + v) * kWidth, s[j][v]);
}

// One tile of q consecutive pixels of a row (q ≤ the budget), its size a template argument.
template <int NVO>
inline void fwdc_run(int64_t q, int64_t taps, const int64_t* off, const float* x, const float* wt,
                     const float* bias, float* yt) {
  constexpr int kMax = dwc_taps(NVO);
  switch (q) {
#define NODEGRAD_CASE(r)                                                                  \
  case r:                                                                                 \
    if constexpr (r <= kMax) fwdc_tile<NVO, r>(taps, off, x, wt, bias, yt);              \
    break;
    NODEGRAD_FOR_1_TO_24(NODEGRAD_CASE)
#undef NODEGRAD_CASE
    default: break;
  }
}

// Each output row in tiles as even as the budget allows.
template <int NVO>
inline void fwdc_all(int64_t taps, const int64_t* off, int64_t rows, int64_t cols, int64_t row_step,
                     const float* x, const float* wt, const float* bias, float* yt) {
  constexpr int kMax = dwc_taps(NVO);
  const int64_t tiles = (cols + kMax - 1) / kMax, width = (cols + tiles - 1) / tiles;
  for (int64_t oy = 0; oy < rows; ++oy) {
    for (int64_t ox = 0; ox < cols; ox += width) {
      const int64_t q = cols - ox < width ? cols - ox : width;
      fwdc_run<NVO>(q, taps, off, x + oy * row_step + ox, wt, bias, yt + (oy * cols + ox) * NVO * kWidth);
    }
  }
}

}  // namespace

// ROWS rows at a time: each lane's sum is one dependency chain, so independent rows keep the adds in flight.
template <int ROWS>
inline void bias_rows(int64_t n, const float* a, int64_t lda, float* lanes) {
  constexpr int NV = static_cast<int>(kConvBiasLanes / kWidth);
  vf l[ROWS][NV];
  NODEGRAD_UNROLL
  for (int i = 0; i < ROWS; ++i) {
    NODEGRAD_UNROLL
    for (int v = 0; v < NV; ++v) l[i][v] = vload(lanes + i * kConvBiasLanes + v * kWidth);
  }
  int64_t p = 0;
  for (; p + kConvBiasLanes <= n; p += kConvBiasLanes) {
    NODEGRAD_UNROLL
    for (int i = 0; i < ROWS; ++i) {
      NODEGRAD_UNROLL
      for (int v = 0; v < NV; ++v) l[i][v] = vadd(l[i][v], vload(a + i * lda + p + v * kWidth));
    }
  }
  // The tail: missing lanes add 0, which leaves any sum that started from +0 unchanged.
  NODEGRAD_UNROLL
  for (int i = 0; i < ROWS; ++i) {
    NODEGRAD_UNROLL
    for (int v = 0; v < NV; ++v) {
      l[i][v] = vadd(l[i][v], vload_part(a + i * lda + p + v * kWidth, lanes_at(n - p - v * kWidth)));
      vstore(lanes + i * kConvBiasLanes + v * kWidth, l[i][v]);
    }
  }
}

NODEGRAD_CONV_BIAS_LANES(NODEGRAD_UKERNEL(conv2d_bias_lanes_f32)) {
  constexpr int kRows = kWidth == 1 ? 1 : 4;  // scalar: 32 chains per row already
  int64_t i = 0;
  for (; i + kRows <= m; i += kRows) bias_rows<kRows>(n, a + i * lda, lda, lanes + i * kConvBiasLanes);
  for (; i < m; ++i) bias_rows<1>(n, a + i * lda, lda, lanes + i * kConvBiasLanes);
}

NODEGRAD_CONV_RUNS(NODEGRAD_UKERNEL(conv2d_copy_runs_f32)) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* in = src + r * src_step;
    float* out = dst + r * dst_step;
    int64_t j = 0;
    for (; j + kWidth <= len; j += kWidth) vstore(out + j, vload(in + j));
    if (j < len) vstore_part(out + j, vload_part(in + j, len - j), len - j);
  }
}

NODEGRAD_CONV_RUNS(NODEGRAD_UKERNEL(conv2d_add_runs_f32)) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* in = src + r * src_step;
    float* out = dst + r * dst_step;
    int64_t j = 0;
    for (; j + kWidth <= len; j += kWidth) vstore(out + j, vadd(vload(out + j), vload(in + j)));
    if (j < len) vstore_part(out + j, vadd(vload_part(out + j, len - j), vload_part(in + j, len - j)), len - j);
  }
}

NODEGRAD_CONV_SMALL_DWC(NODEGRAD_UKERNEL(conv2d_small_dwc_f32)) {
  switch (nvo) {
    case 1: return dwc_taps_all<1>(taps, off, rows, cols, row_step, x, dyt, acc);
    case 2: return dwc_taps_all<2>(taps, off, rows, cols, row_step, x, dyt, acc);
    case 3: return dwc_taps_all<3>(taps, off, rows, cols, row_step, x, dyt, acc);
    case 4: return dwc_taps_all<4>(taps, off, rows, cols, row_step, x, dyt, acc);
    default: break;
  }
}

NODEGRAD_CONV_SMALL_FWDC(NODEGRAD_UKERNEL(conv2d_small_fwdc_f32)) {
  switch (nvo) {
    case 1: return fwdc_all<1>(taps, off, rows, cols, row_step, x, wt, bias, yt);
    case 2: return fwdc_all<2>(taps, off, rows, cols, row_step, x, wt, bias, yt);
    case 3: return fwdc_all<3>(taps, off, rows, cols, row_step, x, wt, bias, yt);
    case 4: return fwdc_all<4>(taps, off, rows, cols, row_step, x, wt, bias, yt);
    default: break;
  }
}

// Which lanes of the row vector from column c0 (len lanes) tap column kx adds to, for every kx: those whose
// output column lies in [0, ow); the same for every row and tap row. use: 0 none, 1 some, 2 all.
inline void fold_lanes(const ConvFold& f, int64_t c0, int64_t len, vm* lanes, unsigned char* use) {
  for (int64_t kx = 0; kx < f.kw; ++kx) {
    const int64_t lo = kx * f.dw - f.pl - c0, hi = lo + f.ow;  // lanes [lo, hi) of the vector
    const int64_t from = lo > 0 ? lo : 0, to = hi < len ? hi : len;
    use[kx] = from >= to ? 0 : from == 0 && to == kWidth ? 2 : 1;
    lanes[kx] = vmand(vmnot(vtail_mask(from)), vtail_mask(to));
  }
}

inline vf fold_add(vf acc, unsigned char use, vm lanes, const float* z) {
  if (use == 0) return acc;
  const vf v = vload(z);
  return vadd(acc, use == 2 ? v : vselect(lanes, v, vzero()));
}

NODEGRAD_CONV_FOLD(NODEGRAD_UKERNEL(conv2d_fold_f32)) {
  // Two vectors of a row at a time (columns c0 and c0 + V), so that two chains of adds are in flight; each
  // vector still adds its taps in order.
  vm lanes[2][kConvSmallMaxK];
  unsigned char use[2][kConvSmallMaxK];
  for (int64_t c0 = 0; c0 < f.w; c0 += 2 * kWidth) {
    const int64_t len0 = f.w - c0 < kWidth ? f.w - c0 : kWidth;
    const int64_t len1 = f.w - c0 - kWidth < 0 ? 0 : f.w - c0 - kWidth < kWidth ? f.w - c0 - kWidth : kWidth;
    fold_lanes(f, c0, len0, lanes[0], use[0]);
    fold_lanes(f, c0 + kWidth, len1, lanes[1], use[1]);  // with len1 = 0, no lane
    for (int64_t ci = 0; ci < f.cg; ++ci) {
      const float* zc = z + ci * f.kh * f.kw * ldz;
      for (int64_t iy = 0; iy < f.h; ++iy) {
        vf acc0 = vzero(), acc1 = vzero();
        for (int64_t ky = 0; ky < f.kh; ++ky) {
          const int64_t t = iy + f.pt - ky * f.dh;
          if (t < 0) break;  // and for every later ky
          const int64_t oy = f.sh == 1 ? t : t % f.sh == 0 ? t / f.sh : -1;  // no division at stride 1
          if (oy < 0 || oy >= f.oh) continue;
          const float* zr = zc + ky * f.kw * ldz + oy * f.ow + c0 + f.pl;
          for (int64_t kx = 0; kx < f.kw; ++kx) {
            const float* zk = zr + kx * (ldz - f.dw);
            acc0 = fold_add(acc0, use[0][kx], lanes[0][kx], zk);
            acc1 = fold_add(acc1, use[1][kx], lanes[1][kx], zk + kWidth);
          }
        }
        float* out = dx + (ci * f.h + iy) * f.w + c0;
        if (len0 == kWidth) {
          vstore(out, acc0);
        } else {
          vstore_part(out, acc0, len0);
        }
        if (len1 == kWidth) {
          vstore(out + kWidth, acc1);
        } else if (len1 > 0) {
          vstore_part(out + kWidth, acc1, len1);
        }
      }
    }
  }
}

#undef NODEGRAD_UNROLL
