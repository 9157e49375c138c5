// vmath.h's array functions for avx512: the shared vmath_impl.h code over simd_avx512.h.
#include "simd_avx512.h"
#include "vmath.h"

namespace nodegrad::kernels {

using namespace simd::avx512;

void vexp_f32__avx512(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vexp(v); }); }
void vlog_f32__avx512(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vlog(v); }); }
void vtanh_f32__avx512(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vtanh(v); }); }
void vsigmoid_f32__avx512(int64_t n, const float* x, float* y) noexcept { vmap(n, x, y, [](vf v) { return vsigmoid(v); }); }

}  // namespace nodegrad::kernels
