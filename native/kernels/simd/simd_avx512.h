// The vector vocabulary for AVX-512 (F/BW/DQ/VL): 16 float lanes. Include only from *_avx512.cc files.
// The same names exist in simd_scalar.h, simd_avx2.h and simd_neon.h with the same semantics; see vmath.h.
#pragma once

#if !defined(__AVX512F__) || !defined(__AVX512DQ__)
#error "simd_avx512.h needs -mavx512f -mavx512dq: include it only from a *_avx512.cc file"
#endif

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the unused merge operand, which -Wall reports
// as "may be used uninitialized" at every inlined call (GCC PR 105593); silence that false positive only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstdint>

namespace nodegrad::simd::avx512 {
namespace {  // internal linkage: every including file gets its own copy, compiled with its own flags

using vf = __m512;     // 16 floats
using vi = __m512i;    // 16 int32
using vm = __mmask16;  // one bit per lane
constexpr int64_t kWidth = 16;

inline vf vzero() { return _mm512_setzero_ps(); }
inline vf vset(float v) { return _mm512_set1_ps(v); }
inline vf vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm512_storeu_ps(p, v); }
inline __mmask16 vlanes_below(int64_t n) { return static_cast<__mmask16>((1u << n) - 1u); }
// Lanes [0, n) from p, the rest 0; never touches p[n] or beyond (masked loads do not fault). 0 <= n <= 16.
inline vf vload_part(const float* p, int64_t n) { return _mm512_maskz_loadu_ps(vlanes_below(n), p); }
inline void vstore_part(float* p, vf v, int64_t n) { _mm512_mask_storeu_ps(p, vlanes_below(n), v); }

inline vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
inline vf vsub(vf a, vf b) { return _mm512_sub_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
inline vf vdiv(vf a, vf b) { return _mm512_div_ps(a, b); }
inline vf vfma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }    // a*b + c
inline vf vfnma(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); }  // c - a*b
inline vf vsqrt(vf a) { return _mm512_sqrt_ps(a); }
inline vf vneg(vf a) { return _mm512_xor_ps(a, _mm512_set1_ps(-0.0f)); }
inline vf vabs(vf a) { return _mm512_andnot_ps(_mm512_set1_ps(-0.0f), a); }
inline vf vcopysign(vf mag, vf sgn) {
  const vf sign = _mm512_set1_ps(-0.0f);
  return _mm512_or_ps(_mm512_andnot_ps(sign, mag), _mm512_and_ps(sign, sgn));
}
// a > b ? a : b and a < b ? a : b: when either is NaN the result is b (x86 semantics, kept on every ISA).
inline vf vmax(vf a, vf b) { return _mm512_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm512_min_ps(a, b); }
inline vf vround(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

inline vm vlt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
inline vm vle(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
inline vm vgt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
inline vm vge(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
inline vm veq(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
inline vm vne(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_NEQ_UQ); }
inline vm visnan(vf a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
inline vm vmand(vm a, vm b) { return static_cast<vm>(a & b); }
inline vm vmor(vm a, vm b) { return static_cast<vm>(a | b); }
inline vm vmnot(vm a) { return static_cast<vm>(~a); }
inline vf vselect(vm m, vf a, vf b) { return _mm512_mask_blend_ps(m, b, a); }
inline vf vmask_to_one(vm m) { return _mm512_maskz_mov_ps(m, _mm512_set1_ps(1.0f)); }

// Fixed-order tree: 512 -> 256 -> 128 -> scalar, each step adding the upper half to the lower.
inline float vreduce_add(vf a) {
  const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline float vreduce_max(vf a) {
  const __m256 h = _mm256_max_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline bool vany(vm m) { return m != 0; }

inline vi vset_i(int32_t v) { return _mm512_set1_epi32(v); }
inline vi vcvt_i(vf a) { return _mm512_cvtps_epi32(a); }
inline vf vcvt_f(vi a) { return _mm512_cvtepi32_ps(a); }
inline vi vbits(vf a) { return _mm512_castps_si512(a); }
inline vf vfrom_bits(vi a) { return _mm512_castsi512_ps(a); }
inline vi vadd_i(vi a, vi b) { return _mm512_add_epi32(a, b); }
inline vi vsub_i(vi a, vi b) { return _mm512_sub_epi32(a, b); }
inline vi vand_i(vi a, vi b) { return _mm512_and_si512(a, b); }
template <int k> inline vi vshl_i(vi a) { return _mm512_slli_epi32(a, k); }
template <int k> inline vi vsra_i(vi a) { return _mm512_srai_epi32(a, k); }

// p * 2^n for integral n, rounded once: vexp's last step in one instruction (vmath_impl.h).
inline vf vscale_pow2(vf p, vf n) { return _mm512_scalef_ps(p, n); }

#define NODEGRAD_SIMD_SCALE_POW2
#include "vmath_impl.h"
#undef NODEGRAD_SIMD_SCALE_POW2

}  // namespace
}  // namespace nodegrad::simd::avx512
