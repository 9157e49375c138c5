// Softmax drivers: ISA selection and slabs over the pool; plus the scalar micro-kernels.
#include "softmax.h"

#include "../simd/simd_scalar.h"
#include "parallel.h"

namespace nodegrad::kernels {

using namespace simd::scalar;
#define NODEGRAD_UKERNEL(name) name##__scalar
#include "softmax_impl.h"
#undef NODEGRAD_UKERNEL

namespace {

using runtime::Isa;

}  // namespace

void softmax_f32(runtime::Context& ctx, bool log, int64_t outer, int64_t dim, int64_t inner, const float* x,
                 float* out) noexcept {
  const Isa isa = ctx.isa;
  const int64_t slab = dim * inner;
  for_slabs(ctx, outer, slab, [&](int64_t o) {
    const float* xs = x + o * slab;
    float* ys = out + o * slab;
    switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
      case Isa::avx512: return softmax_ukernel_f32__avx512(log, dim, inner, xs, ys);
      case Isa::avx2: return softmax_ukernel_f32__avx2(log, dim, inner, xs, ys);
#endif
#if defined(NODEGRAD_HAVE_NEON)
      case Isa::neon: return softmax_ukernel_f32__neon(log, dim, inner, xs, ys);
#endif
      default: return softmax_ukernel_f32__scalar(log, dim, inner, xs, ys);
    }
  });
}

void softmax_backward_f32(runtime::Context& ctx, bool log, int64_t outer, int64_t dim, int64_t inner, const float* y,
                          const float* gy, float* gx) noexcept {
  const Isa isa = ctx.isa;
  const int64_t slab = dim * inner;
  for_slabs(ctx, outer, slab, [&](int64_t o) {
    const int64_t b = o * slab;
    switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
      case Isa::avx512: return softmax_backward_ukernel_f32__avx512(log, dim, inner, y + b, gy + b, gx + b);
      case Isa::avx2: return softmax_backward_ukernel_f32__avx2(log, dim, inner, y + b, gy + b, gx + b);
#endif
#if defined(NODEGRAD_HAVE_NEON)
      case Isa::neon: return softmax_backward_ukernel_f32__neon(log, dim, inner, y + b, gy + b, gx + b);
#endif
      default: return softmax_backward_ukernel_f32__scalar(log, dim, inner, y + b, gy + b, gx + b);
    }
  });
}

}  // namespace nodegrad::kernels
