// The scalar variants of vmath.h and the per-ISA selection (baseline flags).
#include "vmath.h"

#include "simd_scalar.h"

namespace nodegrad::kernels {

using namespace simd::scalar;

void vexp_f32__scalar(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vexp(v); }); }
void vlog_f32__scalar(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vlog(v); }); }
void vtanh_f32__scalar(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vtanh(v); }); }
void vsigmoid_f32__scalar(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vsigmoid(v); }); }

namespace {
UnaryF32 pick(runtime::Isa isa, UnaryF32 scalar, UnaryF32 avx2, UnaryF32 avx512, UnaryF32 neon) noexcept {
  switch (isa) {
    case runtime::Isa::avx2: return avx2 ? avx2 : scalar;
    case runtime::Isa::avx512: return avx512 ? avx512 : scalar;
    case runtime::Isa::neon: return neon ? neon : scalar;
    case runtime::Isa::scalar: break;
  }
  return scalar;
}
}  // namespace

#if defined(NODEGRAD_HAVE_AVX2)
#define NODEGRAD_X86(name) name##__avx2, name##__avx512
#else
#define NODEGRAD_X86(name) nullptr, nullptr
#endif
#if defined(NODEGRAD_HAVE_NEON)
#define NODEGRAD_ARM(name) name##__neon
#else
#define NODEGRAD_ARM(name) nullptr
#endif

UnaryF32 vexp_f32(runtime::Isa isa) noexcept { return pick(isa, vexp_f32__scalar, NODEGRAD_X86(vexp_f32), NODEGRAD_ARM(vexp_f32)); }
UnaryF32 vlog_f32(runtime::Isa isa) noexcept { return pick(isa, vlog_f32__scalar, NODEGRAD_X86(vlog_f32), NODEGRAD_ARM(vlog_f32)); }
UnaryF32 vtanh_f32(runtime::Isa isa) noexcept {
  return pick(isa, vtanh_f32__scalar, NODEGRAD_X86(vtanh_f32), NODEGRAD_ARM(vtanh_f32));
}
UnaryF32 vsigmoid_f32(runtime::Isa isa) noexcept {
  return pick(isa, vsigmoid_f32__scalar, NODEGRAD_X86(vsigmoid_f32), NODEGRAD_ARM(vsigmoid_f32));
}

#undef NODEGRAD_X86
#undef NODEGRAD_ARM

}  // namespace nodegrad::kernels
