// AVX-512 packing of the operands whose panels run across their stored rows (A not transposed, B
// transposed): 16 stored rows x 16 k values are loaded, transposed in registers (64 shuffles) and stored as
// 16 packed k steps, instead of gathering one float at a time; and of those whose panels are runs of their
// stored rows (A transposed, B not transposed), by whole vectors. Layouts: gemm_pack.h.
// No STL and no shared inline code in this file (compiled with -mavx512f ...).
// GCC 12 warns inside its own intrinsics headers (_mm512_undefined_ps initialises itself): a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <immintrin.h>

#include "gemm_pack.h"

namespace nodegrad::kernels {

namespace {

// In place: r[i][j] becomes r[j][i] for a 16x16 block held in 16 vectors.
__attribute__((always_inline)) inline void transpose16(__m512 r[16]) noexcept {
  __m512 t[16], u[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  // u[4g + c], 128-bit lane L: column 4L + c of rows 4g .. 4g + 3.
  for (int g = 0; g < 16; g += 4) {
    for (int h = 0; h < 2; ++h) {
      const __m512d x = _mm512_castps_pd(t[g + h]), y = _mm512_castps_pd(t[g + h + 2]);
      u[g + 2 * h] = _mm512_castpd_ps(_mm512_unpacklo_pd(x, y));
      u[g + 2 * h + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(x, y));
    }
  }
  for (int c = 0; c < 4; ++c) {
    const __m512 lo01 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44), lo23 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44);
    const __m512 hi01 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xee), hi23 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xee);
    r[c] = _mm512_shuffle_f32x4(lo01, lo23, 0x88);
    r[4 + c] = _mm512_shuffle_f32x4(lo01, lo23, 0xdd);
    r[8 + c] = _mm512_shuffle_f32x4(hi01, hi23, 0x88);
    r[12 + c] = _mm512_shuffle_f32x4(hi01, hi23, 0xdd);
  }
}

// For p < kc: dst[p * dst_ld + i] = src[i * ld + p] for i < rows (<= 16), 0 for rows <= i < 16, writing only
// the lanes in store_mask. Reads nothing past row `rows - 1` or column kc - 1.
void pack_rows(const float* src, int64_t ld, int rows, int64_t kc, float* dst, int64_t dst_ld,
               __mmask16 store_mask) noexcept {
  for (int64_t p0 = 0; p0 < kc; p0 += 16) {
    const int64_t steps = kc - p0 < 16 ? kc - p0 : 16;
    const __mmask16 load_mask = static_cast<__mmask16>((1u << steps) - 1);
    __m512 r[16];
    for (int i = 0; i < 16; ++i) {
      r[i] = i < rows ? _mm512_maskz_loadu_ps(load_mask, src + i * ld + p0) : _mm512_setzero_ps();
    }
    transpose16(r);
    float* d = dst + p0 * dst_ld;
    for (int q = 0; q < steps; ++q) _mm512_mask_storeu_ps(d + q * dst_ld, store_mask, r[q]);
  }
}

}  // namespace

void gemm_pack_a_f32_14__avx512(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept {
  constexpr int MR = 14;
  for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += kc * MR) {
    const int rows = static_cast<int>(mc - i0 < MR ? mc - i0 : MR);
    pack_rows(a + i0 * lda, lda, rows, kc, dst, MR, static_cast<__mmask16>((1u << MR) - 1));
  }
}

void gemm_pack_a_t_f32_14__avx512(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept {
  constexpr int MR = 14;
  constexpr __mmask16 kPanel = static_cast<__mmask16>((1u << MR) - 1);
  const int64_t full = mc / MR, rows = mc - full * MR;
  const __mmask16 last = static_cast<__mmask16>((1u << rows) - 1);
  // Stored row by stored row (each read once, in order), dealt out to every panel: a panel-by-panel walk
  // would read a 56-byte run of each row lda apart, which at lda = 1024 floats maps every run to one L1 set.
  for (int64_t p = 0; p < kc; ++p) {
    const float* src = a + p * lda;
    float* d = dst + p * MR;
    for (int64_t q = 0; q < full; ++q) {
      _mm512_mask_storeu_ps(d + q * kc * MR, kPanel, _mm512_maskz_loadu_ps(kPanel, src + q * MR));
    }
    if (rows > 0) _mm512_mask_storeu_ps(d + full * kc * MR, kPanel, _mm512_maskz_loadu_ps(last, src + full * MR));
  }
}

void gemm_pack_b_f32_32__avx512(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept {
  constexpr int NR = 32;
  for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += kc * NR) {
    const int64_t cols = nc - j0 < NR ? nc - j0 : NR;
    for (int h = 0; h < 2; ++h) {
      const int64_t rows = cols - 16 * h;  // columns past the edge: zeros, or nothing for a half past it
      if (rows <= 0) break;
      pack_rows(b + (j0 + 16 * h) * ldb, ldb, static_cast<int>(rows), kc, dst + 16 * h,
                NR, static_cast<__mmask16>(0xffff));
    }
  }
}

void gemm_pack_b_n_f32_32__avx512(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept {
  constexpr int NR = 32;
  const int64_t full = nc / NR, cols = nc - full * NR;
  for (int64_t q = 0; q < full; ++q, b += NR, dst += kc * NR) {
    for (int64_t p = 0; p < kc; ++p) {
      const float* src = b + p * ldb;
      _mm512_storeu_ps(dst + p * NR, _mm512_loadu_ps(src));
      _mm512_storeu_ps(dst + p * NR + 16, _mm512_loadu_ps(src + 16));
    }
  }
  if (cols == 0) return;
  // The partial panel: masked loads, zero-padded like the portable pack.
  const __mmask16 lo = static_cast<__mmask16>((1u << (cols < 16 ? cols : 16)) - 1);
  const __mmask16 hi = static_cast<__mmask16>(cols > 16 ? (1u << (cols - 16)) - 1 : 0);
  for (int64_t p = 0; p < kc; ++p) {
    const float* src = b + p * ldb;
    _mm512_storeu_ps(dst + p * NR, _mm512_maskz_loadu_ps(lo, src));
    _mm512_storeu_ps(dst + p * NR + 16, _mm512_maskz_loadu_ps(hi, src + 16));
  }
}

}  // namespace nodegrad::kernels
