// The vector vocabulary for AArch64 Advanced SIMD: 4 float lanes. Include only from *_neon.cc files.
// The same names exist in simd_scalar.h, simd_avx2.h and simd_avx512.h with the same semantics; see
// vmath.h. NEON's own max/min propagate NaN, so vmax/vmin are built from a compare and a select to keep
// the x86 rule every ISA shares.
#pragma once

#if !defined(__aarch64__) && !defined(_M_ARM64)
#error "simd_neon.h is for AArch64: include it only from a *_neon.cc file"
#endif

#include <arm_neon.h>

#include <cstdint>

namespace nodegrad::simd::neon {
namespace {  // internal linkage: every including file gets its own copy

using vf = float32x4_t;
using vi = int32x4_t;
using vm = uint32x4_t;  // all ones (true) or all zeros (false) per lane
constexpr int64_t kWidth = 4;

inline vf vzero() { return vdupq_n_f32(0.0f); }
inline vf vset(float v) { return vdupq_n_f32(v); }
inline vf vload(const float* p) { return vld1q_f32(p); }
inline void vstore(float* p, vf v) { vst1q_f32(p, v); }
// Lanes [0, n) from p, the rest 0; never touches p[n] or beyond. 0 <= n <= 4.
inline vf vload_part(const float* p, int64_t n) {
  float tmp[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int64_t i = 0; i < n; ++i) tmp[i] = p[i];
  return vld1q_f32(tmp);
}
inline void vstore_part(float* p, vf v, int64_t n) {
  float tmp[4];
  vst1q_f32(tmp, v);
  for (int64_t i = 0; i < n; ++i) p[i] = tmp[i];
}

inline vf vadd(vf a, vf b) { return vaddq_f32(a, b); }
inline vf vsub(vf a, vf b) { return vsubq_f32(a, b); }
inline vf vmul(vf a, vf b) { return vmulq_f32(a, b); }
inline vf vdiv(vf a, vf b) { return vdivq_f32(a, b); }
inline vf vfma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }   // a*b + c
inline vf vfnma(vf a, vf b, vf c) { return vfmsq_f32(c, a, b); }  // c - a*b
inline vf vsqrt(vf a) { return vsqrtq_f32(a); }
inline vf vneg(vf a) { return vnegq_f32(a); }
inline vf vabs(vf a) { return vabsq_f32(a); }
inline vf vcopysign(vf mag, vf sgn) { return vbslq_f32(vdupq_n_u32(0x80000000u), sgn, mag); }
inline vf vmax(vf a, vf b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
inline vf vmin(vf a, vf b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
inline vf vround(vf a) { return vrndnq_f32(a); }

inline vm vlt(vf a, vf b) { return vcltq_f32(a, b); }
inline vm vle(vf a, vf b) { return vcleq_f32(a, b); }
inline vm vgt(vf a, vf b) { return vcgtq_f32(a, b); }
inline vm vge(vf a, vf b) { return vcgeq_f32(a, b); }
inline vm veq(vf a, vf b) { return vceqq_f32(a, b); }
inline vm vne(vf a, vf b) { return vmvnq_u32(vceqq_f32(a, b)); }
inline vm visnan(vf a) { return vmvnq_u32(vceqq_f32(a, a)); }
inline vm vmand(vm a, vm b) { return vandq_u32(a, b); }
inline vm vmor(vm a, vm b) { return vorrq_u32(a, b); }
inline vm vmnot(vm a) { return vmvnq_u32(a); }
inline vf vselect(vm m, vf a, vf b) { return vbslq_f32(m, a, b); }
inline vf vmask_to_one(vm m) { return vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(vdupq_n_f32(1.0f)))); }

// Fixed order: (l0 + l2) + (l1 + l3), the same tree shape as the x86 reductions' last two steps.
inline float vreduce_add(vf a) {
  const float32x2_t s = vadd_f32(vget_low_f32(a), vget_high_f32(a));
  return vget_lane_f32(s, 0) + vget_lane_f32(s, 1);
}
inline float vreduce_max(vf a) {
  const float32x2_t lo = vget_low_f32(a), hi = vget_high_f32(a);
  const float32x2_t s = vbsl_f32(vcgt_f32(lo, hi), lo, hi);
  const float x = vget_lane_f32(s, 0), y = vget_lane_f32(s, 1);
  return x > y ? x : y;
}
inline bool vany(vm m) { return vmaxvq_u32(m) != 0; }

inline vi vset_i(int32_t v) { return vdupq_n_s32(v); }
inline vi vcvt_i(vf a) { return vcvtnq_s32_f32(a); }
inline vf vcvt_f(vi a) { return vcvtq_f32_s32(a); }
inline vi vbits(vf a) { return vreinterpretq_s32_f32(a); }
inline vf vfrom_bits(vi a) { return vreinterpretq_f32_s32(a); }
inline vi vadd_i(vi a, vi b) { return vaddq_s32(a, b); }
inline vi vsub_i(vi a, vi b) { return vsubq_s32(a, b); }
inline vi vand_i(vi a, vi b) { return vandq_s32(a, b); }
template <int k> inline vi vshl_i(vi a) { return vshlq_n_s32(a, k); }
template <int k> inline vi vsra_i(vi a) { return vshrq_n_s32(a, k); }

#include "vmath_impl.h"

}  // namespace
}  // namespace nodegrad::simd::neon
