// Runtime exports: cpuInfo(), setNumThreads(n), getNumThreads(), workspaceBytes(), fpControl().
// Creates this environment's Context from NODEGRAD_ISA / NODEGRAD_NUM_THREADS (and the test-only
// NODEGRAD_WORKSPACE_CAP_BYTES) at load; a bad value throws a RangeError naming the variable.
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <string>
#include <thread>

#if defined(__linux__)
#include <sched.h>
#endif

#include "../runtime/context.h"
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

namespace {
using runtime::Isa;

constexpr int kMaxThreads = 256;

// Like os.availableParallelism(): honours the process's CPU affinity mask where the OS has one.
int available_parallelism() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

std::string isa_list(const runtime::CpuFeatures& f) {
  std::string out;
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (!runtime::isa_supported(f, isa)) continue;
    if (!out.empty()) out += ", ";
    out += runtime::isa_name(isa);
  }
  return out;
}

Isa choose_isa(Napi::Env env, const runtime::CpuFeatures& f) {
  const char* forced = std::getenv("NODEGRAD_ISA");
  if (forced == nullptr || *forced == '\0') return runtime::best_isa(f);
  Isa isa;
  if (!runtime::parse_isa(forced, &isa)) {
    throw Napi::RangeError::New(env, std::string("nodegrad: expected NODEGRAD_ISA to be one of scalar, avx2, avx512, neon, got '") +
                                         forced + "'");
  }
  if (!runtime::isa_supported(f, isa)) {
    throw Napi::RangeError::New(env, std::string("nodegrad: NODEGRAD_ISA=") + forced +
                                         " is not supported by this CPU (available: " + isa_list(f) + ")");
  }
  return isa;
}

// A decimal integer in [min, max] made of digits only (no sign, space or exponent), or -1.
int64_t parse_count(const char* text, int64_t min, int64_t max) {
  int64_t n = 0;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9' || n > max) return -1;
    n = n * 10 + (*p - '0');
  }
  return *text != '\0' && n >= min && n <= max ? n : -1;
}

int choose_threads(Napi::Env env) {
  const char* forced = std::getenv("NODEGRAD_NUM_THREADS");
  if (forced == nullptr || *forced == '\0') {
    const int n = available_parallelism();
    return n < kMaxThreads ? n : kMaxThreads;
  }
  const int64_t n = parse_count(forced, 1, kMaxThreads);
  if (n < 0) {
    throw Napi::RangeError::New(env, std::string("nodegrad: expected NODEGRAD_NUM_THREADS to be an integer in [1, ") +
                                         std::to_string(kMaxThreads) + "], got '" + forced + "'");
  }
  return static_cast<int>(n);
}

// Test-only: a cap on each scratch buffer, so tests can make workspace allocation fail on purpose.
size_t choose_workspace_cap(Napi::Env env) {
  const char* forced = std::getenv("NODEGRAD_WORKSPACE_CAP_BYTES");
  if (forced == nullptr || *forced == '\0') return SIZE_MAX;
  const int64_t n = parse_count(forced, 0, runtime::kMaxSize);
  if (n < 0) {
    throw Napi::RangeError::New(env, std::string("nodegrad: expected NODEGRAD_WORKSPACE_CAP_BYTES to be a byte count, got '") +
                                         forced + "'");
  }
  return static_cast<size_t>(n);
}

Napi::Value CpuInfo(const Napi::CallbackInfo& info) {
  Args args(info, "cpuInfo", 0);
  const runtime::Context& ctx = context(info.Env());
  const runtime::CpuFeatures f = runtime::detect_cpu_features();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("arch", runtime::arch_name());
  out.Set("isa", runtime::isa_name(ctx.isa));
  Napi::Array available = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (runtime::isa_supported(f, isa)) available.Set(i++, runtime::isa_name(isa));
  }
  out.Set("available", available);
  out.Set("threads", ctx.pool.num_threads());
  return out;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Args args(info, "setNumThreads", 1);
  const int64_t n = args.size(0, "n", 1, kMaxThreads);
  if (runtime::ThreadPool::in_parallel_region()) args.range_error("cannot change the thread count from inside a kernel");
  try {
    // The pool may end up smaller than n if the OS refuses threads; getNumThreads() tells.
    context(info.Env()).set_num_threads(static_cast<int>(n));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("nodegrad.setNumThreads: ") + e.what());
  }
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  Args args(info, "getNumThreads", 0);
  return Napi::Number::New(info.Env(), context(info.Env()).pool.num_threads());
}

// Bytes of scratch memory this environment currently holds (for tests that bound workspace growth).
Napi::Value WorkspaceBytes(const Napi::CallbackInfo& info) {
  Args args(info, "workspaceBytes", 0);
  return Napi::Number::New(info.Env(), static_cast<double>(context(info.Env()).workspace.total_bytes()));
}
// Debug: the FP control bits of the calling thread (x86-64: MXCSR without the sticky exception flags;
// arm64: FPCR), so tests can check that no kernel leaves flush-to-zero or a rounding mode behind.
Napi::Value FpControl(const Napi::CallbackInfo& info) {
  Args args(info, "fpControl", 0);
  uint64_t bits = 0;
#if defined(__x86_64__) && !defined(_MSC_VER)
  uint32_t mxcsr = 0;
  __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
  bits = mxcsr & ~uint32_t{0x3f};
#elif defined(__aarch64__)
  __asm__ volatile("mrs %0, fpcr" : "=r"(bits));
#endif
  return Napi::Number::New(info.Env(), static_cast<double>(bits));
}
}  // namespace

runtime::Context& context(Napi::Env env) { return *env.GetInstanceData<runtime::Context>(); }

void register_runtime(Napi::Env env, Napi::Object exports) {
  const runtime::CpuFeatures f = runtime::detect_cpu_features();
  const Isa isa = choose_isa(env, f);
  const int threads = choose_threads(env);
  const size_t cap = choose_workspace_cap(env);
  runtime::Context* ctx = nullptr;
  try {
    ctx = new runtime::Context(isa, threads);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("nodegrad: could not create the runtime: ") + e.what());
  }
  ctx->workspace.set_cap(cap);
  // Freed (workers joined) when this environment tears down: worker exit, terminate() or process exit.
  env.SetInstanceData<runtime::Context>(ctx);
  exports.Set("cpuInfo", Napi::Function::New(env, CpuInfo, "cpuInfo"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("workspaceBytes", Napi::Function::New(env, WorkspaceBytes, "workspaceBytes"));
  exports.Set("fpControl", Napi::Function::New(env, FpControl, "fpControl"));
}

}  // namespace nodegrad::binding
