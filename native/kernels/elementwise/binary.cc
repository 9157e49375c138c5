// Binary drivers: the strided row walk, ISA selection, the twin's formulas in double for the ops and
// layouts without a SIMD form, and the pool split; plus the scalar micro-kernels.
#include "binary.h"

#include <cmath>
#include <type_traits>

#include "../simd/simd_scalar.h"
#include "parallel.h"
#include "strided.h"

namespace nodegrad::kernels {

using namespace simd::scalar;
#define NODEGRAD_UKERNEL(name) name##__scalar
#include "binary_impl.h"
#undef NODEGRAD_UKERNEL

namespace {

using runtime::Isa;

// Math.pow differs from C pow where the base is ±1 and the exponent NaN or ±Inf: JS gives NaN.
double js_pow(double x, double y) {
  if (y != y || (std::isinf(y) && std::fabs(x) == 1)) return NAN;
  return std::pow(x, y);
}

// Math.max / Math.min semantics where NaN matters: NaN in gives NaN out (std::fmax would drop it).
double js_clamp(double x, double lo, double hi) {
  if (x != x || lo != lo || hi != hi) return NAN;
  return x < lo ? lo : x > hi ? hi : x;
}
// PyTorch clamps BCE's logs at -100; a NaN log stays NaN, as with the twin's Math.max.
double bce_log(double v) {
  const double l = std::log(v);
  return l < -100 ? -100 : l;
}
double sigmoid(double x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }

// The JS twin's forward formulas (lib/backend/js/elementwise.ts, BINARY_F), evaluated in double.
template <int Op>
inline double forward(double a, double b, double p) {
  if constexpr (Op == kBinaryAdd) return a + p * b;
  if constexpr (Op == kBinarySub) return a - b;
  if constexpr (Op == kBinaryMul) return a * b;
  if constexpr (Op == kBinaryDiv) return a / b;
  if constexpr (Op == kBinaryPow) return js_pow(a, b);
  if constexpr (Op == kBinaryMaximum) return a != a || b != b ? NAN : (a == b ? (std::signbit(a) ? b : a) : (a > b ? a : b));
  if constexpr (Op == kBinaryMinimum) return a != a || b != b ? NAN : (a == b ? (std::signbit(a) ? a : b) : (a < b ? a : b));
  if constexpr (Op == kBinaryEq) return a == b ? 1 : 0;
  if constexpr (Op == kBinaryNe) return a != b ? 1 : 0;
  if constexpr (Op == kBinaryLt) return a < b ? 1 : 0;
  if constexpr (Op == kBinaryLe) return a <= b ? 1 : 0;
  if constexpr (Op == kBinaryGt) return a > b ? 1 : 0;
  if constexpr (Op == kBinaryGe) return a >= b ? 1 : 0;
  if constexpr (Op == kBinarySmoothL1) {
    const double d = std::fabs(a - b);
    return d < p ? (0.5 * d * d) / p : d - 0.5 * p;
  }
  if constexpr (Op == kBinaryHuber) {
    const double d = std::fabs(a - b);
    return d <= p ? 0.5 * d * d : p * (d - 0.5 * p);
  }
  if constexpr (Op == kBinaryBce) return -(b * bce_log(a) + (1 - b) * bce_log(1 - a));
  if constexpr (Op == kBinaryBceLogits) return (a > 0 ? a : 0) - a * b + std::log1p(std::exp(-std::fabs(a)));
  return NAN;
}

// The twin's gradients (BINARY_G) for the ops without a SIMD form here.
template <int Op>
inline void backward(double a, double b, double o, double g, double p, double* da, double* db) {
  if constexpr (Op == kBinaryAdd) { *da = g; *db = p * g; }
  if constexpr (Op == kBinaryDiv) { *da = g / b; *db = (-g * a) / (b * b); }
  if constexpr (Op == kBinaryPow) {
    *da = b == 0 ? 0 : g * b * js_pow(a, b - 1);
    *db = a == 0 && b >= 0 ? 0 : g * o * std::log(a);
  }
  if constexpr (Op == kBinarySmoothL1) {
    const double d = a - b;
    const double s = p == 0 ? (d > 0 ? 1 : d < 0 ? -1 : d) : js_clamp(d / p, -1, 1);
    *da = g * s;
    *db = -g * s;
  }
  if constexpr (Op == kBinaryHuber) {
    const double d = a - b;
    const double s = js_clamp(d, -p, p);
    *da = g * s;
    *db = -g * s;
  }
  if constexpr (Op == kBinaryBce) {
    const double q = a * (1 - a);
    *da = (g * (a - b)) / (q < 1e-12 ? 1e-12 : q);
    *db = g * (bce_log(1 - a) - bce_log(a));
  }
  if constexpr (Op == kBinaryBceLogits) { *da = g * (sigmoid(a) - b); *db = -g * a; }
}

template <int Op>
void forward_row(int64_t n, const float* a, int64_t sa, const float* b, int64_t sb, float* out, double p) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(forward<Op>(a[i * sa], b[i * sb], p));
}

template <int Op>
void backward_span(int64_t n, const float* a, const float* b, const float* o, const float* gy, float* ga, float* gb,
                   double p) {
  for (int64_t i = 0; i < n; ++i) {
    double da = 0, db = 0;
    backward<Op>(a[i], b[i], o[i], gy[i], p, &da, &db);
    if (ga != nullptr) ga[i] = static_cast<float>(da);
    if (gb != nullptr) gb[i] = static_cast<float>(db);
  }
}

// Calls fn(std::integral_constant<int, op>) so every op gets its own instantiated loop.
template <typename F>
void dispatch(int op, F&& fn) {
  switch (op) {
#define NODEGRAD_CASE(k) case k: return fn(std::integral_constant<int, k>{});
    NODEGRAD_CASE(kBinaryAdd) NODEGRAD_CASE(kBinarySub) NODEGRAD_CASE(kBinaryMul) NODEGRAD_CASE(kBinaryDiv)
    NODEGRAD_CASE(kBinaryPow) NODEGRAD_CASE(kBinaryMaximum) NODEGRAD_CASE(kBinaryMinimum) NODEGRAD_CASE(kBinaryEq)
    NODEGRAD_CASE(kBinaryNe) NODEGRAD_CASE(kBinaryLt) NODEGRAD_CASE(kBinaryLe) NODEGRAD_CASE(kBinaryGt)
    NODEGRAD_CASE(kBinaryGe) NODEGRAD_CASE(kBinarySmoothL1) NODEGRAD_CASE(kBinaryHuber) NODEGRAD_CASE(kBinaryBce)
    NODEGRAD_CASE(kBinaryBceLogits)
#undef NODEGRAD_CASE
    default: return;
  }
}

bool simd_forward(Isa isa, int op, int mode, int64_t n, const float* a, const float* b, float* out) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx512: return binary_ukernel_f32__avx512(op, mode, n, a, b, out);
    case Isa::avx2: return binary_ukernel_f32__avx2(op, mode, n, a, b, out);
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon: return binary_ukernel_f32__neon(op, mode, n, a, b, out);
#endif
    default: return binary_ukernel_f32__scalar(op, mode, n, a, b, out);
  }
}

bool simd_backward(Isa isa, int op, int64_t n, const float* a, const float* b, const float* gy, float* ga, float* gb) {
  switch (isa) {
#if defined(NODEGRAD_HAVE_AVX2)
    case Isa::avx512: return binary_backward_ukernel_f32__avx512(op, n, a, b, gy, ga, gb);
    case Isa::avx2: return binary_backward_ukernel_f32__avx2(op, n, a, b, gy, ga, gb);
#endif
#if defined(NODEGRAD_HAVE_NEON)
    case Isa::neon: return binary_backward_ukernel_f32__neon(op, n, a, b, gy, ga, gb);
#endif
    default: return binary_backward_ukernel_f32__scalar(op, n, a, b, gy, ga, gb);
  }
}

// The op the SIMD kernels run for (op, alpha): add with alpha = ±1 is a + b or a - b exactly; other alphas
// need the twin's a + alpha·b in double (alpha·b may overflow float where the double sum does not).
int simd_op(int op, double alpha) {
  if (op == kBinaryAdd) return alpha == 1 ? kBinaryAdd : alpha == -1 ? kBinarySub : -1;
  return op;
}

// One row of n outputs with element strides sa, sb.
void row(Isa isa, int op, int sop, int64_t n, const float* a, int64_t sa, const float* b, int64_t sb, float* out,
         double alpha) {
  if (sop >= 0 && sa <= 1 && sb <= 1 && (sa | sb) != 0) {
    const int mode = sa == 1 && sb == 1 ? 0 : sa == 1 ? 1 : 2;
    if (simd_forward(isa, sop, mode, n, a, b, out)) return;
  }
  dispatch(op, [&](auto k) { forward_row<decltype(k)::value>(n, a, sa, b, sb, out, alpha); });
}

int64_t parallel_min(int op) {
  return op == kBinaryPow || op >= kBinaryBce ? kParallelMin / 4 : kParallelMin;
}

}  // namespace

void binary_f32(runtime::Context& ctx, int op, int rank, const int64_t* shape, const float* a,
                const int64_t* a_strides, const float* b, const int64_t* b_strides, float* out, double alpha) noexcept {
  const Isa isa = ctx.isa;
  const int sop = simd_op(op, alpha);
  const int64_t sa = rank > 0 ? a_strides[rank - 1] : 0, sb = rank > 0 ? b_strides[rank - 1] : 0;
  const int64_t* strides[2] = {a_strides, b_strides};
  for_rows<2>(ctx, rank, shape, strides, parallel_min(op), true, [&](int64_t n, const int64_t* off, int64_t k) {
    row(isa, op, sop, n, a + off[0], sa, b + off[1], sb, out + k, alpha);
  });
}

void binary_backward_f32(runtime::Context& ctx, int op, int64_t n, const float* a, const float* b, const float* out,
                         const float* gy, float* ga, float* gb, double alpha) noexcept {
  const Isa isa = ctx.isa;
  const bool simd = op != kBinaryAdd || alpha == 1;
  for_chunks(ctx, n, parallel_min(op), [&](int64_t lo, int64_t hi) {
    if (simd && simd_backward(isa, op, hi - lo, a + lo, b + lo, gy + lo, offset(ga, lo), offset(gb, lo))) return;
    dispatch(op, [&](auto k) {
      backward_span<decltype(k)::value>(hi - lo, a + lo, b + lo, out + lo, gy + lo, offset(ga, lo), offset(gb, lo), alpha);
    });
  });
}

}  // namespace nodegrad::kernels
