// AVX-512 pooling micro-kernels: the shared bodies of pool_simd.h over 16-lane vectors, over the 8- and
// 4-lane vocabularies for rows of 8-15 and 4-7 outputs, and the scalar loop for rows of fewer than 4. Masked
// loads and stores are slow on some cores (AMD Zen 4/5), so rows that hold one full narrower vector take two
// overlapping unmasked ones instead. Max pooling on planes up to 16 wide has its own body here: one register
// per input row, taps picked out by lane permutes.
#include "pool_vec_avx2.h"
#include "pool_vec_avx512.h"
#include "pool_vec_sse.h"

#include "pool_simd.h"
#include "pool_simd_plane.h"

namespace nodegrad::kernels {

NODEGRAD_MAX_POOL_RUN(max_pool2d_run_f32__avx512) {
  if (run.count < 4) return max_pool2d_run_f32__scalar(run, y, idx);
  if (run.count < 8) return max_run<Sse>(run, y, idx);
  if (run.count < 16) return max_run<Avx2>(run, y, idx);
  max_run<Avx512>(run, y, idx);
}

NODEGRAD_MAX_POOL_PLANE(max_pool2d_plane_f32__avx512) {
  if (run.in_end - run.in_begin < 8) return max_plane<Sse>(run, y, idx);
  if (run.in_end - run.in_begin < 16) return max_plane<Avx2>(run, y, idx);
  max_plane<Avx512>(run, y, idx);
}
NODEGRAD_MAX_POOL_PLANE(max_pool2d_small_plane_f32__avx512) {
  using V = Avx512;
  const MaxPlaneRun& k = run;
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i first_col = _mm512_sub_epi32(_mm512_mullo_epi32(lane, V::set1i(k.sw)), V::set1i(k.pad_left));
  const __m512i zero = _mm512_setzero_si512(), last_col = V::set1i(k.w - 1);
  const int64_t size = k.h * k.w, out_size = k.oh * k.ow;
  // Zero-masking forms: GCC 12 warns on the undefined pass-through of the plain ones (as in the vocabulary).
  const auto clamp = [&](__m512i c) {
    return _mm512_maskz_min_epi32(0xFFFF, _mm512_maskz_max_epi32(0xFFFF, c, zero), last_col);
  };
  const auto tap = [](__m512i c, __m512 x) { return _mm512_maskz_permutexvar_ps(0xFFFF, c, x); };
  for (int64_t slot = 0; slot < k.kh; ++slot) k.ring_row[slot] = -1;
  for (int64_t oy = 0; oy < k.oh; ++oy) {
    const int64_t y0 = oy * k.sh - k.pad_top;
    const int64_t a = y0 < 0 ? 0 : y0, b = y0 + k.kh < k.h ? y0 + k.kh : k.h;
    const int64_t first = a % k.kh;
    for (int64_t iy = a, slot = first; iy < b; ++iy, slot = slot + 1 == k.kh ? 0 : slot + 1) {
      if (k.ring_row[slot] == iy) continue;
      const float* row = k.plane + iy * k.w;
      // The whole row in one register; reading on into the next row is harmless, past the plane is not.
      const __m512 x = iy * k.w + 16 <= size ? _mm512_loadu_ps(row)
                                             : _mm512_maskz_loadu_ps(V::first(static_cast<int>(k.w)), row);
      const __m512i at = V::set1i(iy * k.w);
      __m512i col = clamp(first_col);
      __m512 m = tap(col, x);
      __m512i id = _mm512_add_epi32(at, col);
      for (int64_t kx = 1; kx < k.kw; ++kx) {
        col = clamp(_mm512_add_epi32(first_col, V::set1i(kx)));
        const __m512 v = tap(col, x);
        const __mmask16 t = V::take(m, v);
        m = _mm512_mask_mov_ps(m, t, v);
        id = _mm512_mask_add_epi32(id, t, at, col);
      }
      _mm512_storeu_ps(k.ring + slot * 16, m);
      _mm512_storeu_si512(k.ring_idx + slot * 16, id);
      k.ring_row[slot] = iy;
    }
    __m512 m = _mm512_loadu_ps(k.ring + first * 16);
    __m512i id = _mm512_loadu_si512(k.ring_idx + first * 16);
    for (int64_t t = 1, slot = first; t < b - a; ++t) {
      slot = slot + 1 == k.kh ? 0 : slot + 1;
      const __m512 v = _mm512_loadu_ps(k.ring + slot * 16);
      const __mmask16 tk = V::take(m, v);
      m = _mm512_mask_mov_ps(m, tk, v);
      id = _mm512_mask_mov_epi32(id, tk, _mm512_loadu_si512(k.ring_idx + slot * 16));
    }
    // Rows are written in order, so a full store's spill into the next row is overwritten by that row.
    const int n = oy * k.ow + 16 <= out_size ? 16 : static_cast<int>(k.ow);
    V::store(y + oy * k.ow, m, n);
    V::storei(idx + oy * k.ow, id, n);
  }
}

NODEGRAD_AVG_POOL_RUN(avg_pool2d_run_f32__avx512) {
  if (run.count < 4) return avg_pool2d_run_f32__scalar(run, divisor, y);
  if (run.count < 8) return avg_run<Sse>(run, divisor, y);
  if (run.count < 16) return avg_run<Avx2>(run, divisor, y);
  avg_run<Avx512>(run, divisor, y);
}

NODEGRAD_MAX_POOL_BACKWARD_2X2(max_pool2d_backward_2x2s2_f32__avx512) {
  if (ow >= 4 && ow < 8) return max_backward_2x2<Sse>(oh, ow, dy, idx, dx);
  if (ow >= 8 && ow < 16) return max_backward_2x2<Avx2>(oh, ow, dy, idx, dx);
  return max_backward_2x2<Avx512>(oh, ow, dy, idx, dx);
}

NODEGRAD_AVG_POOL_BACKWARD_2X2(avg_pool2d_backward_2x2s2_f32__avx512) {
  if (ow >= 4 && ow < 8) return avg_backward_2x2<Sse>(oh, ow, dy, divisor, dx);
  if (ow >= 8 && ow < 16) return avg_backward_2x2<Avx2>(oh, ow, dy, divisor, dx);
  avg_backward_2x2<Avx512>(oh, ow, dy, divisor, dx);
}

NODEGRAD_PLANE_MEANS(plane_means_f32__avx512) {
  plane_means<Avx512>(planes, n, divisor, x, y);
}

}  // namespace nodegrad::kernels
