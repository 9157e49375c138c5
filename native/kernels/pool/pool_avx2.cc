// AVX2 pooling micro-kernels, 8 outputs per vector (contract in pool_ukernel.h). Strided taps (sw = 2) are
// two masked loads and an even-lane shuffle; masked loads and stores cover the row's tail.
#include <immintrin.h>

#include "pool_ukernel.h"

namespace nodegrad::kernels {

namespace {

// Taps p[i·sw] for i < r (sw ∈ {1, 2}); lanes ≥ r are zero and nothing past p[(r−1)·sw] is read.
inline __m256 load_tap(const float* p, int64_t sw, int r, __m256i lane) {
  if (sw == 1) return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(r), lane));
  const int e = 2 * r - 1;
  const __m256 lo = _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(e), lane));
  const __m256 hi = _mm256_maskload_ps(p + 8, _mm256_cmpgt_epi32(_mm256_set1_epi32(e - 8), lane));
  const __m256 t = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));  // lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
}

}  // namespace

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx2) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i lane_sw = _mm256_mullo_epi32(lane, _mm256_set1_epi32(static_cast<int>(sw)));
  for (int64_t j = 0; j < count; j += 8) {
    const int r = count - j < 8 ? static_cast<int>(count - j) : 8;
    const int64_t base = iy0 * w + ix0 + j * sw;
    __m256 m = load_tap(plane + base, sw, r, lane);
    __m256i id = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(base)), lane_sw);
    for (int64_t ky = 0; ky < nky; ++ky) {
      for (int64_t kx = ky == 0 ? 1 : 0; kx < kw; ++kx) {
        const int64_t at = base + ky * dh * w + kx * dw;
        const __m256 v = load_tap(plane + at, sw, r, lane);
        // Take v when it is larger, or when it is the window's first NaN (x86 max would drop NaN).
        const __m256 first_nan = _mm256_andnot_ps(_mm256_cmp_ps(m, m, _CMP_UNORD_Q), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        const __m256 take = _mm256_or_ps(_mm256_cmp_ps(v, m, _CMP_GT_OQ), first_nan);
        m = _mm256_blendv_ps(m, v, take);
        const __m256i at_id = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(at)), lane_sw);
        id = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(id), _mm256_castsi256_ps(at_id), take));
      }
    }
    if (r == 8) {
      _mm256_storeu_ps(y + j, m);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(idx + j), id);
    } else {
      const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(r), lane);
      _mm256_maskstore_ps(y + j, keep, m);
      _mm256_maskstore_epi32(idx + j, keep, id);
    }
  }
}

NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx2) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256 div = _mm256_set1_ps(divisor);
  for (int64_t j = 0; j < count; j += 8) {
    const int r = count - j < 8 ? static_cast<int>(count - j) : 8;
    const float* p = plane + iy0 * w + ix0 + j * sw;
    __m256 sum = _mm256_setzero_ps();
    for (int64_t ky = 0; ky < nky; ++ky) {
      for (int64_t kx = 0; kx < kw; ++kx) sum = _mm256_add_ps(sum, load_tap(p + ky * w + kx, sw, r, lane));
    }
    const __m256 out = _mm256_div_ps(sum, div);
    if (r == 8) {
      _mm256_storeu_ps(y + j, out);
    } else {
      _mm256_maskstore_ps(y + j, _mm256_cmpgt_epi32(_mm256_set1_epi32(r), lane), out);
    }
  }
}

}  // namespace nodegrad::kernels
