// Packing for the blocked GEMM (baseline code; see gemm.cc for the loop nest that calls it).
//
// Packed A: panels of `mr` rows; within a panel, element (i, p) sits at p * mr + i, so a micro-kernel reads mr
// consecutive floats per k step. Packed B: panels of `nr` columns, element (p, j) at p * nr + j. Panels are
// stored one after another (kc * mr or kc * nr floats each); rows/columns past the matrix edge are zero.
#pragma once

#include <cstdint>

namespace nodegrad::kernels {

// Packs the mc x kc block of op(A) whose top-left element is `a` (A stored with leading dimension lda,
// transposed when trans).
void gemm_pack_a_f32(int mr, int64_t mc, int64_t kc, const float* a, int64_t lda, bool trans, float* dst) noexcept;

// Packs the kc x nc block of op(B) whose top-left element is `b`.
void gemm_pack_b_f32(int nr, int64_t kc, int64_t nc, const float* b, int64_t ldb, bool trans, float* dst) noexcept;

// Per-ISA versions of the two packs that run across stored rows (A not transposed, B transposed), for one
// register tile size each: the same layout as gemm_pack_a_f32 / gemm_pack_b_f32, but where the ISA has a tile
// kernel, the padding of a partial panel may be left unwritten (only that kernel reads partial panels, and
// only their valid part).
using GemmPackAF32 = void (*)(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept;
using GemmPackBF32 = void (*)(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept;
// gemm_pack_b_f32 through the ISA's pack where it has one: pack_b_t for B transposed, pack_b_n (below) for B
// not transposed; either may be null.
void gemm_pack_b_isa_f32(int nr, GemmPackBF32 pack_b_t, GemmPackBF32 pack_b_n, int64_t kc, int64_t nc, const float* b,
                         int64_t ldb, bool trans, float* dst) noexcept;
// And of A transposed (A stored k x m, each panel's rows a contiguous run of every stored row): the same layout
// as gemm_pack_a_f32 with trans, from vector loads and stores instead of one float at a time (a GemmPackAF32).
void gemm_pack_a_t_f32_6__avx2(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept;
void gemm_pack_a_t_f32_14__avx512(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept;
// And of B not transposed (each panel's columns a contiguous run of every stored row): the same layout as
// gemm_pack_b_f32 without trans, a partial panel zero-padded too (a GemmPackBF32).
void gemm_pack_b_n_f32_16__avx2(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept;
void gemm_pack_b_n_f32_32__avx512(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept;
void gemm_pack_b_n_f32_12__neon(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept;
void gemm_pack_a_f32_6__avx2(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept;
void gemm_pack_b_f32_16__avx2(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept;
void gemm_pack_a_f32_8__neon(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept;
void gemm_pack_b_f32_12__neon(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept;
void gemm_pack_a_f32_14__avx512(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept;
void gemm_pack_b_f32_32__avx512(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept;

// C[i, j] = alpha * tile[i * tile_ld + j] + beta * C[i, j] for i < rows, j < cols; beta == 0 never reads C.
void gemm_merge_tile_f32(int64_t rows, int64_t cols, const float* tile, int64_t tile_ld, float* c, int64_t ldc,
                         float alpha, float beta) noexcept;

// C = beta * C over m x n (beta == 0 writes zeros without reading C; beta == 1 is a no-op).
void gemm_scale_c_f32(int64_t m, int64_t n, float* c, int64_t ldc, float beta) noexcept;

}  // namespace nodegrad::kernels
