#include "gemm.h"

namespace nodegrad::kernels {

void gemm_f32_reference(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
                        float* c, int64_t ldc, const GemmOptions& o) noexcept {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      float acc = 0.0f;
      if (o.alpha != 0.0f) {
        for (int64_t p = 0; p < k; ++p) {
          const float av = o.trans_a ? a[p * lda + i] : a[i * lda + p];
          const float bv = o.trans_b ? b[j * ldb + p] : b[p * ldb + j];
          acc += av * bv;
        }
      }
      float& cij = c[i * ldc + j];
      const float scaled = o.alpha == 0.0f ? 0.0f : o.alpha * acc;
      cij = o.beta == 0.0f ? scaled : scaled + o.beta * cij;
    }
  }
}

}  // namespace nodegrad::kernels
