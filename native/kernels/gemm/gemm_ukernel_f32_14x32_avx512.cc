// AVX-512 micro-kernel: a 14x32 tile of C in 28 zmm accumulators (of 32). Per k step two B vectors are
// loaded and each of the 14 A values is broadcast into two FMAs: 28 independent chains hide the FMA
// latency on two 512-bit pipes, and 16 loads per 28 FMAs stay within the load ports.
// Contract: gemm_ukernel.h. No STL and no shared inline code in this file (compiled with -mavx512f ...).
#include <immintrin.h>

#include "gemm_ukernel.h"

namespace nodegrad::kernels {

void gemm_ukernel_f32_14x32__avx512(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                    float* c, int64_t ldc, float alpha, float beta) noexcept {
  constexpr int MR = 14;
  // Start fetching the C tile now: its lines (14 rows, often 4 KiB apart) would otherwise miss at the end.
#pragma GCC unroll 14
  for (int i = 0; i < MR; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 31), _MM_HINT_T0);
  }
  __m512 acc[MR][2];
#pragma GCC unroll 14
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 14
    for (int i = 0; i < MR; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += a_step;
    b += b_step;
  }
  const __m512 va = _mm512_set1_ps(alpha);
  if (beta == 0.0f) {
#pragma GCC unroll 14
    for (int i = 0; i < MR; ++i) {
      _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, acc[i][0]));
      _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, acc[i][1]));
    }
  } else {
    const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 14
    for (int i = 0; i < MR; ++i) {
      float* ci = c + i * ldc;
      _mm512_storeu_ps(ci, _mm512_fmadd_ps(vb, _mm512_loadu_ps(ci), _mm512_mul_ps(va, acc[i][0])));
      _mm512_storeu_ps(ci + 16, _mm512_fmadd_ps(vb, _mm512_loadu_ps(ci + 16), _mm512_mul_ps(va, acc[i][1])));
    }
  }
}

}  // namespace nodegrad::kernels
