// The 4-lane vector vocabulary of the pooling bodies (pool_simd.h), in VEX-encoded 128-bit instructions: for
// rows of 4-7 outputs in pool_avx2.cc and pool_avx512.cc, which take two overlapping full vectors there
// (masked loads and stores are slow on some cores, AMD Zen 4/5 among them). Partial vectors exist for
// completeness only: the ISA files send rows of fewer than 4 outputs to the scalar loop.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace nodegrad::kernels {
namespace {

struct Sse {
  static constexpr int kLanes = 4;
  using F = __m128;
  using I = __m128i;
  using M = __m128;

  static I lanes() { return _mm_setr_epi32(0, 1, 2, 3); }
  static I first(int n) { return _mm_cmpgt_epi32(_mm_set1_epi32(n), lanes()); }
  static F zero() { return _mm_setzero_ps(); }
  static I zeroi() { return _mm_setzero_si128(); }
  static F set1(float v) { return _mm_set1_ps(v); }
  static I set1i(int64_t v) { return _mm_set1_epi32(static_cast<int32_t>(v)); }
  static F load(const float* p, int n) { return n >= 4 ? _mm_loadu_ps(p) : _mm_maskload_ps(p, first(n)); }
  static I loadi(const int32_t* p, int n) {
    return n >= 4 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)) : _mm_maskload_epi32(p, first(n));
  }
  static void store(float* p, F v, int n) {
    if (n >= 4) _mm_storeu_ps(p, v);
    else if (n > 0) _mm_maskstore_ps(p, first(n), v);
  }
  static void storei(int32_t* p, I v, int n) {
    if (n >= 4) _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
    else if (n > 0) _mm_maskstore_epi32(p, first(n), v);
  }
  static F add(F a, F b) { return _mm_add_ps(a, b); }
  static F div(F a, F b) { return _mm_div_ps(a, b); }
  static I addi(I a, I b) { return _mm_add_epi32(a, b); }
  static I subi(I a, I b) { return _mm_sub_epi32(a, b); }
  static I lanes_times(int64_t s) { return _mm_mullo_epi32(lanes(), set1i(s)); }

  static F max(F a, F b) { return _mm_max_ps(a, b); }  // b where either is NaN
  static M isnan(F v) { return _mm_cmp_ps(v, v, _CMP_UNORD_Q); }
  static M eq(F a, F b) { return _mm_cmp_ps(a, b, _CMP_EQ_OQ); }
  // Lanes where v replaces the running max m: v > m, or v is NaN and m is not (= !(v <= m) with m ordered).
  static M take(F m, F v) { return _mm_and_ps(_mm_cmp_ps(v, m, _CMP_NLE_UQ), _mm_cmp_ps(m, m, _CMP_ORD_Q)); }
  static F select(M t, F a, F b) { return _mm_blendv_ps(b, a, t); }
  static I selecti(M t, I a, I b) {
    return _mm_castps_si128(_mm_blendv_ps(_mm_castsi128_ps(b), _mm_castsi128_ps(a), t));
  }
  static I add_one_where(M t, I a) { return _mm_sub_epi32(a, _mm_castps_si128(t)); }  // t lanes are −1
  static M eqi(I a, I b) { return _mm_castsi128_ps(_mm_cmpeq_epi32(a, b)); }
  static M or_(M a, M b) { return _mm_or_ps(a, b); }
  static bool all(M m, int n) {
    const int want = n >= 4 ? 0xF : (1 << n) - 1;
    return (_mm_movemask_ps(m) & want) == want;
  }
  static F maskz(M m, F v) { return _mm_and_ps(m, v); }

  // Taps p[i·sw] for i < r (sw ∈ {1, 2}); nothing past p[(r−1)·sw] is read. A full vector with sw = 2 loads
  // p[0, 4) and p[3, 7), ending at the last tap.
  static F load_tap(const float* p, int64_t sw, int r) {
    if (sw == 1) return load(p, r);
    if (r >= 4) return _mm_shuffle_ps(_mm_loadu_ps(p), _mm_loadu_ps(p + 3), _MM_SHUFFLE(3, 1, 2, 0));
    const F lo = load(p, 2 * r - 1), hi = load(p + 4, 2 * r - 5);
    return _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
  }
  // p[2i] and p[2i + 1] for i < r, in natural lane order.
  static void deinterleave(const float* p, int r, F* even, F* odd) {
    const F lo = load(p, 2 * r), hi = load(p + 4, 2 * r - 4);
    *even = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    *odd = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
  }
  static I pair_offsets() { return lanes_times(2); }
  static F unshuffle(F v) { return v; }
  static I unshufflei(I v) { return v; }
  // e0 o0 e1 o1 … as two vectors.
  static void interleave(F e, F o, F* lo, F* hi) {
    *lo = _mm_unpacklo_ps(e, o);
    *hi = _mm_unpackhi_ps(e, o);
  }
};

}  // namespace
}  // namespace nodegrad::kernels
