// kernels.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): C = alpha·op(A)·op(B) + beta·C
// on row-major Float32Arrays, written into c in place.
// benchPeak(isa, iterations): the measured FP32 FMA peak of one core for `isa`, in GFLOP/s (for the bench).
#include <chrono>
#include <ctime>

#include "../kernels/gemm/gemm.h"
#include "../kernels/gemm/gemm_peak.h"
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

// CPU time of the calling thread where the OS has it: a core's peak should not depend on how many other
// processes share it; elsewhere wall time.
double thread_seconds() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec t;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0) return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
#endif
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Napi::Value BenchPeak(const Napi::CallbackInfo& info) {
  Args args(info, "benchPeak", 2);
  if (!info[0].IsString()) args.type_error("isa to be a string", info[0]);
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const int64_t iterations = args.size(1, "iterations", 1, int64_t{1} << 40);
  runtime::Isa isa;
  if (!runtime::parse_isa(name.c_str(), &isa)) args.range_error("expected isa to be one of scalar, avx2, avx512, neon, got '" + name + "'");
  if (!runtime::isa_supported(runtime::detect_cpu_features(), isa)) args.range_error("expected an isa this CPU supports, got '" + name + "'");
  float sink = 0.0f;
  const double start = thread_seconds();
  const double flops = kernels::gemm_peak_f32(isa, iterations, &sink);
  const double seconds = thread_seconds() - start;
  if (sink != sink) args.range_error("the peak loop produced NaN");  // keeps the chains' result alive
  return Napi::Number::New(info.Env(), seconds > 0 ? flops / seconds * 1e-9 : 0.0);
}
}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm"));
  exports.Set("benchPeak", Napi::Function::New(env, BenchPeak, "benchPeak"));
}

}  // namespace nodegrad::binding
