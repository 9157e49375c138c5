// The AVX-512 vector vocabulary of the pooling bodies (pool_simd.h): 16 lanes, k-masks, masked loads and
// stores that never touch a masked-off element. For pool_avx512.cc only.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace nodegrad::kernels {
namespace {

struct Avx512 {
  static constexpr int kLanes = 16;
  using F = __m512;
  using I = __m512i;
  using M = __mmask16;

  // Lanes [0, n), n clamped to [0, 16].
  static M first(int n) { return static_cast<M>(n <= 0 ? 0u : n >= 16 ? 0xFFFFu : (1u << n) - 1u); }
  static F zero() { return _mm512_setzero_ps(); }
  static I zeroi() { return _mm512_setzero_si512(); }
  static F set1(float v) { return _mm512_set1_ps(v); }
  static I set1i(int64_t v) { return _mm512_set1_epi32(static_cast<int32_t>(v)); }
  // Full vectors take plain loads and stores: masked ones cost more on some cores (AMD Zen 4/5) even with
  // every lane enabled.
  static F load(const float* p, int n) { return n >= 16 ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(first(n), p); }
  static I loadi(const int32_t* p, int n) {
    return n >= 16 ? _mm512_loadu_si512(p) : _mm512_maskz_loadu_epi32(first(n), p);
  }
  static void store(float* p, F v, int n) {
    if (n >= 16) _mm512_storeu_ps(p, v);
    else _mm512_mask_storeu_ps(p, first(n), v);
  }
  static void storei(int32_t* p, I v, int n) {
    if (n >= 16) _mm512_storeu_si512(p, v);
    else _mm512_mask_storeu_epi32(p, first(n), v);
  }
  static F add(F a, F b) { return _mm512_add_ps(a, b); }
  static F div(F a, F b) { return _mm512_div_ps(a, b); }
  static float hsum(F v) {
    // Zero-masking extracts: GCC 12 warns on the undefined pass-through of the plain forms (as max).
    const __m256 h = _mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, v, 0), _mm512_maskz_extractf32x8_ps(0xFF, v, 1));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  static I addi(I a, I b) { return _mm512_add_epi32(a, b); }
  static I subi(I a, I b) { return _mm512_sub_epi32(a, b); }
  static I lanes_times(int64_t s) {
    return _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), set1i(s));
  }

  // b where either is NaN (the zero-masking form: GCC 12 warns on _mm512_max_ps's undefined pass-through)
  static F max(F a, F b) { return _mm512_maskz_max_ps(0xFFFF, a, b); }
  static M isnan(F v) { return _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q); }
  static M eq(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  // Lanes where v replaces the running max m: v > m, or v is NaN and m is not (= !(v <= m) with m ordered).
  static M take(F m, F v) { return _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(m, m, _CMP_ORD_Q), v, m, _CMP_NLE_UQ); }
  static F select(M t, F a, F b) { return _mm512_mask_mov_ps(b, t, a); }
  static I selecti(M t, I a, I b) { return _mm512_mask_mov_epi32(b, t, a); }
  static I add_one_where(M t, I a) { return _mm512_mask_add_epi32(a, t, a, set1i(1)); }
  static M eqi(I a, I b) { return _mm512_cmpeq_epi32_mask(a, b); }
  static M or_(M a, M b) { return static_cast<M>(a | b); }
  static bool all(M m, int n) { return (m & first(n)) == first(n); }
  static F maskz(M m, F v) { return _mm512_maskz_mov_ps(m, v); }

  // Taps p[i·sw] for i < r (sw ∈ {1, 2}); lanes ≥ r are zero and nothing past p[(r−1)·sw] is read: a full
  // vector with sw = 2 loads p[0, 16) and p[15, 31), ending at the last tap without a mask.
  static F load_tap(const float* p, int64_t sw, int r) {
    if (sw == 1) return load(p, r);
    if (r >= 16) {
      return _mm512_permutex2var_ps(_mm512_loadu_ps(p),
                                    _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31),
                                    _mm512_loadu_ps(p + 15));
    }
    const F lo = load(p, 2 * r - 1), hi = load(p + 16, 2 * r - 17);
    return _mm512_permutex2var_ps(lo, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), hi);
  }
  // p[2i] and p[2i + 1] for i < r, in natural lane order (pair_offsets and unshuffle are identities).
  static void deinterleave(const float* p, int r, F* even, F* odd) {
    const F lo = load(p, 2 * r), hi = load(p + 16, 2 * r - 16);
    *even = _mm512_permutex2var_ps(lo, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), hi);
    *odd = _mm512_permutex2var_ps(lo, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), hi);
  }
  static I pair_offsets() { return lanes_times(2); }
  static F unshuffle(F v) { return v; }
  static I unshufflei(I v) { return v; }
  // e0 o0 e1 o1 … as two vectors.
  static void interleave(F e, F o, F* lo, F* hi) {
    *lo = _mm512_permutex2var_ps(e, _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), o);
    *hi = _mm512_permutex2var_ps(e, _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), o);
  }
};

}  // namespace
}  // namespace nodegrad::kernels
