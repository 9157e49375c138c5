// Blocked single-precision GEMM: the BLIS loop nest around the micro-kernels of gemm_ukernel.h.
//
//   for jc in n step NC          one B block (kc x nc) per (jc, pc), packed once, shared by all threads
//     for pc in k step KC        k blocks run in order; block 0 applies beta, later ones accumulate
//       pack B                   (in parallel over its panels)
//       for each task            an (MC row block) x (column chunk) piece of C, run in parallel
//         pack A                 into the running thread's own workspace
//         for jr in chunk step NR, ir in block step MR: one micro-kernel call per register tile
//
// The tile grid and the k blocking depend only on m, n, k, the leading dimensions and the ISA (never on the
// thread count), and k is never split across threads, so results are bitwise identical for any thread count.
// Edge tiles run the micro-kernel on a scratch tile and merge the valid part (or an ISA's tile kernel computes
// them in registers with masks), so nothing outside the given m x n block of C is read or written. Small
// problems read B (not transposed) and A (transposed, or either way with a tile kernel) in place: packing would
// cost more than it saves, except for some operands whose rows sit a multiple of 4 KiB apart, which then get
// packed or a shorter kc (run_problem).
// Layout, alpha/beta and NaN conventions: gemm.h.
// gemm_f32_split_n runs the same nest over B and C split by columns into two matrices each: packing reads each
// panel from its own matrix (the one panel across the split element by element), and the register tile across
// the split is computed into the scratch tile and merged into both.
#include "gemm.h"

#include "gemm_config.h"
#include "gemm_pack.h"

namespace nodegrad::kernels {

using runtime::Isa;
using runtime::Slot;
using runtime::ThreadPool;

GemmConfigF32 gemm_config_f32(Isa isa) noexcept {
  switch (isa) {
// Measured on Zen 5 (48 KiB L1d, 1 MiB L2 per core): the kernels stream both micro-panels from L2 at a
// fraction of its bandwidth, so a deep kc (fewer passes over C, whose misses cost more than the L1 residency
// of B gains) beats an L1-sized one; mc keeps the mc x kc A block within about a third of L2.
#if defined(NODEGRAD_HAVE_AVX512)
    case Isa::avx512:
      return {gemm_ukernel_f32_14x32__avx512, "gemm_ukernel_f32_14x32__avx512", 14, 32, 84, 1024, 2048,
              gemm_ukernel_tile_f32_14x32__avx512, gemm_pack_a_f32_14__avx512, gemm_pack_b_f32_32__avx512,
              gemm_pack_a_t_f32_14__avx512, gemm_pack_b_n_f32_32__avx512, 256, false};
#endif
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx2:
      return {gemm_ukernel_f32_6x16__avx2, "gemm_ukernel_f32_6x16__avx2", 6, 16, 168, 512, 2048,
              gemm_ukernel_tile_f32_6x16__avx2, gemm_pack_a_f32_6__avx2, gemm_pack_b_f32_16__avx2,
              gemm_pack_a_t_f32_6__avx2, gemm_pack_b_n_f32_16__avx2, 0, true};
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon:
      return {gemm_ukernel_f32_8x12__neon, "gemm_ukernel_f32_8x12__neon", 8, 12, 256, 256, 4092, nullptr,
              gemm_pack_a_f32_8__neon, gemm_pack_b_f32_12__neon, nullptr, gemm_pack_b_n_f32_12__neon};
#endif
    default: return {gemm_ukernel_f32_4x4__scalar, "gemm_ukernel_f32_4x4__scalar", 4, 4, 128, 256, 4096};
  }
}

namespace {

constexpr int kMaxTile = 14 * 32;               // the largest mr * nr of any micro-kernel
constexpr double kParallelMinFlops = 1 << 23;   // below this, waking workers costs more than it saves
constexpr int64_t kTasksPerThread = 4;          // enough tasks to balance uneven row blocks

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }
int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

struct Problem {
  GemmConfigF32 cfg;
  int64_t m, n, k;
  const float* a;
  int64_t lda;
  const float* b;
  int64_t ldb;
  float* c;
  int64_t ldc;
  GemmOptions o;
  bool direct_a, direct_b;  // read A / B in place for full tiles (small problems)
  int64_t mc, kc, nc;       // block sizes, balanced so the last block is not a sliver
  // Columns [n1, n) of op(B) and C in matrices of their own (gemm_f32_split_n; B not transposed): n1 = n
  // when not split.
  int64_t n1;
  const float* b2;
  int64_t ldb2;
  float* c2;
  int64_t ldc2;

  // Addresses of op(A)(i, p), op(B)(p, j) and C(i, j), and the leading dimensions at column j.
  const float* a_at(int64_t i, int64_t p) const { return o.trans_a ? a + p * lda + i : a + i * lda + p; }
  const float* b_at(int64_t p, int64_t j) const {
    if (j >= n1) return b2 + p * ldb2 + (j - n1);
    return o.trans_b ? b + j * ldb + p : b + p * ldb + j;
  }
  int64_t ldb_at(int64_t j) const { return j >= n1 ? ldb2 : ldb; }
  float* c_at(int64_t i, int64_t j) const { return j >= n1 ? c2 + i * ldc2 + (j - n1) : c + i * ldc + j; }
  int64_t ldc_at(int64_t j) const { return j >= n1 ? ldc2 : ldc; }
  // Whether the nr columns from j take some from each side of the split.
  bool straddles(int64_t j, int64_t nr) const { return j < n1 && j + nr > n1; }
};

// One (jc, pc) block: columns [jc, jc + nc) of C, k range [pc, pc + kc), its packed B and the beta to apply.
struct Block {
  int64_t jc, nc, pc, kc;
  float beta;
  float* packed_b;  // all panels; when direct_b, only the trailing partial panel
};

// Packs the kc x nc block of op(B) at b (leading dimension ldb, transposed when trans) into panels at dst.
void pack_b(const Problem& P, int64_t kc, int64_t nc, const float* b, int64_t ldb, bool trans, float* dst) {
  gemm_pack_b_isa_f32(P.cfg.nr, P.cfg.pack_b_t, P.cfg.pack_b_n, kc, nc, b, ldb, trans, dst);
}

// Packs B panels [first, last) of the block (all of them, or only the partial one when B is read in place
// and the ISA has no tile kernel to read that one in place too).
void pack_b_panels(const Problem& P, const Block& B, int64_t first, int64_t last) {
  const int nr = P.cfg.nr;
  const int64_t j0 = first * nr, j1 = min64(last * nr, B.nc);
  if (j0 >= j1) return;
  if (P.direct_b) {
    const int64_t full = B.nc / nr * nr;
    if (j1 > full && P.cfg.tile == nullptr) {
      pack_b(P, B.kc, B.nc - full, P.b_at(B.pc, B.jc + full), P.ldb, false, B.packed_b);
    }
    return;
  }
  float* dst = B.packed_b + first * B.kc * nr;
  if (P.n1 < P.n) {
    // Split B: runs of whole panels on either side, the panel across the split element by element.
    for (int64_t j = j0; j < j1;) {
      const int64_t col = B.jc + j;
      const int64_t end = col >= P.n1        ? j1
                          : col + nr <= P.n1 ? min64(j1, j + (P.n1 - col) / nr * nr)
                                             : min64(j1, j + nr);
      float* d = B.packed_b + j / nr * B.kc * nr;
      if (P.straddles(col, end - j)) {
        for (int64_t p = 0; p < B.kc; ++p) {
          for (int64_t c = 0; c < nr; ++c) d[p * nr + c] = j + c < end ? *P.b_at(B.pc + p, col + c) : 0.0f;
        }
      } else {
        pack_b(P, B.kc, end - j, P.b_at(B.pc, col), P.ldb_at(col), false, d);
      }
      j = end;
    }
  } else {
    pack_b(P, B.kc, j1 - j0, P.b_at(B.pc, B.jc + j0), P.ldb, P.o.trans_b, dst);
  }
}

// Rows [ic, ic + mc) x block columns [j0, j1) of C; packed_a is this thread's scratch (mc x kc).
void run_task(const Problem& P, const Block& B, int64_t ic, int64_t mc, int64_t j0, int64_t j1, float* packed_a) {
  const int MR = P.cfg.mr, NR = P.cfg.nr;
  const GemmTileUkernelF32 any_tile = P.cfg.tile;
  const int64_t full_rows = mc / MR * MR;
  if (!P.direct_a) {
    if (!P.o.trans_a && P.cfg.pack_a_n != nullptr) {
      P.cfg.pack_a_n(mc, B.kc, P.a_at(ic, B.pc), P.lda, packed_a);
    } else if (P.o.trans_a && P.cfg.pack_a_t != nullptr) {
      P.cfg.pack_a_t(mc, B.kc, P.a_at(ic, B.pc), P.lda, packed_a);
    } else {
      gemm_pack_a_f32(MR, mc, B.kc, P.a_at(ic, B.pc), P.lda, P.o.trans_a, packed_a);
    }
  } else if (full_rows < mc && any_tile == nullptr) {
    gemm_pack_a_f32(MR, mc - full_rows, B.kc, P.a_at(ic + full_rows, B.pc), P.lda, P.o.trans_a, packed_a);
  }
  alignas(64) float tile[kMaxTile];
  for (int64_t jr = j0; jr < j1; jr += NR) {
    const int64_t nr = min64(NR, B.nc - jr);
    const float* bp = B.packed_b + jr / NR * B.kc * NR;
    int64_t b_step = NR;
    if (P.direct_b) {
      const bool in_place = nr == NR || any_tile != nullptr;
      bp = in_place ? P.b_at(B.pc, B.jc + jr) : B.packed_b;
      b_step = in_place ? P.ldb : NR;
    }
    for (int64_t ir = 0; ir < mc; ir += MR) {
      const int64_t mr = min64(MR, mc - ir);
      // A(i, p) = ap[i * a_rs + p * a_cs]: a packed panel, or A in place (along stored rows or columns).
      const float* ap = packed_a + ir / MR * B.kc * MR;
      int64_t a_rs = 1, a_cs = MR;
      if (P.direct_a) {
        if (mr == MR || any_tile != nullptr) {
          ap = P.a_at(ic + ir, B.pc);
          a_rs = P.o.trans_a ? 1 : P.lda;
          a_cs = P.o.trans_a ? P.lda : 1;
        } else {
          ap = packed_a;
        }
      }
      const int64_t col = B.jc + jr, ldc = P.ldc_at(col);
      float* cp = P.c_at(ic + ir, col);
      if (P.straddles(col, nr)) {  // split C (A and B packed): the tile's two parts merged into their matrices
        const int64_t left = P.n1 - col;
        P.cfg.ukernel(B.kc, ap, a_cs, bp, b_step, tile, NR, 1.0f, 0.0f);
        gemm_merge_tile_f32(mr, left, tile, NR, cp, ldc, P.o.alpha, B.beta);
        gemm_merge_tile_f32(mr, nr - left, tile + left, NR, P.c_at(ic + ir, P.n1), P.ldc2, P.o.alpha, B.beta);
      } else if (mr == MR && nr == NR && a_rs == 1) {
        P.cfg.ukernel(B.kc, ap, a_cs, bp, b_step, cp, ldc, P.o.alpha, B.beta);
      } else if (any_tile != nullptr) {
        any_tile(mr, nr, B.kc, ap, a_rs, a_cs, bp, b_step, cp, ldc, P.o.alpha, B.beta);
      } else {
        P.cfg.ukernel(B.kc, ap, a_cs, bp, b_step, tile, NR, 1.0f, 0.0f);
        gemm_merge_tile_f32(mr, nr, tile, NR, cp, ldc, P.o.alpha, B.beta);
      }
    }
  }
}

runtime::Status run_problem(runtime::Context& ctx, Problem P, GemmPath path) noexcept;

}  // namespace

runtime::Status gemm_f32(runtime::Context& ctx, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                         const float* b, int64_t ldb, float* c, int64_t ldc, const GemmOptions& options) noexcept {
  return gemm_f32_path(ctx, m, n, k, a, lda, b, ldb, c, ldc, options, GemmPath::automatic);
}

runtime::Status gemm_f32_path(runtime::Context& ctx, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                              const float* b, int64_t ldb, float* c, int64_t ldc, const GemmOptions& options,
                              GemmPath path) noexcept {
  if (m <= 0 || n <= 0) return runtime::Status::ok;
  if (k <= 0 || options.alpha == 0.0f) {
    gemm_scale_c_f32(m, n, c, ldc, options.beta);
    return runtime::Status::ok;
  }
  return run_problem(ctx, {gemm_config_f32(ctx.isa), m, n, k, a, lda, b, ldb, c, ldc, options, false, false, 0, 0, 0,
                           n, nullptr, 0, nullptr, 0},
                     path);
}

runtime::Status gemm_f32_split_n(runtime::Context& ctx, int64_t m, int64_t n1, int64_t n2, int64_t k, const float* a,
                                 int64_t lda, const float* b, int64_t ldb, const float* b2, int64_t ldb2, float* c,
                                 int64_t ldc, float* c2, int64_t ldc2, const GemmOptions& options) noexcept {
  if (n1 <= 0) return gemm_f32(ctx, m, n2, k, a, lda, b2, ldb2, c2, ldc2, options);
  if (n2 <= 0) return gemm_f32(ctx, m, n1, k, a, lda, b, ldb, c, ldc, options);
  if (m <= 0) return runtime::Status::ok;
  if (k <= 0 || options.alpha == 0.0f) {
    gemm_scale_c_f32(m, n1, c, ldc, options.beta);
    gemm_scale_c_f32(m, n2, c2, ldc2, options.beta);
    return runtime::Status::ok;
  }
  GemmOptions o = options;
  o.trans_b = false;
  return run_problem(ctx, {gemm_config_f32(ctx.isa), m, n1 + n2, k, a, lda, b, ldb, c, ldc, o, false, false, 0, 0, 0,
                           n1, b2, ldb2, c2, ldc2},
                     GemmPath::packed);
}

namespace {

runtime::Status run_problem(runtime::Context& ctx, Problem P, GemmPath path) noexcept {
  const int64_t m = P.m, n = P.n, k = P.k;
  const GemmOptions& options = P.o;
  const int MR = P.cfg.mr, NR = P.cfg.nr;
  const double volume = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const bool small = volume <= static_cast<double>(kGemmDirectMaxVolume);
  const bool direct = path == GemmPath::automatic ? small : path == GemmPath::direct;
  // Operands read in place with rows a multiple of 4 KiB apart (kGemmSetStride), measured on Zen 5 (48 KiB
  // 12-way L1d). A not transposed: the tile kernel reading more than 8 such rows per step evicts its own lines;
  // packing A (once per task, reused by every column panel) pays from 4 panels on. B not transposed, k >= 1024:
  // each row tile streams the kc x nr panel again and finds it evicted. AVX-512 (two lines per panel row) gains
  // most from a shorter kc, which pays from two row tiles when one is a thin edge tile, else from four; AVX2
  // (one line per row) from packing B, which pays from four. The kc cap is keyed on the problem, not on the
  // path taken, so a forced path gives the same bits.
  const bool a_conflict = !options.trans_a && P.lda % kGemmSetStride == 0 && m > 8 && MR > 8 && n >= 4 * NR;
  const bool b_conflict = !options.trans_b && P.n1 == n && P.ldb % kGemmSetStride == 0 && k >= 1024 && small;
  const bool cap_kc = b_conflict && P.cfg.kc_b_conflict > 0 && m > MR && (m % MR != 0 || m >= 4 * MR);
  const bool pack_b = b_conflict && P.cfg.pack_b_conflict && m >= 4 * MR;
  P.kc = ceil_div(k, ceil_div(k, cap_kc ? min64(P.cfg.kc, P.cfg.kc_b_conflict) : P.cfg.kc));
  P.mc = round_up(ceil_div(m, ceil_div(m, P.cfg.mc)), MR);
  P.nc = round_up(ceil_div(n, ceil_div(n, P.cfg.nc)), NR);
  P.direct_a = direct && (options.trans_a || P.cfg.tile != nullptr) && !a_conflict;
  P.direct_b = direct && !options.trans_b && !pack_b;

  // Nested inside another kernel's parallel task: run serially on this thread with its own scratch.
  ThreadPool& pool = ctx.pool;
  const int self = ThreadPool::current_thread();
  const int threads = ThreadPool::in_parallel_region() ? 1 : pool.num_threads();
  const bool parallel = threads > 1 && 2.0 * volume >= kParallelMinFlops;

  // Reserve all scratch up front (the calling thread may grow other threads' buffers while they idle).
  float* packed_b = ctx.workspace.get_as<float>(self, Slot::gemm_pack_b, static_cast<size_t>(P.kc * P.nc));
  if (packed_b == nullptr) return runtime::Status::out_of_memory;
  for (int t = parallel ? 0 : self; t < (parallel ? threads : self + 1); ++t) {
    if (ctx.workspace.get(t, Slot::gemm_pack_a, static_cast<size_t>(P.mc * P.kc) * sizeof(float)) == nullptr) {
      return runtime::Status::out_of_memory;
    }
  }

  const int64_t row_blocks = ceil_div(m, P.mc);
  for (int64_t jc = 0; jc < n; jc += P.nc) {
    const int64_t nc = min64(P.nc, n - jc);
    const int64_t panels = ceil_div(nc, NR);
    const int64_t chunks = parallel ? min64(panels, ceil_div(kTasksPerThread * threads, row_blocks)) : 1;
    const int64_t chunk = round_up(ceil_div(nc, chunks), NR);
    for (int64_t pc = 0; pc < k; pc += P.kc) {
      const Block B{jc, nc, pc, min64(P.kc, k - pc), pc == 0 ? options.beta : 1.0f, packed_b};
      auto task = [&](int64_t t, int thread) {
        const int64_t ic = t / chunks * P.mc, j0 = t % chunks * chunk;
        if (j0 >= nc) return;
        float* packed_a = ctx.workspace.get_as<float>(thread, Slot::gemm_pack_a, static_cast<size_t>(P.mc * P.kc));
        run_task(P, B, ic, min64(P.mc, m - ic), j0, min64(j0 + chunk, nc), packed_a);
      };
      if (parallel) {
        const int64_t groups = P.direct_b ? 1 : min64(panels, 4 * threads);
        const int64_t per_group = ceil_div(panels, groups);
        pool.parallel_for(groups, [&](int64_t g, int) {
          pack_b_panels(P, B, g * per_group, min64((g + 1) * per_group, panels));
        });
        pool.parallel_for(row_blocks * chunks, task);
      } else {
        pack_b_panels(P, B, 0, panels);
        for (int64_t t = 0; t < row_blocks * chunks; ++t) task(t, self);
      }
    }
  }
  return runtime::Status::ok;
}

}  // namespace

}  // namespace nodegrad::kernels
