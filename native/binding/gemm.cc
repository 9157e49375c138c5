// kernels.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): C = alpha·op(A)·op(B) + beta·C
// on row-major Float32Arrays, written into c in place.
#include "../kernels/gemm/gemm.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Args args(info, "gemm", 13);
  kernels::GemmOptions o;
  o.trans_a = args.boolean(0, "transA");
  o.trans_b = args.boolean(1, "transB");
  const int64_t m = args.size(2, "m");
  const int64_t n = args.size(3, "n");
  const int64_t k = args.size(4, "k");
  o.alpha = static_cast<float>(args.number(5, "alpha"));
  const F32Array a = args.f32(6, "a");
  const int64_t lda = args.size(7, "lda");
  const F32Array b = args.f32(8, "b");
  const int64_t ldb = args.size(9, "ldb");
  o.beta = static_cast<float>(args.number(10, "beta"));
  const F32Array c = args.f32(11, "c");
  const int64_t ldc = args.size(12, "ldc");

  // Stored shapes: A is m x k (k x m when transposed), B is k x n (n x k), C is m x n.
  const int64_t a_rows = o.trans_a ? k : m, a_cols = o.trans_a ? m : k;
  const int64_t b_rows = o.trans_b ? n : k, b_cols = o.trans_b ? k : n;
  if (lda < (a_cols > 1 ? a_cols : 1)) args.range_error("expected lda >= " + std::to_string(a_cols) + ", got " + std::to_string(lda));
  if (ldb < (b_cols > 1 ? b_cols : 1)) args.range_error("expected ldb >= " + std::to_string(b_cols) + ", got " + std::to_string(ldb));
  if (ldc < (n > 1 ? n : 1)) args.range_error("expected ldc >= " + std::to_string(n) + ", got " + std::to_string(ldc));
  args.require_length(c, "c", args.span(m, n, ldc, "c extent (m, n, ldc)"));
  const bool reads_ab = m > 0 && n > 0 && k > 0 && o.alpha != 0.0f;
  if (reads_ab) {
    args.require_length(a, "a", args.span(a_rows, a_cols, lda, "a extent (m, k, lda)"));
    args.require_length(b, "b", args.span(b_rows, b_cols, ldb, "b extent (k, n, ldb)"));
  }
  args.check_status(kernels::gemm_f32(context(info.Env()), m, n, k, a.data, lda, b.data, ldb, c.data, ldc, o));
  return info.Env().Undefined();
}
}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) { exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm")); }

}  // namespace nodegrad::binding
