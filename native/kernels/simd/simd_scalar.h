// The vector vocabulary with one lane: the plain C++ variant every ISA's result is checked against, and
// the fallback on CPUs without a supported SIMD level. Semantics are exactly those of the other
// simd_<isa>.h headers (see vmath.h), except that vfma/vfnma round twice (no FMA in the x86-64 baseline).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace nodegrad::simd::scalar {
namespace {  // internal linkage: safe to include from any file, whatever its flags

using vf = float;
using vi = int32_t;
using vm = bool;
constexpr int64_t kWidth = 1;

inline vf vzero() { return 0.0f; }
inline vf vset(float v) { return v; }
inline vf vload(const float* p) { return *p; }
inline void vstore(float* p, vf v) { *p = v; }
inline vf vload_part(const float* p, int64_t n) { return n > 0 ? *p : 0.0f; }
inline void vstore_part(float* p, vf v, int64_t n) {
  if (n > 0) *p = v;
}

inline vf vadd(vf a, vf b) { return a + b; }
inline vf vsub(vf a, vf b) { return a - b; }
inline vf vmul(vf a, vf b) { return a * b; }
inline vf vdiv(vf a, vf b) { return a / b; }
inline vf vfma(vf a, vf b, vf c) { return a * b + c; }
inline vf vfnma(vf a, vf b, vf c) { return c - a * b; }
inline vf vsqrt(vf a) { return std::sqrt(a); }
inline vf vneg(vf a) { return -a; }
inline vf vabs(vf a) { return std::fabs(a); }
inline vf vcopysign(vf mag, vf sgn) { return std::copysign(mag, sgn); }
inline vf vmax(vf a, vf b) { return a > b ? a : b; }
inline vf vmin(vf a, vf b) { return a < b ? a : b; }
inline vf vround(vf a) { return std::nearbyint(a); }

inline vm vlt(vf a, vf b) { return a < b; }
inline vm vle(vf a, vf b) { return a <= b; }
inline vm vgt(vf a, vf b) { return a > b; }
inline vm vge(vf a, vf b) { return a >= b; }
inline vm veq(vf a, vf b) { return a == b; }
inline vm vne(vf a, vf b) { return !(a == b); }
inline vm visnan(vf a) { return a != a; }
inline vm vmand(vm a, vm b) { return a && b; }
inline vm vmor(vm a, vm b) { return a || b; }
inline vm vmnot(vm a) { return !a; }
inline vf vselect(vm m, vf a, vf b) { return m ? a : b; }
inline vf vmask_to_one(vm m) { return m ? 1.0f : 0.0f; }

inline float vreduce_add(vf a) { return a; }
inline float vreduce_max(vf a) { return a; }
inline bool vany(vm m) { return m; }

inline vi vset_i(int32_t v) { return v; }
// Callers pass integer-valued floats in int32 range; NaN gives 0 (a float-to-int cast of NaN is UB).
inline vi vcvt_i(vf a) { return a == a ? static_cast<int32_t>(std::nearbyint(a)) : 0; }
inline vf vcvt_f(vi a) { return static_cast<float>(a); }
inline vi vbits(vf a) {
  vi r;
  std::memcpy(&r, &a, sizeof r);
  return r;
}
inline vf vfrom_bits(vi a) {
  vf r;
  std::memcpy(&r, &a, sizeof r);
  return r;
}
// Wrapping int32 arithmetic as the SIMD lanes do it (via uint32, so signed overflow is never UB).
inline vi vadd_i(vi a, vi b) { return static_cast<vi>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b)); }
inline vi vsub_i(vi a, vi b) { return static_cast<vi>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b)); }
inline vi vand_i(vi a, vi b) { return a & b; }
template <int k> inline vi vshl_i(vi a) { return static_cast<vi>(static_cast<uint32_t>(a) << k); }
template <int k> inline vi vsra_i(vi a) { return a >> k; }  // arithmetic on every supported compiler

#include "vmath_impl.h"

}  // namespace
}  // namespace nodegrad::simd::scalar
