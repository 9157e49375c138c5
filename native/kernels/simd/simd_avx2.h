// The vector vocabulary for AVX2 + FMA: 8 float lanes. Include only from *_avx2.cc files.
// The same names exist in simd_scalar.h, simd_avx512.h and simd_neon.h with the same semantics; see
// vmath.h for the contract and for how a kernel family uses them.
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__)
#error "simd_avx2.h needs -mavx2 -mfma: include it only from a *_avx2.cc file"
#endif

#include <immintrin.h>

#include <cstdint>

namespace nodegrad::simd::avx2 {
namespace {  // internal linkage: every including file gets its own copy, compiled with its own flags

using vf = __m256;   // 8 floats
using vi = __m256i;  // 8 int32
using vm = __m256;   // lane mask: all ones (true) or all zeros (false) per lane
constexpr int64_t kWidth = 8;

inline vf vzero() { return _mm256_setzero_ps(); }
inline vf vset(float v) { return _mm256_set1_ps(v); }
inline vf vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm256_storeu_ps(p, v); }
inline vi vlanes_below(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
// Lanes [0, n) from p, the rest 0; never touches p[n] or beyond (masked loads do not fault). 0 <= n <= 8.
inline vf vload_part(const float* p, int64_t n) { return _mm256_maskload_ps(p, vlanes_below(n)); }
inline void vstore_part(float* p, vf v, int64_t n) { _mm256_maskstore_ps(p, vlanes_below(n), v); }

inline vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
inline vf vsub(vf a, vf b) { return _mm256_sub_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
inline vf vdiv(vf a, vf b) { return _mm256_div_ps(a, b); }
inline vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }    // a*b + c
inline vf vfnma(vf a, vf b, vf c) { return _mm256_fnmadd_ps(a, b, c); }  // c - a*b
inline vf vsqrt(vf a) { return _mm256_sqrt_ps(a); }
inline vf vneg(vf a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
inline vf vabs(vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
// Magnitude of `mag` with the sign bit of `sgn`.
inline vf vcopysign(vf mag, vf sgn) {
  const vf sign = _mm256_set1_ps(-0.0f);
  return _mm256_or_ps(_mm256_andnot_ps(sign, mag), _mm256_and_ps(sign, sgn));
}
// a > b ? a : b and a < b ? a : b: when either is NaN the result is b (x86 semantics, kept on every ISA).
inline vf vmax(vf a, vf b) { return _mm256_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm256_min_ps(a, b); }
// Nearest integer, ties to even (the default rounding mode; no ISA here changes it).
inline vf vround(vf a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

// Comparisons are ordered (false when either side is NaN), except vne.
inline vm vlt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
inline vm vle(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
inline vm vgt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
inline vm vge(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
inline vm veq(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
inline vm vne(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }
inline vm visnan(vf a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
inline vm vmand(vm a, vm b) { return _mm256_and_ps(a, b); }
inline vm vmor(vm a, vm b) { return _mm256_or_ps(a, b); }
inline vm vmnot(vm a) { return _mm256_xor_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(-1))); }
// m ? a : b per lane.
inline vf vselect(vm m, vf a, vf b) { return _mm256_blendv_ps(b, a, m); }
// 1.0f where m holds, else 0.0f.
inline vf vmask_to_one(vm m) { return _mm256_and_ps(m, _mm256_set1_ps(1.0f)); }

// Horizontal reductions in a fixed order (halves folded pairwise), so a result depends only on the lanes.
inline float vreduce_add(vf a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline float vreduce_max(vf a) {  // NaN lanes follow vmax's rule; callers that must see NaN check separately
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline bool vany(vm m) { return _mm256_movemask_ps(m) != 0; }

// int32 lanes, used by the exponent arithmetic of vmath.
inline vi vset_i(int32_t v) { return _mm256_set1_epi32(v); }
inline vi vcvt_i(vf a) { return _mm256_cvtps_epi32(a); }  // round to nearest; NaN gives an unspecified value
inline vf vcvt_f(vi a) { return _mm256_cvtepi32_ps(a); }
inline vi vbits(vf a) { return _mm256_castps_si256(a); }
inline vf vfrom_bits(vi a) { return _mm256_castsi256_ps(a); }
inline vi vadd_i(vi a, vi b) { return _mm256_add_epi32(a, b); }
inline vi vsub_i(vi a, vi b) { return _mm256_sub_epi32(a, b); }
inline vi vand_i(vi a, vi b) { return _mm256_and_si256(a, b); }
template <int k> inline vi vshl_i(vi a) { return _mm256_slli_epi32(a, k); }
template <int k> inline vi vsra_i(vi a) { return _mm256_srai_epi32(a, k); }

#include "vmath_impl.h"

}  // namespace
}  // namespace nodegrad::simd::avx2
