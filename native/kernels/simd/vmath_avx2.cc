// vmath.h's array functions for avx2: the shared vmath_impl.h code over simd_avx2.h.
#include "simd_avx2.h"
#include "vmath.h"

namespace nodegrad::kernels {

using namespace simd::avx2;

void vexp_f32__avx2(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vexp(v); }); }
void vlog_f32__avx2(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vlog(v); }); }
void vtanh_f32__avx2(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vtanh(v); }); }
void vsigmoid_f32__avx2(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vsigmoid(v); }); }

}  // namespace nodegrad::kernels
