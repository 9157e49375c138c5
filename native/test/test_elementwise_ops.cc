// Binary ops and reductions against plain loops with the JS twin's semantics, without Node, on every ISA
// the CPU has (under qemu-aarch64 this is what tests the NEON micro-kernels): the exact ops and max/min/
// argmax bitwise, sums within (dim + 2)·eps32·Σ|x|. Lengths straddle every vector width; NaN, ±Inf, ±0
// and ties are placed throughout.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "check.h"
#include "kernels/elementwise/binary.h"
#include "kernels/elementwise/reduce.h"

using namespace nodegrad::kernels;
using nodegrad::runtime::Context;
using nodegrad::runtime::Isa;

namespace {

int failures = 0;

void fail(const char* isa, const char* what, long long a, long long b, long long c) {
  if (failures++ < 20) std::printf("FAIL isa=%s %s (%lld, %lld, %lld)\n", isa, what, a, b, c);
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0 || (a != a && b != b); }

// Values with ties, signed zeros and specials.
std::vector<float> values(nodegrad::test::Rng& r, size_t n) {
  static const float kSpecial[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1.0f, -1.0f};
  std::vector<float> v(n);
  for (auto& x : v) {
    const double u = r.uniform(0.0f, 1.0f);
    x = u < 0.15 ? kSpecial[static_cast<int>(r.uniform(0.0f, 6.99f))] : r.uniform(-4.0f, 4.0f);
  }
  return v;
}

// The twin's formulas for the exact ops, in double.
double binary_ref(int op, double a, double b) {
  switch (op) {
    case kBinaryAdd: return a + b;
    case kBinarySub: return a - b;
    case kBinaryMul: return a * b;
    case kBinaryDiv: return a / b;
    case kBinaryMaximum: return a != a || b != b ? NAN : a == b ? (std::signbit(a) ? b : a) : a > b ? a : b;
    case kBinaryMinimum: return a != a || b != b ? NAN : a == b ? (std::signbit(a) ? a : b) : a < b ? a : b;
    case kBinaryEq: return a == b;
    case kBinaryNe: return a != b;
    case kBinaryLt: return a < b;
    case kBinaryLe: return a <= b;
    case kBinaryGt: return a > b;
    default: return a >= b;
  }
}

void check_binary(Context& ctx, const char* isa, nodegrad::test::Rng& r) {
  const int ops[] = {kBinaryAdd, kBinarySub, kBinaryMul, kBinaryDiv, kBinaryMaximum, kBinaryMinimum,
                     kBinaryEq, kBinaryNe, kBinaryLt, kBinaryLe, kBinaryGt, kBinaryGe};
  for (int op : ops) {
    for (int64_t n = 0; n <= 40; ++n) {
      for (int mode = 0; mode < 3; ++mode) {
        const std::vector<float> a = values(r, n + 1), b = values(r, n + 1);
        std::vector<float> out(n + 1, 7.0f);
        const int64_t shape[1] = {n}, sa[1] = {mode == 2 ? 0 : 1}, sb[1] = {mode == 1 ? 0 : 1};
        binary_f32(ctx, op, 1, shape, a.data(), sa, b.data(), sb, out.data(), 1.0);
        for (int64_t i = 0; i < n; ++i) {
          const float want = static_cast<float>(binary_ref(op, a[i * sa[0]], b[i * sb[0]]));
          if (!same_bits(out[i], want)) fail(isa, "binary", op, n, mode);
        }
        if (out[n] != 7.0f) fail(isa, "binary wrote past the end", op, n, mode);
      }
      // Backward of maximum: ties split in halves, a NaN operand sends g to both.
      const std::vector<float> a = values(r, n), b = values(r, n), g = values(r, n);
      std::vector<float> ga(n), gb(n), o(n);
      binary_backward_f32(ctx, kBinaryMaximum, n, a.data(), b.data(), o.data(), g.data(), ga.data(), gb.data(), 1.0);
      for (int64_t i = 0; i < n; ++i) {
        const double h = g[i] / 2.0;
        const float wa = static_cast<float>(a[i] == b[i] ? h : a[i] < b[i] ? 0 : g[i]);
        const float wb = static_cast<float>(a[i] == b[i] ? h : a[i] > b[i] ? 0 : g[i]);
        if (!same_bits(ga[i], wa) || !same_bits(gb[i], wb)) fail(isa, "maximum backward", n, i, 0);
      }
    }
  }
}

void check_reduce(Context& ctx, const char* isa, nodegrad::test::Rng& r, bool quick) {
  const int64_t inners[] = {1, 2, 7, 16, 17, 33};
  for (int64_t inner : inners) {
    for (int64_t dim = 1; dim <= (quick ? 40 : 70); ++dim) {
      const int64_t outer = 2, n = outer * dim * inner;
      const std::vector<float> x = values(r, n);
      std::vector<float> out(outer * inner), vals(outer * inner);
      std::vector<int32_t> idx(outer * inner);
      for (int op : {kReduceSum, kReduceMax, kReduceMin}) {
        reduce_f32(ctx, op, outer, dim, inner, x.data(), out.data());
        if (op != kReduceSum) arg_reduce_f32(ctx, op, outer, dim, inner, x.data(), vals.data(), idx.data());
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t i = 0; i < inner; ++i) {
            const float* p = x.data() + o * dim * inner + i;
            const int64_t k = o * inner + i;
            if (op == kReduceSum) {
              double s = 0, abs = 0;
              for (int64_t d = 0; d < dim; ++d) s += p[d * inner], abs += std::fabs(p[d * inner]);
              const bool ok = std::isfinite(s) ? std::fabs(out[k] - s) <= (dim + 2) * 0x1p-23 * abs : same_bits(out[k], static_cast<float>(s));
              if (!ok) fail(isa, "sum", dim, inner, k);
              continue;
            }
            float best = p[0];
            int32_t at = 0;
            for (int64_t d = 1; d < dim && best == best; ++d) {
              const float v = p[d * inner];
              if (v != v || (op == kReduceMax ? v > best : v < best)) best = v, at = static_cast<int32_t>(d);
            }
            if (!same_bits(out[k], best)) fail(isa, op == kReduceMax ? "max" : "min", dim, inner, k);
            if (!same_bits(vals[k], best) || idx[k] != at) fail(isa, op == kReduceMax ? "argmax" : "argmin", dim, inner, k);
          }
        }
      }
    }
  }
}

}  // namespace

int main() {
  const bool quick = std::getenv("NODEGRAD_TEST_QUICK") != nullptr;
  const auto features = nodegrad::runtime::detect_cpu_features();
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (!nodegrad::runtime::isa_supported(features, isa)) continue;
    Context ctx(isa, 1);
    nodegrad::test::Rng r(static_cast<uint64_t>(isa) + 1);
    check_binary(ctx, nodegrad::runtime::isa_name(isa), r);
    check_reduce(ctx, nodegrad::runtime::isa_name(isa), r, quick);
  }
  std::printf(failures == 0 ? "test_elementwise_ops: ok\n" : "test_elementwise_ops: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
