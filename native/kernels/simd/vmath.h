// Vector math over float arrays, per ISA, and the SIMD vocabulary the element-wise kernels are written in.
//
// The vocabulary (simd_scalar.h, simd_avx2.h, simd_avx512.h, simd_neon.h) gives each ISA the same names in
// its own namespace nodegrad::simd::<isa>, all with internal linkage (safe under the ODR whatever the
// flags of the including file):
//   vf / vi / vm, kWidth        float vector, int32 vector, lane mask; lanes per vector (1, 8, 16, 4)
//   vload/vstore, vload_part/vstore_part(p, [v,] n)   whole vector; lanes [0, n) only (others read as 0,
//                               nothing past p[n-1] is touched)
//   vset, vzero, vadd, vsub, vmul, vdiv, vfma(a,b,c)=a*b+c, vfnma(a,b,c)=c-a*b, vsqrt, vneg, vabs,
//   vcopysign, vround (ties to even)
//   vmax(a,b) = a > b ? a : b, vmin(a,b) = a < b ? a : b  -- b when either is NaN, on every ISA
//   vlt vle vgt vge veq (ordered), vne, visnan, vmand vmor vmnot, vselect(m, a, b) = m ? a : b, vmask_to_one
//   vreduce_add, vreduce_max (fixed tree order), vany
//   vexp, vlog, vtanh, vsigmoid (vmath_impl.h); vmap(n, x, y, f); vfor(n, body(i, len)) with
//   vload_n/vstore_n(p, [v,] len) for loops over several arrays
// Only the scalar vfma/vfnma round twice; everything else is bit-for-bit the same operation on every ISA.
//
// Using them from another kernel family: in native/kernels/<family>/<name>_avx512.cc write
//     #include "../simd/simd_avx512.h"
//     namespace nodegrad::kernels {
//     void lstm_gates_f32__avx512(int64_t n, ...) noexcept {
//       using namespace simd::avx512;
//       ... vf i = vsigmoid(vadd(vload(gi + j), vload(bi + j))); ... vtanh(...) ...
//     }
//     }
// and the same in _avx2.cc / _neon.cc / the baseline .cc (simd_scalar.h), with the ISA switch in baseline
// code. The functions inline into the caller's loop, so gate math fuses with the loads and stores.
// Each ISA header refuses (#error) to compile without its flags.
//
// The array functions below (y = f(x), x may equal y, any n >= 0) are the tested entry points and what
// the element-wise binding calls. Accuracy (checked by native/test/test_simd.cc against float64):
//   exp, log: <= 4 ulp on the finite domain, overflow/underflow thresholds exact; log(0) = -Inf,
//     log(x < 0) = NaN.
//   tanh, sigmoid: |y - ref| <= max(2^-23, 4 * 2^-23 * |ref|); tanh(+-Inf) = +-1, sigmoid(-Inf) = 0,
//     sigmoid(+Inf) = 1 exactly; NaN in gives NaN out.
// Results depend only on the input value and the ISA: never on lane, length or thread.
#pragma once

#include <cstdint>

#include "../../runtime/cpu_features.h"

namespace nodegrad::kernels {

void vexp_f32__scalar(int64_t n, const float* x, float* y) noexcept;
void vlog_f32__scalar(int64_t n, const float* x, float* y) noexcept;
void vtanh_f32__scalar(int64_t n, const float* x, float* y) noexcept;
void vsigmoid_f32__scalar(int64_t n, const float* x, float* y) noexcept;
#if defined(__x86_64__) || defined(_M_X64)
void vexp_f32__avx2(int64_t n, const float* x, float* y) noexcept;
void vlog_f32__avx2(int64_t n, const float* x, float* y) noexcept;
void vtanh_f32__avx2(int64_t n, const float* x, float* y) noexcept;
void vsigmoid_f32__avx2(int64_t n, const float* x, float* y) noexcept;
void vexp_f32__avx512(int64_t n, const float* x, float* y) noexcept;
void vlog_f32__avx512(int64_t n, const float* x, float* y) noexcept;
void vtanh_f32__avx512(int64_t n, const float* x, float* y) noexcept;
void vsigmoid_f32__avx512(int64_t n, const float* x, float* y) noexcept;
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
void vexp_f32__neon(int64_t n, const float* x, float* y) noexcept;
void vlog_f32__neon(int64_t n, const float* x, float* y) noexcept;
void vtanh_f32__neon(int64_t n, const float* x, float* y) noexcept;
void vsigmoid_f32__neon(int64_t n, const float* x, float* y) noexcept;
#endif

using UnaryF32 = void (*)(int64_t n, const float* x, float* y) noexcept;

// The variant for `isa` (which the caller has checked the CPU supports).
UnaryF32 vexp_f32(runtime::Isa isa) noexcept;
UnaryF32 vlog_f32(runtime::Isa isa) noexcept;
UnaryF32 vtanh_f32(runtime::Isa isa) noexcept;
UnaryF32 vsigmoid_f32(runtime::Isa isa) noexcept;

}  // namespace nodegrad::kernels
