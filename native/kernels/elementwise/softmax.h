// Softmax and log-softmax over the middle axis of x viewed as [outer, dim, inner], and their backward from
// the output (lib/backend/kernels/elementwise.ts). A slice holding NaN or +Inf, or only -Inf, gives NaN
// throughout, as the JS twin and PyTorch do. The slice max is exact, exp(x - max) uses vexp and the sum
// runs in float32 in a fixed order for a given (dim, inner): SIMD lanes then a fixed tree when inner == 1,
// lane-wise over inner otherwise. Each slab [dim, inner] belongs to one task, so the thread count never
// changes a result. out may be x (gx may be gy).
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

void softmax_f32(runtime::Context& ctx, bool log, int64_t outer, int64_t dim, int64_t inner, const float* x,
                 float* out) noexcept;
void softmax_backward_f32(runtime::Context& ctx, bool log, int64_t outer, int64_t dim, int64_t inner, const float* y,
                          const float* gy, float* gx) noexcept;

// Per-ISA micro-kernels over one slab [dim, inner].
#define NODEGRAD_SOFTMAX_UKERNELS(isa)                                                                        \
  void softmax_ukernel_f32__##isa(bool log, int64_t dim, int64_t inner, const float* x, float* y) noexcept; \
  void softmax_backward_ukernel_f32__##isa(bool log, int64_t dim, int64_t inner, const float* y,            \
                                           const float* gy, float* gx) noexcept;
NODEGRAD_SOFTMAX_UKERNELS(scalar)
#if defined(__x86_64__) || defined(_M_X64)
NODEGRAD_SOFTMAX_UKERNELS(avx2)
NODEGRAD_SOFTMAX_UKERNELS(avx512)
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
NODEGRAD_SOFTMAX_UKERNELS(neon)
#endif
#undef NODEGRAD_SOFTMAX_UKERNELS

}  // namespace nodegrad::kernels
