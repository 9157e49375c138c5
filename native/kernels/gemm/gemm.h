// Single-precision GEMM: C = alpha * op(A) * op(B) + beta * C, row-major.
//
// op(A) is m x k (A stored m x k with leading dimension lda, or k x m when trans_a), op(B) is k x n.
// BLAS conventions: beta == 0 overwrites C without reading it (NaN/Inf already in C never leak);
// alpha == 0 or k == 0 gives beta * C without reading A or B; m == 0 or n == 0 is a no-op.
// Callers guarantee lda/ldb/ldc >= the stored row width and that every addressed element exists.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

struct GemmOptions {
  bool trans_a = false;
  bool trans_b = false;
  float alpha = 1.0f;
  float beta = 0.0f;
};

// Uses ctx.pool for large problems (splitting C into independent tiles, never k) and
// ctx.workspace for packing. Safe to call from inside a parallel task (then runs single-threaded).
runtime::Status gemm_f32(runtime::Context& ctx, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                         const float* b, int64_t ldb, float* c, int64_t ldc, const GemmOptions& options) noexcept;

// gemm_f32 with op(B) and C split by columns into two matrices each: columns [0, n1) of op(B) and C are b and
// c, columns [n1, n1 + n2) are b2 and c2, each with its own leading dimension; B is not transposed (trans_b is
// ignored). One product over the two side by side, op(A) packed once for both: for instance a gradient
// against [X | H] written straight into dW_x and dW_h, without copying X and H next to each other.
runtime::Status gemm_f32_split_n(runtime::Context& ctx, int64_t m, int64_t n1, int64_t n2, int64_t k, const float* a,
                                 int64_t lda, const float* b, int64_t ldb, const float* b2, int64_t ldb2, float* c,
                                 int64_t ldc, float* c2, int64_t ldc2, const GemmOptions& options) noexcept;

// The plain triple loop every optimised path is tested against (and the scalar fallback's oracle).
void gemm_f32_reference(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
                        float* c, int64_t ldc, const GemmOptions& options) noexcept;

}  // namespace nodegrad::kernels
