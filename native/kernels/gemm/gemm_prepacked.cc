// GEMM on pre-packed operands (layouts and contract in gemm_prepacked.h), built from the blocked GEMM's
// packing routines and micro-kernels.
#include "gemm_prepacked.h"

#include "gemm_config.h"

namespace nodegrad::kernels {

namespace {

constexpr int kMaxTile = 14 * 32;  // the largest mr * nr of any micro-kernel (as in gemm.cc)

int64_t round_up(int64_t a, int64_t b) { return (a + b - 1) / b * b; }
int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

}  // namespace

GemmPackedLayout gemm_packed_layout_f32(runtime::Isa isa) noexcept {
  const GemmConfigF32 cfg = gemm_config_f32(isa);
  return {cfg.ukernel, cfg.tile, cfg.pack_a_n, cfg.pack_b_t, cfg.pack_b_n, cfg.mr, cfg.nr};
}

int64_t gemm_packed_a_size_f32(const GemmPackedLayout& l, int64_t m, int64_t k) noexcept {
  return round_up(m, l.mr) * k;
}

int64_t gemm_packed_b_size_f32(const GemmPackedLayout& l, int64_t k, int64_t n) noexcept {
  return round_up(n, l.nr) * k;
}

void gemm_pack_a_block_f32(const GemmPackedLayout& l, int64_t m, int64_t k, int64_t i0, int64_t i1, int64_t p0,
                           int64_t p1, const float* a, int64_t lda, bool trans, float* packed_a) noexcept {
  if (p1 <= p0) return;
  i1 = min64(i1, m);
  // One call per panel: the panel's columns [p0, p1) are one contiguous run of (p1 - p0) * mr floats.
  for (int64_t i = i0; i < i1; i += l.mr) {
    const float* src = trans ? a + i : a + i * lda;
    float* dst = packed_a + i * k + p0 * l.mr;
    if (!trans && l.pack_a_n != nullptr) l.pack_a_n(min64(l.mr, i1 - i), p1 - p0, src, lda, dst);
    else gemm_pack_a_f32(l.mr, min64(l.mr, i1 - i), p1 - p0, src, lda, trans, dst);
  }
}

void gemm_pack_b_block_f32(const GemmPackedLayout& l, int64_t k, int64_t n, int64_t j0, int64_t j1, const float* b,
                           int64_t ldb, bool trans, float* packed_b) noexcept {
  j1 = min64(j1, n);
  if (k <= 0 || j1 <= j0) return;
  gemm_pack_b_isa_f32(l.nr, l.pack_b_t, l.pack_b_n, k, j1 - j0, trans ? b + j0 * ldb : b + j0, ldb, trans,
                      packed_b + j0 * k);
}

void gemm_packed_f32(const GemmPackedLayout& l, int64_t k, const float* packed_a, const float* packed_b, int64_t i0,
                     int64_t i1, int64_t j0, int64_t j1, float* c, int64_t ldc, float beta) noexcept {
  if (i1 <= i0 || j1 <= j0) return;
  if (k <= 0) {
    gemm_scale_c_f32(i1 - i0, j1 - j0, c + i0 * ldc + j0, ldc, beta);
    return;
  }
  const int MR = l.mr, NR = l.nr;
  alignas(64) float tile[kMaxTile];
  // One B panel (k x nr) stays in cache while every A panel of the block streams past it.
  for (int64_t jr = j0; jr < j1; jr += NR) {
    const int64_t nr = min64(NR, j1 - jr);
    const float* bp = packed_b + jr * k;
    for (int64_t ir = i0; ir < i1; ir += MR) {
      const int64_t mr = min64(MR, i1 - ir);
      const float* ap = packed_a + ir * k;
      float* cp = c + ir * ldc + jr;
      if (mr == MR && nr == NR) {
        l.ukernel(k, ap, MR, bp, NR, cp, ldc, 1.0f, beta);
      } else if (l.tile != nullptr) {
        l.tile(mr, nr, k, ap, 1, MR, bp, NR, cp, ldc, 1.0f, beta);  // packed A: row stride 1, column stride MR
      } else {
        l.ukernel(k, ap, MR, bp, NR, tile, NR, 1.0f, 0.0f);
        gemm_merge_tile_f32(mr, nr, tile, NR, cp, ldc, 1.0f, beta);
      }
    }
  }
}

}  // namespace nodegrad::kernels
