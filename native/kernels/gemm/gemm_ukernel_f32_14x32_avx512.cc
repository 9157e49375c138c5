// AVX-512 micro-kernels: a 14x32 tile of C in 28 zmm accumulators (of 32). Per k step two B vectors are
// loaded and each of the 14 A values is broadcast into two FMAs: 28 independent chains hide the FMA
// latency on two 512-bit pipes, and 16 loads per 28 FMAs stay within the load ports.
// The tile kernel runs the same code instantiated for 1..14 rows and one or two vectors, the last one
// masked, and for A read along its stored rows (A not transposed, in place): partial tiles need neither a
// scratch tile nor zero-padded panels, small problems need no packing of A, and every element of C is
// computed by the same FMA sequence whichever variant runs.
// Contract: gemm_ukernel.h. No STL and no shared inline code in this file (compiled with -mavx512f ...).
#include <immintrin.h>

#include "gemm_ukernel.h"

namespace nodegrad::kernels {

namespace {

// R rows x V vectors of 16 columns; when kMasked, the last vector's columns are limited by `mask`.
// A(i, p) = a[i * a_rs + p * a_cs] (a_rs is 1 unless kRowsA).
template <int R, int V, bool kMasked, bool kRowsA>
__attribute__((always_inline)) inline void tile(int64_t kc, const float* a, int64_t a_rs, int64_t a_cs,
                                                const float* b, int64_t b_step, float* c, int64_t ldc, float alpha,
                                                float beta, __mmask16 mask) noexcept {
  // Start fetching the C tile now: its lines (rows often 4 KiB apart) would otherwise miss at the end.
#pragma GCC unroll 14
  for (int i = 0; i < R; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    if (V == 2) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 31), _MM_HINT_T0);
  }
  __m512 acc[R][V];
#pragma GCC unroll 14
  for (int i = 0; i < R; ++i) {
    for (int v = 0; v < V; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < kc; ++p) {
    __m512 bv[V];
    for (int v = 0; v < V - 1; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
    bv[V - 1] = kMasked ? _mm512_maskz_loadu_ps(mask, b + 16 * (V - 1)) : _mm512_loadu_ps(b + 16 * (V - 1));
#pragma GCC unroll 14
    for (int i = 0; i < R; ++i) {
      const __m512 ai = _mm512_set1_ps(a[kRowsA ? i * a_rs : i]);
      for (int v = 0; v < V; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += a_cs;
    b += b_step;
  }
  const __m512 va = _mm512_set1_ps(alpha);
  if (beta == 0.0f) {
#pragma GCC unroll 14
    for (int i = 0; i < R; ++i) {
      float* ci = c + i * ldc;
      for (int v = 0; v < V - 1; ++v) _mm512_storeu_ps(ci + 16 * v, _mm512_mul_ps(va, acc[i][v]));
      const __m512 last = _mm512_mul_ps(va, acc[i][V - 1]);
      if (kMasked) _mm512_mask_storeu_ps(ci + 16 * (V - 1), mask, last);
      else _mm512_storeu_ps(ci + 16 * (V - 1), last);
    }
  } else {
    const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 14
    for (int i = 0; i < R; ++i) {
      float* ci = c + i * ldc;
      for (int v = 0; v < V - 1; ++v) {
        _mm512_storeu_ps(ci + 16 * v, _mm512_fmadd_ps(vb, _mm512_loadu_ps(ci + 16 * v), _mm512_mul_ps(va, acc[i][v])));
      }
      float* cv = ci + 16 * (V - 1);
      if (kMasked) {
        _mm512_mask_storeu_ps(cv, mask, _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, cv), _mm512_mul_ps(va, acc[i][V - 1])));
      } else {
        _mm512_storeu_ps(cv, _mm512_fmadd_ps(vb, _mm512_loadu_ps(cv), _mm512_mul_ps(va, acc[i][V - 1])));
      }
    }
  }
}

template <int R, bool kRowsA>
void rows(int64_t nr, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* b, int64_t b_step,
          float* c, int64_t ldc, float alpha, float beta) noexcept {
  if (nr <= 16) {
    tile<R, 1, true, kRowsA>(kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta, static_cast<__mmask16>((1u << nr) - 1));
  } else {
    tile<R, 2, true, kRowsA>(kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta,
                             static_cast<__mmask16>((1u << (nr - 16)) - 1));
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
    case 6: return rows<6, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 7: return rows<7, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 8: return rows<8, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 9: return rows<9, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 10: return rows<10, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 11: return rows<11, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 12: return rows<12, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    case 13: return rows<13, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
    default:
      if (nr == 32) {
        return tile<14, 2, false, kRowsA>(kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta, static_cast<__mmask16>(0xffff));
      }
      return rows<14, kRowsA>(nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
  }
}

}  // namespace

void gemm_ukernel_f32_14x32__avx512(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                    float* c, int64_t ldc, float alpha, float beta) noexcept {
  tile<14, 2, false, false>(kc, a, 1, a_step, b, b_step, c, ldc, alpha, beta, static_cast<__mmask16>(0xffff));
}

void gemm_ukernel_tile_f32_14x32__avx512(int64_t mr, int64_t nr, int64_t kc, const float* a, int64_t a_rs,
                                         int64_t a_cs, const float* b, int64_t b_step, float* c, int64_t ldc,
                                         float alpha, float beta) noexcept {
  if (a_rs == 1) return any_tile<false>(mr, nr, kc, a, 1, a_cs, b, b_step, c, ldc, alpha, beta);
  return any_tile<true>(mr, nr, kc, a, a_rs, a_cs, b, b_step, c, ldc, alpha, beta);
}

}  // namespace nodegrad::kernels
