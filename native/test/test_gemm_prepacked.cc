// The pre-packed GEMM (native/kernels/gemm/gemm_prepacked.h) on every ISA this CPU runs:
//   - against a float64 reference, for sizes straddling each micro-kernel's mr and nr, both storage orders of
//     A and B, beta 0 (a NaN already in C must not leak) and beta 1, with A packed in column and row blocks
//     (as the recurrent drivers do, one block per task), B in column blocks and C computed in blocks;
//   - every split of C and of the packing gives bitwise the same results as one whole block;
//   - nothing outside the addressed block of C is written (NaN sentinels around it) and no operand is read
//     past its end (guard pages).
#include <cmath>
#include <cstring>
#include <vector>

#include "../kernels/gemm/gemm_prepacked.h"
#include "check.h"

using namespace nodegrad;
using namespace nodegrad::kernels;
using runtime::Isa;

namespace {

constexpr double kEps32 = 0x1.0p-23;

struct Split {
  int64_t rows, cols;  // block sizes of C (multiples of mr / nr)
  int64_t depth;       // width of the column blocks A is packed in
};

// C (m x n, ldc = n + 3, sentinel NaN outside the block) computed blockwise from A and B packed blockwise.
std::vector<float> run(const GemmPackedLayout& l, int64_t m, int64_t n, int64_t k, const float* a, bool ta,
                       const float* b, bool tb, float beta, const std::vector<float>& c0, const Split& sp) {
  test::GuardedBuffer<float> pa(static_cast<size_t>(gemm_packed_a_size_f32(l, m, k)));
  test::GuardedBuffer<float> pb(static_cast<size_t>(gemm_packed_b_size_f32(l, k, n)));
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  for (int64_t i = 0; i < m; i += sp.rows) {
    for (int64_t p = 0; p < k; p += sp.depth) {
      gemm_pack_a_block_f32(l, m, k, i, i + sp.rows, p, p + sp.depth < k ? p + sp.depth : k, a + (ta ? p * lda : p), lda,
                            ta, pa.data());
    }
  }
  for (int64_t j = 0; j < n; j += sp.cols) gemm_pack_b_block_f32(l, k, n, j, j + sp.cols, b, ldb, tb, pb.data());
  std::vector<float> c = c0;
  for (int64_t i = 0; i < m; i += sp.rows) {
    for (int64_t j = 0; j < n; j += sp.cols) {
      gemm_packed_f32(l, k, pa.data(), pb.data(), i, i + sp.rows < m ? i + sp.rows : m, j, j + sp.cols < n ? j + sp.cols : n,
                      c.data(), n + 3, beta);
    }
  }
  return c;
}

void check_case(Isa isa, int64_t m, int64_t n, int64_t k, bool ta, bool tb, float beta, test::Rng& rng) {
  const GemmPackedLayout l = gemm_packed_layout_f32(isa);
  test::GuardedBuffer<float> a(static_cast<size_t>(m * k)), b(static_cast<size_t>(k * n));
  for (size_t i = 0; i < a.size(); ++i) a[i] = rng.uniform();
  for (size_t i = 0; i < b.size(); ++i) b[i] = rng.uniform();
  const int64_t ldc = n + 3;
  std::vector<float> c0(static_cast<size_t>(m * ldc), std::nanf("1"));
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) c0[i * ldc + j] = beta == 0.0f ? std::nanf("2") : rng.uniform();
  }
  const std::vector<float> whole = run(l, m, n, k, a.data(), ta, b.data(), tb, beta, c0, {m + l.mr, n + l.nr, k + 1});
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const float got = whole[i * ldc + j];
      if (j >= n) {
        CHECK_MSG(std::isnan(got), "%d m=%lld n=%lld k=%lld: wrote C(%lld, %lld) outside the block", int(isa),
                  (long long)m, (long long)n, (long long)k, (long long)i, (long long)j);
        continue;
      }
      double ref = beta == 0.0f ? 0.0 : double(beta) * c0[i * ldc + j], mag = std::fabs(ref);
      for (int64_t p = 0; p < k; ++p) {
        const double x = ta ? a[p * m + i] : a[i * k + p], y = tb ? b[j * k + p] : b[p * n + j];
        ref += x * y;
        mag += std::fabs(x * y);
      }
      CHECK_MSG(std::fabs(got - ref) <= (k + 2) * kEps32 * mag + 1e-30,
                "%d m=%lld n=%lld k=%lld ta=%d tb=%d beta=%g: C(%lld, %lld) = %.9g, expected %.9g", int(isa), (long long)m,
                (long long)n, (long long)k, ta, tb, beta, (long long)i, (long long)j, got, ref);
    }
  }
  // Blocks of one tile, of a few tiles, and A packed a few columns at a time: bitwise the whole result.
  for (const Split sp : {Split{l.mr, l.nr, 1}, Split{2 * l.mr, 3 * l.nr, 5}, Split{l.mr, 2 * l.nr, k / 2 + 1}}) {
    const std::vector<float> c = run(l, m, n, k, a.data(), ta, b.data(), tb, beta, c0, sp);
    CHECK_MSG(std::memcmp(c.data(), whole.data(), c.size() * sizeof(float)) == 0,
              "%d m=%lld n=%lld k=%lld: splitting C %lldx%lld (A by %lld columns) changes the results", int(isa),
              (long long)m, (long long)n, (long long)k, (long long)sp.rows, (long long)sp.cols, (long long)sp.depth);
  }
}

}  // namespace

int main() {
  test::Rng rng(17);
  const runtime::CpuFeatures f = runtime::detect_cpu_features();
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (!runtime::isa_supported(f, isa)) continue;
    const GemmPackedLayout l = gemm_packed_layout_f32(isa);
    int cases = 0;
    for (int64_t m : {int64_t{1}, int64_t{l.mr - 1}, int64_t{l.mr}, int64_t{l.mr + 1}, int64_t{2 * l.mr + 3}}) {
      for (int64_t n : {int64_t{1}, int64_t{l.nr - 1}, int64_t{l.nr}, int64_t{2 * l.nr + 5}}) {
        for (int64_t k : {int64_t{1}, int64_t{7}, int64_t{64}}) {
          if (m < 1 || n < 1) continue;
          for (int t = 0; t < 4; ++t) {
            check_case(isa, m, n, k, t & 1, t & 2, t == 3 ? 1.0f : 0.0f, rng);
            ++cases;
          }
        }
      }
    }
    check_case(isa, 64, 256, 256, false, true, 0.0f, rng);  // a recurrent step's shape
    check_case(isa, 37, 100, 300, false, false, 1.0f, rng);
    std::printf("gemm prepacked isa %d: %d cases\n", int(isa), cases + 2);
  }
  return test::finish("test_gemm_prepacked");
}
