// Element-wise maps and their gradients (lib/backend/kernels/elementwise.ts, `UnaryOp`): out[i] = f(x[i]),
// gx[i] = gy[i] * f'(x[i]) from the forward input x and output y.
//
// The ops that dominate training (relu, sigmoid, tanh, silu, exp, log, and the cheap arithmetic ones) run
// as SIMD micro-kernels per ISA in float32: exact ops give the correctly rounded result (bitwise what the
// float64 JS twin stores), transcendental ones meet TESTING.md §2.1 (vmath.h). The others (leaky relu,
// elu, gelu, softplus, clamp, pow, affine, and their gradients) are evaluated per element in double and
// rounded once, exactly the JS twin's formula. Arrays may be the same (out == x, gx == gy); any other
// overlap is undefined. Results never depend on the thread count or lane position.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

enum UnaryOpCode : int {
  kUnaryNeg = 0, kUnaryAbs, kUnaryExp, kUnaryLog, kUnarySqrt, kUnarySquare, kUnaryReciprocal, kUnaryRelu,
  kUnaryLeakyRelu, kUnaryElu, kUnaryGelu, kUnaryGeluTanh, kUnarySigmoid, kUnaryTanh, kUnarySoftplus, kUnarySilu,
  kUnaryClamp, kUnaryPowScalar, kUnaryAffine, kUnaryOpCount
};

// op in [0, kUnaryOpCount); alpha/beta as in the op table.
void unary_f32(runtime::Context& ctx, int op, int64_t n, const float* x, float* out, double alpha, double beta) noexcept;
void unary_backward_f32(runtime::Context& ctx, int op, int64_t n, const float* x, const float* y, const float* gy,
                        float* gx, double alpha, double beta) noexcept;

// Per-ISA micro-kernels: false (nothing written) for ops without a SIMD form.
#define NODEGRAD_UNARY_UKERNELS(isa)                                                                  \
  bool unary_ukernel_f32__##isa(int op, int64_t n, const float* x, float* out) noexcept;             \
  bool unary_backward_ukernel_f32__##isa(int op, int64_t n, const float* x, const float* y, const float* gy, \
                                         float* gx) noexcept;
NODEGRAD_UNARY_UKERNELS(scalar)
#if defined(__x86_64__) || defined(_M_X64)
NODEGRAD_UNARY_UKERNELS(avx2)
NODEGRAD_UNARY_UKERNELS(avx512)
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
NODEGRAD_UNARY_UKERNELS(neon)
#endif
#undef NODEGRAD_UNARY_UKERNELS

}  // namespace nodegrad::kernels
