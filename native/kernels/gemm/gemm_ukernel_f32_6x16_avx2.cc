// AVX2+FMA micro-kernels: a 6x16 tile of C in 12 ymm accumulators; per k step two B vectors are loaded and
// each of the 6 A values is broadcast into two FMAs (12 independent chains cover the FMA latency x 2 pipes).
// The tile kernel runs the same code instantiated for 1..6 rows and one or two vectors, the last one masked
// (vmaskmov: masked-off lanes are neither read nor written), and for A read along its stored rows: see the
// AVX-512 file for why.
// Contract: gemm_ukernel.h. No STL and no shared inline code in this file (compiled with -mavx2 -mfma).
#include <immintrin.h>

#include "gemm_ukernel.h"

namespace nodegrad::kernels {

namespace {

// R rows x V vectors of 8 columns; when kMasked, the last vector's columns are limited by `mask`.
// A(i, p) = a[i * a_rs + p * a_cs] (a_rs is 1 unless kRowsA).
template <int R, int V, bool kMasked, bool kRowsA>
__attribute__((always_inline)) inline void tile(int64_t kc, const float* a, int64_t a_rs, int64_t a_cs,
                                                const float* b, int64_t b_step, float* c, int64_t ldc, float alpha,
                                                float beta, __m256i mask) noexcept {
  // Start fetching the C tile now: its rows (often 4 KiB apart) would otherwise miss at the end.
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    if (V == 2) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 15), _MM_HINT_T0);
  }
  __m256 acc[R][V];
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) {
    for (int v = 0; v < V; ++v) acc[i][v] = _mm256_setzero_ps();
  }
  for (int64_t p = 0; p < kc; ++p) {
    __m256 bv[V];
    for (int v = 0; v < V - 1; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
    bv[V - 1] = kMasked ? _mm256_maskload_ps(b + 8 * (V - 1), mask) : _mm256_loadu_ps(b + 8 * (V - 1));
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + (kRowsA ? i * a_rs : i));
      for (int v = 0; v < V; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += a_cs;
    b += b_step;
  }
  const __m256 va = _mm256_set1_ps(alpha);
  if (beta == 0.0f) {
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i) {
      float* ci = c + i * ldc;
      for (int v = 0; v < V - 1; ++v) _mm256_storeu_ps(ci + 8 * v, _mm256_mul_ps(va, acc[i][v]));
      const __m256 last = _mm256_mul_ps(va, acc[i][V - 1]);
      if (kMasked) _mm256_maskstore_ps(ci + 8 * (V - 1), mask, last);
      else _mm256_storeu_ps(ci + 8 * (V - 1), last);
    }
  } else {
    const __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i) {
      float* ci = c + i * ldc;
      for (int v = 0; v < V - 1; ++v) {
        _mm256_storeu_ps(ci + 8 * v, _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8 * v), _mm256_mul_ps(va, acc[i][v])));
      }
      float* cv = ci + 8 * (V - 1);
      if (kMasked) {
        _mm256_maskstore_ps(cv, mask, _mm256_fmadd_ps(vb, _mm256_maskload_ps(cv, mask), _mm256_mul_ps(va, acc[i][V - 1])));
      } else {
        _mm256_storeu_ps(cv, _mm256_fmadd_ps(vb, _mm256_loadu_ps(cv), _mm256_mul_ps(va, acc[i][V - 1])));
      }
    }
  }
}

// Lanes j < count set.
__attribute__((always_inline)) inline __m256i first_lanes(int64_t count) noexcept {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

template <int R, bool kRowsA>
void rows(int64_t nr, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* b, int64_t b_step,
          float* c, int64_t ldc, float alpha, float beta) noexcept {
  if (nr <= 8) {
    tile<R, 1, true, kRowsA>(kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta, first_lanes(nr));
  } else {
    tile<R, 2, true, kRowsA>(kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta, first_lanes(nr - 8));
  }
}

template <bool kRowsA>
void any_tile(int64_t mr, int64_t nr, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* b,
              int64_t b_step, float* c, int64_t ldc, float alpha, float beta) noexcept {
  switch (mr) {
    case 1: return rows<1, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 2: return rows<2, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 3: return rows<3, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 4: return rows<4, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 5: return rows<5, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    default:
      if (nr == 16) {
        return tile<6, 2, false, kRowsA>(kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta, _mm256_setzero_si256());
      }
      return rows<6, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
  }
}

}  // namespace

void gemm_ukernel_f32_6x16__avx2(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                 float* c, int64_t ldc, float alpha, float beta) noexcept {
  tile<6, 2, false, false>(kc, a, 1, a_step, b, b_step, c, ldc, alpha, beta, _mm256_setzero_si256());
}

void gemm_ukernel_tile_f32_6x16__avx2(int64_t mr, int64_t nr, int64_t kc, const float* a, int64_t a_rs,
                                      int64_t a_cs, const float* b, int64_t b_step, float* c, int64_t ldc,
                                      float alpha, float beta) noexcept {
  if (a_rs == 1) return any_tile<false>(mr, nr, kc, a, 1, a_cs, b, b_step, c, ldc, alpha, beta);
  return any_tile<true>(mr, nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
}

}  // namespace nodegrad::kernels
