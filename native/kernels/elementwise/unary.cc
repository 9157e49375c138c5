// Unary drivers: the SIMD micro-kernel of the context's ISA where the op has one, otherwise the JS twin's
// formula per element in double; chunked over the pool for large arrays. Also the scalar micro-kernels.
#include "unary.h"

#include <cmath>

#include "../simd/simd_scalar.h"
#include "parallel.h"

namespace nodegrad::kernels {

using namespace simd::scalar;
#define NODEGRAD_UKERNEL(name) name##__scalar
#include "unary_impl.h"
#undef NODEGRAD_UKERNEL

namespace {

using runtime::Isa;

constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kGeluK = 0.79788456080286535588;  // sqrt(2/pi)
constexpr double kGeluC = 0.044715;

// Math.max / Math.min: NaN if either is NaN, and +0 > -0.
double js_max(double a, double b) {
  if (a != a || b != b) return NAN;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
double js_min(double a, double b) {
  if (a != a || b != b) return NAN;
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

double sigmoid(double x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }

// The JS twin's forward formulas (lib/backend/js/elementwise.ts), for the ops without a SIMD form.
double forward(int op, double x, double a, double b) {
  switch (op) {
    case kUnaryLeakyRelu: return x > 0 ? x : a * x;
    case kUnaryElu: return x > 0 ? x : a * std::expm1(x);
    case kUnaryGelu: return 0.5 * x * std::erfc(-x * kSqrt1_2);
    case kUnaryGeluTanh: return 0.5 * x * (1 + std::tanh(kGeluK * (x + kGeluC * x * x * x)));
    case kUnarySoftplus: return x * a > b ? x : std::log1p(std::exp(a * x)) / a;
    case kUnaryClamp: return js_min(js_max(x, a), b);
    case kUnaryPowScalar: return std::pow(x, a);
    case kUnaryAffine: return a * x + b;
    default: return NAN;
  }
}

double backward(int op, double x, double g, double a, double b) {
  switch (op) {
    case kUnaryLeakyRelu: return x > 0 ? g : a * g;
    case kUnaryElu: return x > 0 ? g : g * a * std::exp(x);
    case kUnaryGelu: return g * (0.5 * std::erfc(-x * kSqrt1_2) + x * kInvSqrt2Pi * std::exp(-0.5 * x * x));
    case kUnaryGeluTanh: {
      const double t = std::tanh(kGeluK * (x + kGeluC * x * x * x));
      return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * kGeluK * (1 + 3 * kGeluC * x * x));
    }
    case kUnarySoftplus: {
      if (x * a > b) return g;
      const double z = std::exp(x * a);
      return (g * z) / (z + 1);
    }
    case kUnarySilu: {
      const double s = sigmoid(x);
      return g * s * (1 + x * (1 - s));
    }
    case kUnaryClamp: return x >= a && x <= b ? g : 0;
    case kUnaryPowScalar: return a == 0 ? 0 : g * a * std::pow(x, a - 1);
    case kUnaryAffine: return a * g;
    default: return NAN;
  }
}

bool simd_forward(Isa isa, int op, int64_t n, const float* x, float* out) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx512: return unary_ukernel_f32__avx512(op, n, x, out);
    case Isa::avx2: return unary_ukernel_f32__avx2(op, n, x, out);
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon: return unary_ukernel_f32__neon(op, n, x, out);
#endif
    default: return unary_ukernel_f32__scalar(op, n, x, out);
  }
}

bool simd_backward(Isa isa, int op, int64_t n, const float* x, const float* y, const float* gy, float* gx) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx512: return unary_backward_ukernel_f32__avx512(op, n, x, y, gy, gx);
    case Isa::avx2: return unary_backward_ukernel_f32__avx2(op, n, x, y, gy, gx);
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon: return unary_backward_ukernel_f32__neon(op, n, x, y, gy, gx);
#endif
    default: return unary_backward_ukernel_f32__scalar(op, n, x, y, gy, gx);
  }
}

// Transcendental maps cost ~10x a copy per element, so they are worth the pool at smaller sizes.
int64_t parallel_min(int op) {
  switch (op) {
    case kUnaryNeg: case kUnaryAbs: case kUnarySquare: case kUnaryRelu: case kUnaryAffine: case kUnaryLeakyRelu:
    case kUnaryClamp:
      return kParallelMin;
    default: return kParallelMin / 4;
  }
}

}  // namespace

void unary_f32(runtime::Context& ctx, int op, int64_t n, const float* x, float* out, double alpha,
               double beta) noexcept {
  const Isa isa = ctx.isa;
  for_chunks(ctx, n, parallel_min(op), [&](int64_t b, int64_t e) {
    if (simd_forward(isa, op, e - b, x + b, out + b)) return;
    for (int64_t i = b; i < e; ++i) out[i] = static_cast<float>(forward(op, x[i], alpha, beta));
  });
}

void unary_backward_f32(runtime::Context& ctx, int op, int64_t n, const float* x, const float* y, const float* gy,
                        float* gx, double alpha, double beta) noexcept {
  const Isa isa = ctx.isa;
  for_chunks(ctx, n, parallel_min(op), [&](int64_t b, int64_t e) {
    if (simd_backward(isa, op, e - b, x + b, y + b, gy + b, gx + b)) return;
    for (int64_t i = b; i < e; ++i) gx[i] = static_cast<float>(backward(op, x[i], gy[i], alpha, beta));
  });
}

}  // namespace nodegrad::kernels
