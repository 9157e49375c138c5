// AVX2 packing of the operands whose panels run across their stored rows (A not transposed, B transposed):
// 8 stored rows x 8 k values are loaded, transposed in registers (24 shuffles) and stored as 8 packed k
// steps, instead of gathering one float at a time; and of those whose panels are runs of their stored rows
// (A transposed, B not transposed), by whole vectors. Layouts: gemm_pack.h.
// No STL and no shared inline code in this file (compiled with -mavx2 -mfma).
#include <immintrin.h>

#include "gemm_pack.h"

namespace nodegrad::kernels {

namespace {

// In place: r[i][j] becomes r[j][i] for an 8x8 block held in 8 vectors.
__attribute__((always_inline)) inline void transpose8(__m256 r[8]) noexcept {
  __m256 t[8], s[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  // s[4g + c], 128-bit lane L: column 4L + c of rows 4g .. 4g + 3.
  for (int g = 0; g < 8; g += 4) {
    s[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
    s[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xee);
    s[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
    s[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xee);
  }
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2f128_ps(s[c], s[4 + c], 0x20);
    r[4 + c] = _mm256_permute2f128_ps(s[c], s[4 + c], 0x31);
  }
}

__attribute__((always_inline)) inline __m256i first_lanes(int64_t count) noexcept {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// For p < kc: dst[p * dst_ld + i] = src[i * ld + p] for i < rows (<= 8), 0 for rows <= i < 8, writing only
// the lanes in store_mask. Reads nothing past row `rows - 1` or column kc - 1.
void pack_rows(const float* src, int64_t ld, int rows, int64_t kc, float* dst, int64_t dst_ld,
               __m256i store_mask) noexcept {
  for (int64_t p0 = 0; p0 < kc; p0 += 8) {
    const int64_t steps = kc - p0 < 8 ? kc - p0 : 8;
    const __m256i load_mask = first_lanes(steps);
    __m256 r[8];
    for (int i = 0; i < 8; ++i) r[i] = i < rows ? _mm256_maskload_ps(src + i * ld + p0, load_mask) : _mm256_setzero_ps();
    transpose8(r);
    float* d = dst + p0 * dst_ld;
    for (int q = 0; q < steps; ++q) _mm256_maskstore_ps(d + q * dst_ld, store_mask, r[q]);
  }
}

}  // namespace

void gemm_pack_a_f32_6__avx2(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept {
  constexpr int MR = 6;
  for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += kc * MR) {
    const int rows = static_cast<int>(mc - i0 < MR ? mc - i0 : MR);
    pack_rows(a + i0 * lda, lda, rows, kc, dst, MR, first_lanes(MR));
  }
}

void gemm_pack_a_t_f32_6__avx2(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept {
  constexpr int MR = 6;
  const int64_t full = mc / MR, rows = mc - full * MR;
  // Stored row by stored row (each read once, in order), dealt out to every panel as 4 + 2 floats (masked
  // stores are slow on some cores); the partial panel's run is masked on load and zero-padded.
  const __m256i last = first_lanes(rows);
  for (int64_t p = 0; p < kc; ++p) {
    const float* src = a + p * lda;
    float* d = dst + p * MR;
    for (int64_t q = 0; q < full; ++q) {
      const float* s = src + q * MR;
      float* o = d + q * kc * MR;
      _mm_storeu_ps(o, _mm_loadu_ps(s));
      _mm_storel_pi(reinterpret_cast<__m64*>(o + 4), _mm_loadl_pi(_mm_setzero_ps(), reinterpret_cast<const __m64*>(s + 4)));
    }
    if (rows > 0) {
      const __m256 v = _mm256_maskload_ps(src + full * MR, last);
      float* o = d + full * kc * MR;
      _mm_storeu_ps(o, _mm256_castps256_ps128(v));
      _mm_storel_pi(reinterpret_cast<__m64*>(o + 4), _mm256_extractf128_ps(v, 1));
    }
  }
}

void gemm_pack_b_f32_16__avx2(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept {
  constexpr int NR = 16;
  for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += kc * NR) {
    const int64_t cols = nc - j0 < NR ? nc - j0 : NR;
    for (int h = 0; h < 2; ++h) {
      const int64_t rows = cols - 8 * h;  // columns past the edge: zeros, or nothing for a half past it
      if (rows <= 0) break;
      pack_rows(b + (j0 + 8 * h) * ldb, ldb, static_cast<int>(rows), kc, dst + 8 * h,
                NR, first_lanes(8));
    }
  }
}

void gemm_pack_b_n_f32_16__avx2(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept {
  constexpr int NR = 16;
  const int64_t full = nc / NR, cols = nc - full * NR;
  for (int64_t q = 0; q < full; ++q, b += NR, dst += kc * NR) {
    for (int64_t p = 0; p < kc; ++p) {
      const float* src = b + p * ldb;
      _mm256_storeu_ps(dst + p * NR, _mm256_loadu_ps(src));
      _mm256_storeu_ps(dst + p * NR + 8, _mm256_loadu_ps(src + 8));
    }
  }
  if (cols == 0) return;
  // The partial panel: masked loads, zero-padded like the portable pack.
  const __m256i lo = first_lanes(cols), hi = first_lanes(cols - 8);
  for (int64_t p = 0; p < kc; ++p) {
    const float* src = b + p * ldb;
    _mm256_storeu_ps(dst + p * NR, _mm256_maskload_ps(src, lo));
    _mm256_storeu_ps(dst + p * NR + 8, _mm256_maskload_ps(src + 8, hi));
  }
}

}  // namespace nodegrad::kernels
