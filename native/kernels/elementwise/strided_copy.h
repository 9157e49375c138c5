// where and stridedCopy (lib/backend/kernels/elementwise.ts): pure data movement, no arithmetic.
//
// where_f32: out (dense) = cond != 0 ? a : b over a row-major walk of `shape` with per-operand strides
// (a NaN condition counts as true). strided_copy_f32: out[Σ i·out_strides] = x[Σ i·x_strides]. Pointers
// are at each operand's first element. Values are copied bit for bit. Unit-stride rows become memcpy
// (copy) or a loop the compiler vectorises (where); a rank-2 transpose copy goes tile by tile so reads and
// writes both stay in cache. Work runs over the pool in rows, except a copy whose out strides are not
// dense row-major (out elements might alias, so it runs in order on one thread, last write wins as in the
// twin).
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

void where_f32(runtime::Context& ctx, int rank, const int64_t* shape, const float* cond, const int64_t* cond_strides,
               const float* a, const int64_t* a_strides, const float* b, const int64_t* b_strides, float* out) noexcept;
void strided_copy_f32(runtime::Context& ctx, int rank, const int64_t* shape, const float* x, const int64_t* x_strides,
                      float* out, const int64_t* out_strides) noexcept;

}  // namespace nodegrad::kernels
