// libFuzzer target (clang -fsanitize=fuzzer,address,undefined): kernel entry points with geometry taken
// from the fuzz input, validated by the same rules as the bindings (native/binding/*.cc) and backed by
// buffers of exactly the validated length, so any read or write past them is an ASan report. Also checks
// the overflow-checked size arithmetic (runtime/checked.h) against 128-bit products. Every ISA the CPU has
// and 1-3 pool threads are exercised. Run: npm run fuzz (scripts/fuzz.sh).
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "kernels/conv/conv2d.h"
#include "kernels/elementwise/softmax.h"
#include "kernels/elementwise/unary.h"
#include "kernels/gemm/gemm.h"
#include "kernels/pool/pool2d.h"
#include "runtime/checked.h"

namespace rt = nodegrad::runtime;
namespace k = nodegrad::kernels;

namespace {

// One context per (ISA, thread count), built once: creating pools per input would dominate the run.
rt::Context& context(FuzzedDataProvider& in) {
  static std::vector<std::unique_ptr<rt::Context>> all = [] {
    std::vector<std::unique_ptr<rt::Context>> v;
    const auto features = rt::detect_cpu_features();
    for (rt::Isa isa : {rt::Isa::scalar, rt::Isa::avx2, rt::Isa::avx512, rt::Isa::neon}) {
      if (!rt::isa_supported(features, isa)) continue;
      for (int threads = 1; threads <= 3; ++threads) v.push_back(std::make_unique<rt::Context>(isa, threads));
    }
    return v;
  }();
  return *all[in.ConsumeIntegralInRange<size_t>(0, all.size() - 1)];
}

// Exactly n floats (heap, so ASan guards both ends), filled from the input with some specials.
std::vector<float> floats(FuzzedDataProvider& in, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  static const float specials[] = {0.0f, -0.0f, NAN, INFINITY, -INFINITY, 1e-45f, 3.4e38f, -1.0f};
  for (auto& x : v) {
    const uint8_t b = in.ConsumeIntegral<uint8_t>();
    x = b < 16 ? specials[b % 8] : (static_cast<float>(b) - 136.0f) / 16.0f;
  }
  return v;
}

void fail(const char* what) {
  std::fprintf(stderr, "fuzz_kernels: %s\n", what);
  std::abort();
}

void checked_arithmetic(FuzzedDataProvider& in) {
  const int64_t a = in.ConsumeIntegral<int64_t>(), b = in.ConsumeIntegral<int64_t>(), c = in.ConsumeIntegral<int64_t>();
  int64_t r = 0;
  const __int128 p = static_cast<__int128>(a) * b;
  const bool ok = a >= 0 && b >= 0 && p <= rt::kMaxSize;
  if (rt::checked_mul(a, b, &r) != ok || (ok && r != p)) fail("checked_mul disagrees with the 128-bit product");
  if (a < 0 || b < 0 || c < 0) return;
  const __int128 span = a == 0 || b == 0 ? 0 : static_cast<__int128>(a - 1) * c + b;
  const bool span_ok = span <= rt::kMaxSize;
  if (rt::checked_span(a, b, c, &r) != span_ok || (span_ok && r != span)) fail("checked_span disagrees");
}

// The pooling/conv output size rule, as the bindings apply it; -1 when the binding would refuse.
int64_t out_size(int64_t size, int64_t p0, int64_t p1, int64_t kk, int64_t dil, int64_t stride, bool ceil) {
  const int64_t padded = size + p0 + p1, span = dil * (kk - 1) + 1;
  if (span > padded) return -1;
  const int64_t num = padded - span;
  int64_t out = (ceil ? (num + stride - 1) / stride : num / stride) + 1;
  if (ceil && (out - 1) * stride >= size + p0) --out;
  return out;
}

void conv(FuzzedDataProvider& in) {
  k::Conv2dShape s{};
  s.groups = in.ConsumeIntegralInRange<int64_t>(1, 3);
  s.n = in.ConsumeIntegralInRange<int64_t>(0, 3);
  s.c = s.groups * in.ConsumeIntegralInRange<int64_t>(1, 4);
  s.oc = s.groups * in.ConsumeIntegralInRange<int64_t>(1, 4);
  s.h = in.ConsumeIntegralInRange<int64_t>(1, 14);
  s.w = in.ConsumeIntegralInRange<int64_t>(1, 14);
  s.kh = in.ConsumeIntegralInRange<int64_t>(1, 6);
  s.kw = in.ConsumeIntegralInRange<int64_t>(1, 6);
  s.stride_h = in.ConsumeIntegralInRange<int64_t>(1, 4);
  s.stride_w = in.ConsumeIntegralInRange<int64_t>(1, 4);
  s.dilation_h = in.ConsumeIntegralInRange<int64_t>(1, 3);
  s.dilation_w = in.ConsumeIntegralInRange<int64_t>(1, 3);
  s.pad_top = in.ConsumeIntegralInRange<int64_t>(0, 4);
  s.pad_left = in.ConsumeIntegralInRange<int64_t>(0, 4);
  const int64_t pb = in.ConsumeIntegralInRange<int64_t>(0, 4), pr = in.ConsumeIntegralInRange<int64_t>(0, 4);
  s.oh = out_size(s.h, s.pad_top, pb, s.kh, s.dilation_h, s.stride_h, false);
  s.ow = out_size(s.w, s.pad_left, pr, s.kw, s.dilation_w, s.stride_w, false);
  if (s.oh < 0 || s.ow < 0) return;  // the binding's RangeError
  rt::Context& ctx = context(in);
  const int64_t nx = s.n * s.c * s.h * s.w, nw = s.oc * (s.c / s.groups) * s.kh * s.kw, ny = s.n * s.oc * s.oh * s.ow;
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: {
      auto x = floats(in, nx), w = floats(in, nw), b = floats(in, s.oc);
      std::vector<float> y(ny);
      (void)k::conv2d_forward_f32(ctx, s, x.data(), w.data(), in.ConsumeBool() ? b.data() : nullptr, y.data());
      break;
    }
    case 1: {
      auto dy = floats(in, ny), w = floats(in, nw);
      std::vector<float> dx(nx);
      (void)k::conv2d_backward_data_f32(ctx, s, dy.data(), w.data(), dx.data());
      break;
    }
    case 2: {
      auto x = floats(in, nx), dy = floats(in, ny);
      std::vector<float> dw(nw);
      (void)k::conv2d_backward_weight_f32(ctx, s, x.data(), dy.data(), dw.data());
      break;
    }
    default: {
      auto dy = floats(in, ny);
      std::vector<float> db(s.oc);
      k::conv2d_backward_bias_f32(ctx, s.n, s.oc, s.oh * s.ow, dy.data(), db.data());
    }
  }
}

void pool(FuzzedDataProvider& in) {
  k::Pool2dShape s{};
  s.planes = in.ConsumeIntegralInRange<int64_t>(0, 6);
  s.h = in.ConsumeIntegralInRange<int64_t>(1, 20);
  s.w = in.ConsumeIntegralInRange<int64_t>(1, 20);
  const int mode = in.ConsumeIntegralInRange<int>(0, 2);
  rt::Context& ctx = context(in);
  if (mode == 2) {
    const int64_t oh = in.ConsumeIntegralInRange<int64_t>(1, 24), ow = in.ConsumeIntegralInRange<int64_t>(1, 24);
    auto x = floats(in, s.planes * s.h * s.w), dy = floats(in, s.planes * oh * ow);
    std::vector<float> y(s.planes * oh * ow), dx(s.planes * s.h * s.w);
    k::adaptive_avg_pool2d_forward_f32(ctx, s.planes, s.h, s.w, oh, ow, x.data(), y.data());
    k::adaptive_avg_pool2d_backward_f32(ctx, s.planes, s.h, s.w, oh, ow, dy.data(), dx.data());
    return;
  }
  const bool max = mode == 0, ceil = in.ConsumeBool();
  s.kh = in.ConsumeIntegralInRange<int64_t>(1, 6);
  s.kw = in.ConsumeIntegralInRange<int64_t>(1, 6);
  s.stride_h = in.ConsumeIntegralInRange<int64_t>(1, 4);
  s.stride_w = in.ConsumeIntegralInRange<int64_t>(1, 4);
  s.pad_top = in.ConsumeIntegralInRange<int64_t>(0, s.kh / 2);
  s.pad_bottom = in.ConsumeIntegralInRange<int64_t>(0, s.kh / 2);
  s.pad_left = in.ConsumeIntegralInRange<int64_t>(0, s.kw / 2);
  s.pad_right = in.ConsumeIntegralInRange<int64_t>(0, s.kw / 2);
  s.dilation_h = max ? in.ConsumeIntegralInRange<int64_t>(1, 3) : 1;
  s.dilation_w = max ? in.ConsumeIntegralInRange<int64_t>(1, 3) : 1;
  s.oh = out_size(s.h, s.pad_top, s.pad_bottom, s.kh, s.dilation_h, s.stride_h, ceil);
  s.ow = out_size(s.w, s.pad_left, s.pad_right, s.kw, s.dilation_w, s.stride_w, ceil);
  if (s.oh < 0 || s.ow < 0) return;
  const int64_t nx = s.planes * s.h * s.w, ny = s.planes * s.oh * s.ow;
  auto x = floats(in, nx), dy = floats(in, ny);
  std::vector<float> y(ny), dx(nx);
  if (max) {
    std::vector<int32_t> idx(ny);
    k::max_pool2d_forward_f32(ctx, s, x.data(), y.data(), idx.data());
    for (int32_t i : idx) {
      if (i < -1 || i >= s.h * s.w) fail("max pool index outside its plane");
    }
    k::max_pool2d_backward_f32(ctx, s, dy.data(), idx.data(), dx.data());
  } else {
    const bool include_pad = in.ConsumeBool();
    k::avg_pool2d_forward_f32(ctx, s, include_pad, x.data(), y.data());
    k::avg_pool2d_backward_f32(ctx, s, include_pad, dy.data(), dx.data());
  }
}

void elementwise(FuzzedDataProvider& in) {
  rt::Context& ctx = context(in);
  if (in.ConsumeBool()) {
    const int op = in.ConsumeIntegralInRange<int>(0, k::kUnaryOpCount - 1);
    const int64_t n = in.ConsumeIntegralInRange<int64_t>(0, 300);
    const double alpha = in.ConsumeFloatingPoint<double>(), beta = in.ConsumeFloatingPoint<double>();
    auto x = floats(in, n), y = floats(in, n), gy = floats(in, n);
    std::vector<float> out(n), gx(n);
    k::unary_f32(ctx, op, n, x.data(), out.data(), alpha, beta);
    k::unary_backward_f32(ctx, op, n, x.data(), y.data(), gy.data(), gx.data(), alpha, beta);
    return;
  }
  const int64_t outer = in.ConsumeIntegralInRange<int64_t>(0, 8), dim = in.ConsumeIntegralInRange<int64_t>(0, 70),
                inner = in.ConsumeIntegralInRange<int64_t>(0, 20);
  const bool log = in.ConsumeBool();
  const int64_t n = outer * dim * inner;
  auto x = floats(in, n), gy = floats(in, n);
  std::vector<float> y(n), gx(n);
  k::softmax_f32(ctx, log, outer, dim, inner, x.data(), y.data());
  k::softmax_backward_f32(ctx, log, outer, dim, inner, y.data(), gy.data(), gx.data());
}

void gemm(FuzzedDataProvider& in) {
  k::GemmOptions o;
  o.trans_a = in.ConsumeBool();
  o.trans_b = in.ConsumeBool();
  const int64_t m = in.ConsumeIntegralInRange<int64_t>(0, 70), n = in.ConsumeIntegralInRange<int64_t>(0, 70),
                kk = in.ConsumeIntegralInRange<int64_t>(0, 70);
  static const float scalars[] = {0.0f, 1.0f, -1.0f, 0.5f, 2.0f, NAN};
  o.alpha = scalars[in.ConsumeIntegralInRange<int>(0, 5)];
  o.beta = scalars[in.ConsumeIntegralInRange<int>(0, 5)];
  const int64_t ar = o.trans_a ? kk : m, ac = o.trans_a ? m : kk, br = o.trans_b ? n : kk, bc = o.trans_b ? kk : n;
  const int64_t lda = (ac > 1 ? ac : 1) + in.ConsumeIntegralInRange<int64_t>(0, 3);
  const int64_t ldb = (bc > 1 ? bc : 1) + in.ConsumeIntegralInRange<int64_t>(0, 3);
  const int64_t ldc = (n > 1 ? n : 1) + in.ConsumeIntegralInRange<int64_t>(0, 3);
  int64_t la = 0, lb = 0, lc = 0;
  if (!rt::checked_span(ar, ac, lda, &la) || !rt::checked_span(br, bc, ldb, &lb) || !rt::checked_span(m, n, ldc, &lc)) {
    fail("small spans overflowed");
  }
  rt::Context& ctx = context(in);
  auto a = floats(in, la), b = floats(in, lb), c = floats(in, lc);
  (void)k::gemm_f32(ctx, m, n, kk, a.data(), lda, b.data(), ldb, c.data(), ldc, o);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange<int>(0, 4)) {
    case 0: checked_arithmetic(in); break;
    case 1: conv(in); break;
    case 2: pool(in); break;
    case 3: elementwise(in); break;
    default: gemm(in); break;
  }
  return 0;
}
