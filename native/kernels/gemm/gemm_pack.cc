// Packing and edge-tile helpers for the blocked GEMM. Layouts: gemm_pack.h.
#include "gemm_pack.h"

#include <cstring>

namespace nodegrad::kernels {

namespace {

// MR/NR as compile-time constants let the compiler unroll the per-k-step copies.
template <int MR>
void pack_a(int64_t mc, int64_t kc, const float* a, int64_t lda, bool trans, float* dst) noexcept {
  for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += kc * MR) {
    const int64_t rows = mc - i0 < MR ? mc - i0 : MR;
    if (trans) {
      // A stored k x m: the panel's rows are contiguous in each stored row.
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = a + p * lda + i0;
        float* d = dst + p * MR;
        if (rows == MR) {
          for (int i = 0; i < MR; ++i) d[i] = src[i];
        } else {
          for (int64_t i = 0; i < MR; ++i) d[i] = i < rows ? src[i] : 0.0f;
        }
      }
    } else if (rows == MR) {
      const float* src = a + i0 * lda;
      for (int64_t p = 0; p < kc; ++p) {
        float* d = dst + p * MR;
        for (int i = 0; i < MR; ++i) d[i] = src[i * lda + p];
      }
    } else {
      const float* src = a + i0 * lda;
      for (int64_t p = 0; p < kc; ++p) {
        float* d = dst + p * MR;
        for (int64_t i = 0; i < MR; ++i) d[i] = i < rows ? src[i * lda + p] : 0.0f;
      }
    }
  }
}

template <int NR>
void pack_b(int64_t kc, int64_t nc, const float* b, int64_t ldb, bool trans, float* dst) noexcept {
  for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += kc * NR) {
    const int64_t cols = nc - j0 < NR ? nc - j0 : NR;
    if (!trans) {
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = b + p * ldb + j0;
        float* d = dst + p * NR;
        if (cols == NR) {
          std::memcpy(d, src, sizeof(float) * NR);
        } else {
          for (int64_t j = 0; j < NR; ++j) d[j] = j < cols ? src[j] : 0.0f;
        }
      }
    } else if (cols == NR) {
      // B stored n x k: each packed k step gathers one element from each of NR stored rows.
      const float* src = b + j0 * ldb;
      for (int64_t p = 0; p < kc; ++p) {
        float* d = dst + p * NR;
        for (int j = 0; j < NR; ++j) d[j] = src[j * ldb + p];
      }
    } else {
      const float* src = b + j0 * ldb;
      for (int64_t p = 0; p < kc; ++p) {
        float* d = dst + p * NR;
        for (int64_t j = 0; j < NR; ++j) d[j] = j < cols ? src[j * ldb + p] : 0.0f;
      }
    }
  }
}

}  // namespace

void gemm_pack_a_f32(int mr, int64_t mc, int64_t kc, const float* a, int64_t lda, bool trans, float* dst) noexcept {
  switch (mr) {
    case 4: return pack_a<4>(mc, kc, a, lda, trans, dst);
    case 6: return pack_a<6>(mc, kc, a, lda, trans, dst);
    case 8: return pack_a<8>(mc, kc, a, lda, trans, dst);
    case 14: return pack_a<14>(mc, kc, a, lda, trans, dst);
    default: return;  // every micro-kernel's MR is listed above (checked by test_gemm)
  }
}

void gemm_pack_b_f32(int nr, int64_t kc, int64_t nc, const float* b, int64_t ldb, bool trans, float* dst) noexcept {
  switch (nr) {
    case 4: return pack_b<4>(kc, nc, b, ldb, trans, dst);
    case 12: return pack_b<12>(kc, nc, b, ldb, trans, dst);
    case 16: return pack_b<16>(kc, nc, b, ldb, trans, dst);
    case 32: return pack_b<32>(kc, nc, b, ldb, trans, dst);
    default: return;
  }
}

void gemm_pack_b_isa_f32(int nr, GemmPackBF32 pack_b_t, GemmPackBF32 pack_b_n, int64_t kc, int64_t nc, const float* b,
                         int64_t ldb, bool trans, float* dst) noexcept {
  const GemmPackBF32 isa_pack = trans ? pack_b_t : pack_b_n;
  if (isa_pack != nullptr) isa_pack(kc, nc, b, ldb, dst);
  else gemm_pack_b_f32(nr, kc, nc, b, ldb, trans, dst);
}

void gemm_merge_tile_f32(int64_t rows, int64_t cols, const float* tile, int64_t tile_ld, float* c, int64_t ldc,
                         float alpha, float beta) noexcept {
  for (int64_t i = 0; i < rows; ++i) {
    const float* t = tile + i * tile_ld;
    float* ci = c + i * ldc;
    if (beta == 0.0f) {
      for (int64_t j = 0; j < cols; ++j) ci[j] = alpha * t[j];
    } else {
      for (int64_t j = 0; j < cols; ++j) ci[j] = alpha * t[j] + beta * ci[j];
    }
  }
}

void gemm_scale_c_f32(int64_t m, int64_t n, float* c, int64_t ldc, float beta) noexcept {
  if (beta == 1.0f) return;
  for (int64_t i = 0; i < m; ++i) {
    float* ci = c + i * ldc;
    if (beta == 0.0f) {
      for (int64_t j = 0; j < n; ++j) ci[j] = 0.0f;
    } else {
      for (int64_t j = 0; j < n; ++j) ci[j] *= beta;
    }
  }
}

}  // namespace nodegrad::kernels
