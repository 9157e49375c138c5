// NEON packing of the operands whose panels run across their stored rows (A not transposed, B transposed):
// 4 stored rows x 4 k values are loaded, transposed in registers (vtrn + vcombine) and stored as 4 packed k
// steps, instead of gathering one float at a time; and B not transposed (panels that are runs of its stored
// rows) by whole vectors. Partial panels are zero-padded: NEON has no tile kernel, so the full micro-kernel
// reads them. Layouts: gemm_pack.h.
// No STL and no shared inline code in this file.
#include <arm_neon.h>

#include "gemm_pack.h"

namespace nodegrad::kernels {

namespace {

// For p < kc: dst[p * dst_ld + i] = src[i * ld + p] for i < rows (<= 4), 0 for rows <= i < 4. Reads nothing
// past row `rows - 1` or column kc - 1.
void pack_rows4(const float* src, int64_t ld, int rows, int64_t kc, float* dst, int64_t dst_ld) noexcept {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  int64_t p0 = 0;
  for (; p0 + 4 <= kc; p0 += 4) {
    float32x4_t r[4];
    for (int i = 0; i < 4; ++i) r[i] = i < rows ? vld1q_f32(src + i * ld + p0) : zero;
    const float32x4x2_t t01 = vtrnq_f32(r[0], r[1]), t23 = vtrnq_f32(r[2], r[3]);
    float* d = dst + p0 * dst_ld;
    vst1q_f32(d, vcombine_f32(vget_low_f32(t01.val[0]), vget_low_f32(t23.val[0])));
    vst1q_f32(d + dst_ld, vcombine_f32(vget_low_f32(t01.val[1]), vget_low_f32(t23.val[1])));
    vst1q_f32(d + 2 * dst_ld, vcombine_f32(vget_high_f32(t01.val[0]), vget_high_f32(t23.val[0])));
    vst1q_f32(d + 3 * dst_ld, vcombine_f32(vget_high_f32(t01.val[1]), vget_high_f32(t23.val[1])));
  }
  for (; p0 < kc; ++p0) {  // the last kc % 4 steps
    float* d = dst + p0 * dst_ld;
    for (int i = 0; i < 4; ++i) d[i] = i < rows ? src[i * ld + p0] : 0.0f;
  }
}

// Packs `count` rows of src (each kc long, ld apart) into panels of `width` rows (a multiple of 4), four
// rows at a time; rows past `count` are packed as zeros.
void pack_panels(int width, int64_t count, int64_t kc, const float* src, int64_t ld, float* dst) noexcept {
  for (int64_t r0 = 0; r0 < count; r0 += width, dst += kc * width) {
    for (int g = 0; g < width / 4; ++g) {
      const int64_t rows = count - r0 - 4 * g;
      pack_rows4(rows > 0 ? src + (r0 + 4 * g) * ld : src, ld, static_cast<int>(rows < 0 ? 0 : rows > 4 ? 4 : rows),
                 kc, dst + 4 * g, width);
    }
  }
}

}  // namespace

void gemm_pack_a_f32_8__neon(int64_t mc, int64_t kc, const float* a, int64_t lda, float* dst) noexcept {
  pack_panels(8, mc, kc, a, lda, dst);
}

void gemm_pack_b_f32_12__neon(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept {
  pack_panels(12, nc, kc, b, ldb, dst);
}

void gemm_pack_b_n_f32_12__neon(int64_t kc, int64_t nc, const float* b, int64_t ldb, float* dst) noexcept {
  constexpr int NR = 12;
  const int64_t full = nc / NR, cols = nc - full * NR;
  for (int64_t q = 0; q < full; ++q, b += NR, dst += kc * NR) {
    for (int64_t p = 0; p < kc; ++p) {
      const float* src = b + p * ldb;
      float* d = dst + p * NR;
      vst1q_f32(d, vld1q_f32(src));
      vst1q_f32(d + 4, vld1q_f32(src + 4));
      vst1q_f32(d + 8, vld1q_f32(src + 8));
    }
  }
  if (cols == 0) return;
  // The partial panel: whole vectors where the valid columns fill them, then the rest one by one.
  const int64_t vecs = cols / 4;
  const float32x4_t zero = vdupq_n_f32(0.0f);
  for (int64_t p = 0; p < kc; ++p) {
    const float* src = b + p * ldb;
    float* d = dst + p * NR;
    for (int64_t v = 0; v < 3; ++v) vst1q_f32(d + 4 * v, v < vecs ? vld1q_f32(src + 4 * v) : zero);
    for (int64_t j = vecs * 4; j < cols; ++j) d[j] = src[j];
  }
}

}  // namespace nodegrad::kernels
