// Broadcasting binary ops and their fused gradients (lib/backend/kernels/elementwise.ts, `BinaryOp`).
//
// binary_f32: out (dense, product(shape) elements) = f(a, b; alpha) over a row-major walk of `shape`, each
// operand read through its own element strides (0 = broadcast). a and b point at the operand's first
// element (the caller adds the offset). The exact ops (add, sub, mul, div, maximum, minimum, the
// comparisons) run as SIMD micro-kernels on rows whose strides are 1 or 0 and give the correctly rounded
// float result, which is bitwise what the float64 JS twin stores. Every other case evaluates the twin's
// formula per element in double and rounds once. out may be a or b when that operand is dense over the
// same elements; any other overlap is undefined. Rows (or chunks of one long row) are split over the pool;
// every element's value depends only on its inputs, never on the thread count or lane position.
//
// binary_backward_f32: ga[i], gb[i] from a[i], b[i], out[i] (the forward output) and gy[i], dense, i < n;
// ga or gb may be null (skipped). Same precision policy as the forward.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

enum BinaryOpCode : int {
  kBinaryAdd = 0, kBinarySub, kBinaryMul, kBinaryDiv, kBinaryPow, kBinaryMaximum, kBinaryMinimum, kBinaryEq,
  kBinaryNe, kBinaryLt, kBinaryLe, kBinaryGt, kBinaryGe, kBinarySmoothL1, kBinaryHuber, kBinaryBce, kBinaryBceLogits,
  kBinaryOpCount
};

// rank in [0, kMaxRank] (strided.h); shape/strides hold rank entries (rank 0: one element).
void binary_f32(runtime::Context& ctx, int op, int rank, const int64_t* shape, const float* a,
                const int64_t* a_strides, const float* b, const int64_t* b_strides, float* out, double alpha) noexcept;
void binary_backward_f32(runtime::Context& ctx, int op, int64_t n, const float* a, const float* b, const float* out,
                         const float* gy, float* ga, float* gb, double alpha) noexcept;

// Per-ISA micro-kernels for the exact ops (ADD here means a + b). mode 0: a and b dense; 1: b is one
// broadcast value (*b); 2: a is one broadcast value (*a). false (nothing written) for other ops.
#define NODEGRAD_BINARY_UKERNELS(isa)                                                                             \
  bool binary_ukernel_f32__##isa(int op, int mode, int64_t n, const float* a, const float* b, float* out) noexcept; \
  bool binary_backward_ukernel_f32__##isa(int op, int64_t n, const float* a, const float* b, const float* gy,     \
                                          float* ga, float* gb) noexcept;
NODEGRAD_BINARY_UKERNELS(scalar)
#if defined(__x86_64__) || defined(_M_X64)
NODEGRAD_BINARY_UKERNELS(avx2)
NODEGRAD_BINARY_UKERNELS(avx512)
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
NODEGRAD_BINARY_UKERNELS(neon)
#endif
#undef NODEGRAD_BINARY_UKERNELS

}  // namespace nodegrad::kernels
