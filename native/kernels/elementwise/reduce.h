// Reductions over the middle axis of x viewed as [outer, dim, inner] into out [outer, inner]
// (lib/backend/kernels/elementwise.ts, `ReduceOp`), and max/min with the index of the first extreme.
//
// Summation order is fixed by (dim, inner) alone: with inner == 1 a row is summed in SIMD lanes over four
// vector accumulators folded in a fixed order; with inner > 1 each lane walks d in order. Tasks own whole
// output elements (slabs of rows, or chunks of the inner axis), so the thread count never changes a
// result. Sums run in float32 (TESTING.md's GEMM-type bound with k = dim); max/min are exact and follow
// the twin to the bit: a NaN anywhere gives NaN, ties keep the first element (so max(-0, +0) = -0).
// logsumexp: m + ln Σ e^(x − m), m = max (NaN, ±Inf and dim = 0 handled as the twin does).
// argReduce: values and int32 indices of the first extreme element; the first NaN wins. dim >= 1.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

enum ReduceOpCode : int { kReduceSum = 0, kReduceMean, kReduceMax, kReduceMin, kReduceLogSumExp, kReduceOpCount };

// op in [0, kReduceOpCount); max/min need dim >= 1 (the binding checks).
void reduce_f32(runtime::Context& ctx, int op, int64_t outer, int64_t dim, int64_t inner, const float* x,
                float* out) noexcept;
// op is kReduceMax or kReduceMin; dim in [1, 2^31 - 1].
void arg_reduce_f32(runtime::Context& ctx, int op, int64_t outer, int64_t dim, int64_t inner, const float* x,
                    float* values, int32_t* indices) noexcept;

// Per-ISA micro-kernels.
// rows: out[r] = R over x[r*dim, (r+1)*dim) for r < rows (the inner == 1 layout). Max/min run in SIMD
//   lanes and rescan a row in order only when its result is 0 or NaN (for the sign of the first zero and
//   the first NaN, as the twin).
// cols: out[i] = R over x[d*stride + i], d < dim, for i < n (lanes across the inner axis).
// arg_cols: as cols for max/min, with the index of the first extreme; dim <= 2^24 (indices ride in float lanes).
#define NODEGRAD_REDUCE_UKERNELS(isa)                                                                              \
  void reduce_rows_ukernel_f32__##isa(int op, int64_t rows, int64_t dim, const float* x, float* out) noexcept;     \
  void reduce_cols_ukernel_f32__##isa(int op, int64_t dim, int64_t n, int64_t stride, const float* x,             \
                                      float* out) noexcept;                                                        \
  void arg_reduce_cols_ukernel_f32__##isa(bool max, int64_t dim, int64_t n, int64_t stride, const float* x,        \
                                          float* values, int32_t* indices) noexcept;
NODEGRAD_REDUCE_UKERNELS(scalar)
#if defined(__x86_64__) || defined(_M_X64)
NODEGRAD_REDUCE_UKERNELS(avx2)
NODEGRAD_REDUCE_UKERNELS(avx512)
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
NODEGRAD_REDUCE_UKERNELS(neon)
#endif
#undef NODEGRAD_REDUCE_UKERNELS

}  // namespace nodegrad::kernels
