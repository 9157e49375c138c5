// vexp, vlog, vtanh, vsigmoid (native/kernels/simd/vmath.h) on every ISA this CPU runs, against float64
// (TESTING.md T4 and the §2.1 bounds):
//   - lengths 0..33 (every 2W+1 for W = 4, 8, 16) and 1000, 4097, out of place and in place, with the input
//     and output ending on a PROT_NONE page and a sentinel before the output;
//   - a dense sweep (uniform and log-uniform), plus consecutive floats around every threshold;
//   - specials (+-0, +-1e-45, +-FLT_MIN, +-FLT_MAX, +-Inf, NaN) and saturation edges at every lane and in
//     the tail, which must give bitwise the same value wherever they sit;
//   - results independent of position and length: a shifted or chunked run is bitwise the same;
//   - the same bits on every SIMD ISA, over a stride through all float bit patterns (they share one
//     algorithm with fused multiply-adds; AVX-512 ends exp with one scaling instruction where the others use
//     two products). The scalar fallback rounds its multiply-adds twice and differs in the last bits.
#include <algorithm>
#include <cfloat>
#include <cstring>

#include "kernels/simd/vmath.h"
#include "test_simd_util.h"

using namespace test_util;
using nodegrad::kernels::UnaryF32;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps32 = 0x1p-23;

struct Op {
  const char* name;
  UnaryF32 (*select)(Isa);
  double (*ref)(double);
  double lo, hi;      // uniform sweep
  double mag_hi;      // log-uniform sweep magnitudes in [1e-30, mag_hi], both signs unless positive_only
  bool positive_only;
  bool ulp_bound;     // exp, log: <= 4 ulp; tanh, sigmoid: max(eps32, 4 eps32 |ref|) on [-range, range]
  double range;
  std::vector<float> edges;  // thresholds swept over consecutive floats
};

double sigmoid_ref(double x) { return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }
double exp_ref(double x) { return std::exp(x); }
double log_ref(double x) { return std::log(x); }
double tanh_ref(double x) { return std::tanh(x); }

int failures = 0;
double worst_ulp = 0;  // worst |y - ref| / ulp over finite results, per (op, isa), for the report

// Error over the allowed bound (<= 1 passes); +Inf when a special rule is broken.
double check(const Op& op, float x, float y) {
  const double r = op.ref(x);
  const float rf = static_cast<float>(r);
  if (std::isnan(rf) || std::isnan(y)) return std::isnan(rf) && std::isnan(y) ? 0 : kInf;
  if (std::isinf(rf) || std::isinf(y)) return rf == y ? 0 : kInf;
  if (rf == 0 || y == 0) return same_bits(rf, y) ? 0 : kInf;  // thresholds and signed zeros are exact
  const double ulps = std::fabs(y - r) / ulp32(r);
  if (op.ulp_bound) {
    worst_ulp = std::max(worst_ulp, ulps);
    return ulps / 4;
  }
  if (std::fabs(x) <= op.range) {
    worst_ulp = std::max(worst_ulp, ulps);
    return std::fabs(y - r) / std::max(kEps32, 4 * kEps32 * std::fabs(r));
  }
  const float saturated = std::strcmp(op.name, "tanh") == 0 ? std::copysign(1.0f, x) : (x > 0 ? 1.0f : 0.0f);
  return y == saturated ? 0 : ulps;
}

void fail(const Op& op, Isa isa, const char* what, int64_t i, float x, float y) {
  if (++failures <= 20) {
    std::printf("FAIL %s/%s %s: element %lld x=%s y=%s ref=%.17g\n", op.name, nodegrad::runtime::isa_name(isa),
                what, static_cast<long long>(i), hexf(x).c_str(), hexf(y).c_str(), op.ref(x));
  }
}

void check_all(const Op& op, Isa isa, const char* what, int64_t n, const float* x, const float* y) {
  for (int64_t i = 0; i < n; ++i) {
    if (!(check(op, x[i], y[i]) <= 1)) fail(op, isa, what, i, x[i], y[i]);
  }
}

void test_lengths(const Op& op, Isa isa, UnaryF32 f) {
  Rng rng(1);
  std::vector<int64_t> lengths;
  for (int64_t n = 0; n <= 33; ++n) lengths.push_back(n);
  lengths.push_back(1000);
  lengths.push_back(4097);
  for (int64_t n : lengths) {
    Guarded x(n), y(n);
    for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(rng.uniform(op.lo, op.hi));
    f(n, x.data(), y.data());
    if (!y.sentinel_intact()) fail(op, isa, "write before the output", -1, 0, y.data()[-1]);
    check_all(op, isa, "lengths", n, x.data(), y.data());
    std::vector<float> out(y.data(), y.data() + n);
    f(n, x.data(), x.data());  // in place
    for (int64_t i = 0; i < n; ++i) {
      if (!same_bits(x[i], out[static_cast<size_t>(i)])) fail(op, isa, "in place differs", i, x[i], out[i]);
    }
  }
}

// The dense sweep, checked, then re-run shifted by 1..16 elements and in random chunks: bitwise the same.
void test_dense(const Op& op, Isa isa, UnaryF32 f) {
  Rng rng(2);
  std::vector<float> x;
  for (int i = 0; i < 100000; ++i) x.push_back(static_cast<float>(rng.uniform(op.lo, op.hi)));
  for (int i = 0; i < 100000; ++i) {
    const float mag = static_cast<float>(std::exp(rng.uniform(std::log(1e-30), std::log(op.mag_hi))));
    x.push_back(op.positive_only || (rng.next() & 1) ? mag : -mag);
  }
  for (float e : op.edges) {
    for (int k = -3000; k <= 3000; ++k) x.push_back(k < 0 ? next_down(e, -k) : next_up(e, k));
  }
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<float> y(x.size()), z(x.size());
  f(n, x.data(), y.data());
  check_all(op, isa, "dense sweep", n, x.data(), y.data());
  for (int64_t shift = 1; shift <= 16; ++shift) {
    f(n - shift, x.data() + shift, z.data());
    for (int64_t i = 0; i < n - shift; ++i) {
      if (!same_bits(z[static_cast<size_t>(i)], y[static_cast<size_t>(i + shift)])) {
        fail(op, isa, "shifted run differs", i + shift, x[i + shift], z[i]);
        break;
      }
    }
  }
  for (int64_t i = 0; i < n;) {
    const int64_t len = std::min<int64_t>(n - i, static_cast<int64_t>(rng.next() % 40));
    f(len, x.data() + i, z.data() + i);
    i += len;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (!same_bits(z[static_cast<size_t>(i)], y[static_cast<size_t>(i)])) fail(op, isa, "chunked run differs", i, x[i], z[i]);
  }
}

// Each special at each position of a 33-element array (every lane of every width, and the tails).
void test_specials(const Op& op, Isa isa, UnaryF32 f) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> specials = {0.0f, -0.0f, 1e-45f, -1e-45f, FLT_MIN, -FLT_MIN, FLT_MAX, -FLT_MAX,
                                       inf, -inf, std::numeric_limits<float>::quiet_NaN()};
  const std::vector<float> edges = {8, -8, 9, -9, 10, -10, 15, -15, 20, -20, 88, -88, 89, -89};
  const int64_t n = 33;
  const float base = 0.375f;
  float base_y;
  f(1, &base, &base_y);
  std::vector<float> all = specials;
  all.insert(all.end(), edges.begin(), edges.end());
  for (size_t s = 0; s < all.size(); ++s) {
    const float v = all[s];
    float alone;
    f(1, &v, &alone);
    if (!(check(op, v, alone) <= 1)) fail(op, isa, "special", 0, v, alone);
    // The T4 specials have exact results, except log of positive finite values (<= 4 ulp).
    const bool exact = s < specials.size() && !(std::strcmp(op.name, "log") == 0 && v > 0 && v != inf);
    if (exact && !same_bits(alone, static_cast<float>(op.ref(v))) && !(std::isnan(alone) && std::isnan(op.ref(v)))) {
      fail(op, isa, "special not exact", 0, v, alone);
    }
    for (int64_t p = 0; p < n; ++p) {
      Guarded x(n), y(n);
      for (int64_t i = 0; i < n; ++i) x[i] = base;
      x[p] = v;
      f(n, x.data(), y.data());
      for (int64_t i = 0; i < n; ++i) {
        const float want = i == p ? alone : base_y;
        if (!same_bits(y[i], want) && !(std::isnan(y[i]) && std::isnan(want))) fail(op, isa, "lane-dependent", i, x[i], y[i]);
      }
    }
  }
}

}  // namespace

// Every SIMD ISA gives the first one's bits for every input of a stride through all 2^32 bit patterns (NaN,
// infinities, subnormals included) and the thresholds.
void test_same_bits(const Op& op, const std::vector<Isa>& isas) {
  std::vector<float> x;
  for (uint64_t bits = 0; bits < (uint64_t{1} << 32); bits += 1021) {
    const uint32_t b = static_cast<uint32_t>(bits);
    float v;
    std::memcpy(&v, &b, sizeof v);
    x.push_back(v);
  }
  for (float e : op.edges) {
    for (int k = -300; k <= 300; ++k) x.push_back(k < 0 ? next_down(e, -k) : next_up(e, k));
  }
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<float> first(x.size()), y(x.size());
  op.select(isas[0])(n, x.data(), first.data());
  for (size_t k = 1; k < isas.size(); ++k) {
    op.select(isas[k])(n, x.data(), y.data());
    int64_t bad = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (!same_bits(y[i], first[i]) && bad++ < 5) {
        std::printf("FAIL %s: %s gives %a, %s %a for x = %a\n", op.name, nodegrad::runtime::isa_name(isas[k]), y[i],
                    nodegrad::runtime::isa_name(isas[0]), first[i], x[i]);
      }
    }
    failures += bad > 0;
  }
}

int main() {
  using namespace nodegrad::kernels;
  const float ln_max = 88.72283935546875f, ln_min_normal = -87.33654022216797f;
  const std::vector<Op> ops = {
      {"exp", vexp_f32, exp_ref, -104, 89, 89, false, true, 0,
       {ln_max, ln_min_normal, -103.27892f, -103.97208f, 0.0f, 0.34657359f, -0.34657359f}},
      {"log", vlog_f32, log_ref, 0, 10, FLT_MAX, true, true, 0,
       {1.0f, FLT_MIN, 0.70710677f, 1.4142135f, 1e-45f, 2.0f, 0.5f}},
      {"tanh", vtanh_f32, tanh_ref, -10, 10, 100, false, false, 10,
       {0.625f, -0.625f, 8.0f, 9.0f, 9.01f, -9.01f, 10.0f, 0.0f, 44.5f}},
      {"sigmoid", vsigmoid_f32, sigmoid_ref, -40, 40, 120, false, false, 40,
       {0.0f, 40.0f, -40.0f, 16.6f, ln_min_normal, -ln_max, -103.27892f, -103.97208f}},
  };
  for (Isa isa : available_isas()) {
    for (const Op& op : ops) {
      const UnaryF32 f = op.select(isa);
      worst_ulp = 0;
      test_lengths(op, isa, f);
      test_dense(op, isa, f);
      test_specials(op, isa, f);
      std::printf("%-8s %-7s worst %.2f ulp (within the checked ranges)\n", op.name, nodegrad::runtime::isa_name(isa), worst_ulp);
    }
  }
  std::vector<Isa> simd_isas = available_isas();
  simd_isas.erase(simd_isas.begin());  // scalar
  if (simd_isas.size() > 1) {
    for (const Op& op : ops) test_same_bits(op, simd_isas);
  }
  if (failures > 0) {
    std::printf("%d failure(s) (seed %llu; replay with NODEGRAD_SEED)\n", failures,
                static_cast<unsigned long long>(Rng(0).seed()));
    return 1;
  }
  std::printf("test_simd: all passed\n");
  return 0;
}
