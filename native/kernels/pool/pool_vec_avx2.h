// The AVX2 vector vocabulary of the pooling bodies (pool_simd.h): 8 lanes, masks as all-ones lanes, masked
// loads and stores only for partial vectors. For pool_avx2.cc, and pool_avx512.cc for rows of 8-15 outputs.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace nodegrad::kernels {
namespace {

struct Avx2 {
  static constexpr int kLanes = 8;
  using F = __m256;
  using I = __m256i;
  using M = __m256;

  static I lanes() { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
  static I first(int n) { return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lanes()); }
  static F zero() { return _mm256_setzero_ps(); }
  static I zeroi() { return _mm256_setzero_si256(); }
  static F set1(float v) { return _mm256_set1_ps(v); }
  static I set1i(int64_t v) { return _mm256_set1_epi32(static_cast<int32_t>(v)); }
  static F load(const float* p, int n) { return n >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, first(n)); }
  static I loadi(const int32_t* p, int n) {
    return n >= 8 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)) : _mm256_maskload_epi32(p, first(n));
  }
  static void store(float* p, F v, int n) {
    if (n >= 8) _mm256_storeu_ps(p, v);
    else if (n > 0) _mm256_maskstore_ps(p, first(n), v);
  }
  static void storei(int32_t* p, I v, int n) {
    if (n >= 8) _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
    else if (n > 0) _mm256_maskstore_epi32(p, first(n), v);
  }
  static F add(F a, F b) { return _mm256_add_ps(a, b); }
  static F div(F a, F b) { return _mm256_div_ps(a, b); }
  static float hsum(F v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  static I addi(I a, I b) { return _mm256_add_epi32(a, b); }
  static I subi(I a, I b) { return _mm256_sub_epi32(a, b); }
  static I lanes_times(int64_t s) { return _mm256_mullo_epi32(lanes(), set1i(s)); }

  static F max(F a, F b) { return _mm256_max_ps(a, b); }  // b where either is NaN
  static M isnan(F v) { return _mm256_cmp_ps(v, v, _CMP_UNORD_Q); }
  static M eq(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  // Lanes where v replaces the running max m: v > m, or v is NaN and m is not (= !(v <= m) with m ordered).
  static M take(F m, F v) { return _mm256_and_ps(_mm256_cmp_ps(v, m, _CMP_NLE_UQ), _mm256_cmp_ps(m, m, _CMP_ORD_Q)); }
  static F select(M t, F a, F b) { return _mm256_blendv_ps(b, a, t); }
  static I selecti(M t, I a, I b) {
    return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(b), _mm256_castsi256_ps(a), t));
  }
  static I add_one_where(M t, I a) { return _mm256_sub_epi32(a, _mm256_castps_si256(t)); }  // t lanes are −1
  static M eqi(I a, I b) { return _mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b)); }
  static M or_(M a, M b) { return _mm256_or_ps(a, b); }
  static bool all(M m, int n) {
    const int want = n >= 8 ? 0xFF : (1 << n) - 1;
    return (_mm256_movemask_ps(m) & want) == want;
  }
  static F maskz(M m, F v) { return _mm256_and_ps(m, v); }

  // Taps p[i·sw] for i < r (sw ∈ {1, 2}); lanes ≥ r are zero and nothing past p[(r−1)·sw] is read: a full
  // vector with sw = 2 loads p[0, 8) and p[7, 15), ending at the last tap without a mask.
  static F load_tap(const float* p, int64_t sw, int r) {
    if (sw == 1) return load(p, r);
    if (r >= 8) return unshuffle(_mm256_shuffle_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 7), _MM_SHUFFLE(3, 1, 2, 0)));
    const F lo = load(p, 2 * r - 1), hi = load(p + 8, 2 * r - 9);
    return unshuffle(_mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0)));
  }
  // p[2i] and p[2i + 1] for i < r, lanes in the order 0 1 4 5 2 3 6 7 (two in-lane shuffles; unshuffle
  // restores the order once per result instead of once per tap).
  static void deinterleave(const float* p, int r, F* even, F* odd) {
    const F lo = load(p, 2 * r), hi = load(p + 8, 2 * r - 8);
    *even = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    *odd = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
  }
  static I pair_offsets() { return _mm256_setr_epi32(0, 2, 8, 10, 4, 6, 12, 14); }
  static F unshuffle(F v) { return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), _MM_SHUFFLE(3, 1, 2, 0))); }
  static I unshufflei(I v) { return _mm256_permute4x64_epi64(v, _MM_SHUFFLE(3, 1, 2, 0)); }
  // e0 o0 e1 o1 … as two vectors.
  static void interleave(F e, F o, F* lo, F* hi) {
    const F a = _mm256_unpacklo_ps(e, o), b = _mm256_unpackhi_ps(e, o);  // e0 o0 e1 o1 e4 o4 e5 o5 | e2 o2 e3 o3 e6 …
    *lo = _mm256_permute2f128_ps(a, b, 0x20);
    *hi = _mm256_permute2f128_ps(a, b, 0x31);
  }
};

}  // namespace
}  // namespace nodegrad::kernels
