// AVX-512 pooling micro-kernels, 16 outputs per vector (contract in pool_ukernel.h). Strided taps (sw = 2)
// are two masked loads and one two-source permute; masks cover the row's tail.
#include <immintrin.h>

#include "pool_ukernel.h"

namespace nodegrad::kernels {

namespace {

inline __mmask16 first_lanes(int r) { return static_cast<__mmask16>(r >= 16 ? 0xFFFFu : (1u << r) - 1u); }

// Taps p[i·sw] for i < r (sw ∈ {1, 2}); lanes ≥ r are zero and nothing past p[(r−1)·sw] is read.
inline __m512 load_tap(const float* p, int64_t sw, int r, __m512i evens) {
  if (sw == 1) return _mm512_maskz_loadu_ps(first_lanes(r), p);
  const int e = 2 * r - 1;
  const __m512 lo = _mm512_maskz_loadu_ps(first_lanes(e), p);
  const __m512 hi = _mm512_maskz_loadu_ps(first_lanes(e > 16 ? e - 16 : 0), p + 16);
  return _mm512_permutex2var_ps(lo, evens, hi);
}

}  // namespace

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx512) {
  const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i lane_sw = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32(static_cast<int>(sw)));
  for (int64_t j = 0; j < count; j += 16) {
    const int r = count - j < 16 ? static_cast<int>(count - j) : 16;
    const int64_t base = iy0 * w + ix0 + j * sw;
    __m512 m = load_tap(plane + base, sw, r, evens);
    __m512i id = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(base)), lane_sw);
    for (int64_t ky = 0; ky < nky; ++ky) {
      for (int64_t kx = ky == 0 ? 1 : 0; kx < kw; ++kx) {
        const int64_t at = base + ky * dh * w + kx * dw;
        const __m512 v = load_tap(plane + at, sw, r, evens);
        // Take v when it is larger, or when it is the window's first NaN (x86 max would drop NaN).
        const __mmask16 take = _mm512_cmp_ps_mask(v, m, _CMP_GT_OQ) |
                               (_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q) & _mm512_cmp_ps_mask(m, m, _CMP_ORD_Q));
        m = _mm512_mask_mov_ps(m, take, v);
        id = _mm512_mask_mov_epi32(id, take, _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(at)), lane_sw));
      }
    }
    _mm512_mask_storeu_ps(y + j, first_lanes(r), m);
    _mm512_mask_storeu_epi32(idx + j, first_lanes(r), id);
  }
}

NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx512) {
  const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512 div = _mm512_set1_ps(divisor);
  for (int64_t j = 0; j < count; j += 16) {
    const int r = count - j < 16 ? static_cast<int>(count - j) : 16;
    const float* p = plane + iy0 * w + ix0 + j * sw;
    __m512 sum = _mm512_setzero_ps();
    for (int64_t ky = 0; ky < nky; ++ky) {
      for (int64_t kx = 0; kx < kw; ++kx) sum = _mm512_add_ps(sum, load_tap(p + ky * w + kx, sw, r, evens));
    }
    _mm512_mask_storeu_ps(y + j, first_lanes(r), _mm512_div_ps(sum, div));
  }
}

}  // namespace nodegrad::kernels
