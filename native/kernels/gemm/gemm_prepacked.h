// GEMM on operands packed ahead of time, for products repeated with one matrix: a recurrent layer multiplies
// by W_hh at every time step, so it packs W_hh once per sequence instead of once per step, and packs each
// step's small operand as it is produced. The caller splits C into blocks itself and runs them where it
// wants (for instance fused with the element-wise work that consumes each block): these functions are
// single-threaded, allocation-free and never touch the pool or the workspace.
//
// Layouts: the blocked GEMM's micro-panels (gemm_pack.h) holding the whole depth k in one panel.
//   packed A: ceil(m / mr) panels of k * mr floats; element (i, p) at (i / mr) * k * mr + p * mr + i % mr.
//   packed B: ceil(n / nr) panels of k * nr floats; element (p, j) at (j / nr) * k * nr + p * nr + j % nr.
// Rows and columns past the matrix edge are zero (where the ISA has a tile kernel, a partial panel's padding
// may be left unwritten: only that kernel reads partial panels, and only their valid part). Each element of C is one micro-kernel sum over all of k in
// increasing p, so it depends only on its row of A and column of B: every split of C gives bitwise the same
// results (and the same as gemm_f32 whenever k fits in one of its depth blocks, which for a B with rows
// kGemmSetStride apart may be shorter: gemm.cc).
// Baseline code; the micro-kernels are those of gemm_config_f32(isa).
#pragma once

#include <cstdint>

#include "../../runtime/cpu_features.h"
#include "gemm_pack.h"
#include "gemm_ukernel.h"

namespace nodegrad::kernels {

struct GemmPackedLayout {
  GemmUkernelF32 ukernel;
  GemmTileUkernelF32 tile;  // partial tiles, where the ISA has one (else a scratch tile and a merge)
  GemmPackAF32 pack_a_n;    // the ISA's packs across stored rows (A not transposed, B transposed), if any
  GemmPackBF32 pack_b_t;
  GemmPackBF32 pack_b_n;    // and of B not transposed, if any
  int mr, nr;  // register tile: row blocks of C must start at multiples of mr, column blocks at multiples of nr
};

GemmPackedLayout gemm_packed_layout_f32(runtime::Isa isa) noexcept;

// Floats of packed A (m x k) and packed B (k x n); callers check m * k and k * n for overflow first.
int64_t gemm_packed_a_size_f32(const GemmPackedLayout& l, int64_t m, int64_t k) noexcept;
int64_t gemm_packed_b_size_f32(const GemmPackedLayout& l, int64_t k, int64_t n) noexcept;

// Packs rows [i0, i1) x columns [p0, p1) of op(A) (m x k; A stored m x k with leading dimension lda, or
// k x m when trans; `a` points at element (0, p0), so the block may come from a matrix of its own) into
// their places in packed_a. i0 is a multiple of mr and
// i1 is one or m, so disjoint blocks can be packed by different threads.
void gemm_pack_a_block_f32(const GemmPackedLayout& l, int64_t m, int64_t k, int64_t i0, int64_t i1, int64_t p0,
                           int64_t p1, const float* a, int64_t lda, bool trans, float* packed_a) noexcept;

// Packs columns [j0, j1) of op(B) (k x n; B stored k x n, or n x k when trans; `b` points at element (0, 0))
// into their places in packed_b. j0 is a multiple of nr and j1 is one or n.
void gemm_pack_b_block_f32(const GemmPackedLayout& l, int64_t k, int64_t n, int64_t j0, int64_t j1, const float* b,
                           int64_t ldb, bool trans, float* packed_b) noexcept;

// C[i, j] = sum_p A(i, p) * B(p, j) + beta * C[i, j] for i in [i0, i1), j in [j0, j1); `c` points at C(0, 0).
// i0 is a multiple of mr and j0 of nr. beta == 0 never reads C; k == 0 gives beta * C.
void gemm_packed_f32(const GemmPackedLayout& l, int64_t k, const float* packed_a, const float* packed_b, int64_t i0,
                     int64_t i1, int64_t j0, int64_t j1, float* c, int64_t ldc, float beta) noexcept;

}  // namespace nodegrad::kernels
