// GEMM kernel tests (TESTING.md T1) for every ISA this CPU runs, against a float64 reference: tiny sizes
// exhaustively, every micro-kernel's tile edges, the cache-block edges, medium sizes (random-probe residual),
// alpha/beta and NaN conventions, padded leading dimensions with rogue values, thread-count determinism, the
// column-split entry point gemm_f32_split_n, leading dimensions at the L1 set stride, and the ISA's pack of B
// not transposed against the portable one.
// Inputs and C sit in guard-page buffers, so any access past their last element faults.
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "../kernels/gemm/gemm.h"
#include "../kernels/gemm/gemm_config.h"
#include "check.h"

using namespace nodegrad;
using kernels::GemmOptions;
using runtime::Isa;

namespace {

constexpr double kEps32 = 0x1.0p-23;
constexpr uint32_t kSentinel = 0x7fc0dea0;  // C padding: a NaN with a payload, must survive bit for bit
constexpr float kRogue = -1e10f;            // A/B padding: must never reach C

enum class Mode { exact, random };
enum class Fill { values, c_nan, c_inf, a_nan };

struct Case {
  int64_t m, n, k;
  bool ta = false, tb = false;
  float alpha = 1.0f, beta = 0.0f;
  int64_t pad = 0;  // extra elements per stored row of A, B and C
  Mode mode = Mode::random;
  Fill fill = Fill::values;
  kernels::GemmPath path = kernels::GemmPath::automatic;
  int64_t lda = 0, ldb = 0;  // when nonzero, A's and B's leading dimensions instead of the row width plus pad
};

int64_t span(int64_t rows, int64_t cols, int64_t ld) { return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols; }
// A leading dimension: the row width plus padding, at least 1 (BLAS requires ld >= max(1, cols)).
int64_t ld(int64_t cols, int64_t pad) { return (cols > 0 ? cols : 1) + pad; }
uint32_t bits(float x) { uint32_t u; std::memcpy(&u, &x, 4); return u; }
float from_bits(uint32_t u) { float x; std::memcpy(&x, &u, 4); return x; }

// A view of the last `size` floats of a reused guard-page mapping (grown when too small).
class Region {
 public:
  Region(std::unique_ptr<test::GuardedBuffer<float>>& arena, int64_t size) : size_(static_cast<size_t>(size)) {
    if (!arena || arena->size() < size_) arena = std::make_unique<test::GuardedBuffer<float>>(size_ * 2 + 4096);
    data_ = arena->tail(size_);
  }
  float* data() { return data_; }
  const float* data() const { return data_; }
  size_t size() const { return size_; }
  float& operator[](size_t i) { return data_[i]; }
  const float& operator[](size_t i) const { return data_[i]; }

 private:
  size_t size_;
  float* data_;
};

std::unique_ptr<test::GuardedBuffer<float>> g_arena_a, g_arena_b, g_arena_c;

struct Operands {
  int64_t lda, ldb, ldc;
  Region a, b, c;
  std::vector<float> a0, b0, c0;
  Operands(const Case& s, test::Rng& rng)
      : lda(s.lda != 0 ? s.lda : ld(s.ta ? s.m : s.k, s.pad)),
        ldb(s.ldb != 0 ? s.ldb : ld(s.tb ? s.k : s.n, s.pad)),
        ldc(ld(s.n, s.pad)),
        a(g_arena_a, span(s.ta ? s.k : s.m, s.ta ? s.m : s.k, lda)),
        b(g_arena_b, span(s.tb ? s.n : s.k, s.tb ? s.k : s.n, ldb)),
        c(g_arena_c, span(s.m, s.n, ldc)) {
    auto value = [&] { return s.mode == Mode::exact ? static_cast<float>(rng.integer(-3, 3)) : rng.uniform(-1, 1); };
    auto fill = [&](Region& buf, int64_t ld, int64_t cols, float pad_value) {
      for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<int64_t>(i % ld) < cols ? value() : pad_value;
    };
    fill(a, lda, s.ta ? s.m : s.k, kRogue);
    fill(b, ldb, s.tb ? s.k : s.n, kRogue);
    fill(c, ldc, s.n, from_bits(kSentinel));
    for (size_t i = 0; i < c.size(); ++i) {
      if (static_cast<int64_t>(i % ldc) >= s.n) continue;
      if (s.fill == Fill::c_nan) c[i] = i % 2 ? NAN : -NAN;
      if (s.fill == Fill::c_inf) c[i] = i % 2 ? INFINITY : -INFINITY;
    }
    if (s.fill == Fill::a_nan && a.size() > 0) a[0] = NAN;
    a0.assign(a.data(), a.data() + a.size());
    b0.assign(b.data(), b.data() + b.size());
    c0.assign(c.data(), c.data() + c.size());
  }
  float A(const Case& s, int64_t i, int64_t p) const { return s.ta ? a0[p * lda + i] : a0[i * lda + p]; }
  float B(const Case& s, int64_t p, int64_t j) const { return s.tb ? b0[j * ldb + p] : b0[p * ldb + j]; }
};

void describe(char* out, size_t size, const char* label, const Case& s) {
  std::snprintf(out, size,
                "%s m=%lld n=%lld k=%lld ta=%d tb=%d alpha=%g beta=%g pad=%lld lda=%lld ldb=%lld %s fill=%d path=%d",
                label, (long long)s.m, (long long)s.n, (long long)s.k, s.ta, s.tb, s.alpha, s.beta, (long long)s.pad,
                (long long)s.lda, (long long)s.ldb, s.mode == Mode::exact ? "exact" : "random",
                static_cast<int>(s.fill), static_cast<int>(s.path));
}

bool call(runtime::Context& ctx, const Case& s, Operands& x) {
  GemmOptions o;
  o.trans_a = s.ta;
  o.trans_b = s.tb;
  o.alpha = s.alpha;
  o.beta = s.beta;
  return kernels::gemm_f32_path(ctx, s.m, s.n, s.k, x.a.data(), x.lda, x.b.data(), x.ldb, x.c.data(), x.ldc, o,
                                s.path) == runtime::Status::ok;
}

// Checks that A and B are unchanged and C's padding still holds the sentinel.
bool untouched(const Case& s, const Operands& x, const char* where) {
  const bool a_same = x.a.size() == 0 || std::memcmp(x.a.data(), x.a0.data(), x.a.size() * 4) == 0;
  const bool b_same = x.b.size() == 0 || std::memcmp(x.b.data(), x.b0.data(), x.b.size() * 4) == 0;
  bool pad_same = true;
  for (size_t i = 0; i < x.c.size(); ++i) {
    if (static_cast<int64_t>(i % x.ldc) >= s.n && bits(x.c[i]) != kSentinel) pad_same = false;
  }
  CHECK_MSG(a_same && b_same && pad_same, "%s: A changed %d, B changed %d, C padding changed %d", where, !a_same,
            !b_same, !pad_same);
  return a_same && b_same && pad_same;
}

// Every element against the float64 reference: bitwise in exact mode, else within (k+2)·eps32·G.
bool run_and_check(runtime::Context& ctx, const Case& s, Operands& x, const char* label) {
  char where[256];
  describe(where, sizeof(where), label, s);
  if (!call(ctx, s, x)) {
    CHECK_MSG(false, "%s: gemm_f32 failed", where);
    return false;
  }
  if (!untouched(s, x, where)) return false;
  for (int64_t i = 0; i < s.m; ++i) {
    for (int64_t j = 0; j < s.n; ++j) {
      double sum = 0, g = 0;
      if (s.alpha != 0.0f) {
        for (int64_t p = 0; p < s.k; ++p) {
          const double prod = static_cast<double>(x.A(s, i, p)) * x.B(s, p, j);
          sum += prod;
          g += std::fabs(prod);
        }
      }
      double ref = s.alpha * sum, bound_g = std::fabs(s.alpha) * g;
      if (s.beta != 0.0f) {
        ref += static_cast<double>(s.beta) * x.c0[i * x.ldc + j];
        bound_g += std::fabs(s.beta) * std::fabs(static_cast<double>(x.c0[i * x.ldc + j]));
      }
      const float got = x.c[i * x.ldc + j];
      bool ok;
      if (std::isnan(ref)) ok = std::isnan(got);
      else if (std::isinf(ref)) ok = got == ref;
      else if (s.mode == Mode::exact) ok = got == static_cast<float>(ref);
      else ok = std::fabs(got - ref) <= (s.k + 2) * kEps32 * bound_g + 1e-30;
      if (!ok) {
        CHECK_MSG(false, "%s: C[%lld,%lld] = %.9g, expected %.9g", where, (long long)i, (long long)j, got, ref);
        return false;
      }
    }
  }
  return true;
}

bool run_case(runtime::Context& ctx, const Case& s, test::Rng& rng, const char* label) {
  Operands x(s, rng);
  return run_and_check(ctx, s, x, label);
}

// Medium sizes: the random-probe residual C·t against beta·C0·t + alpha·A·(B·t), all in float64, O(n^2).
bool probe_case(runtime::Context& ctx, const Case& s, test::Rng& rng, const char* label) {
  Operands x(s, rng);
  char where[256];
  describe(where, sizeof(where), label, s);
  if (!call(ctx, s, x) || !untouched(s, x, where)) return false;
  std::vector<double> t(s.n), bt(s.k, 0.0), abs_bt(s.k, 0.0);
  for (auto& v : t) v = rng.uniform(-1, 1);
  for (int64_t p = 0; p < s.k; ++p) {
    for (int64_t j = 0; j < s.n; ++j) {
      bt[p] += x.B(s, p, j) * t[j];
      abs_bt[p] += std::fabs(x.B(s, p, j) * t[j]);
    }
  }
  for (int64_t i = 0; i < s.m; ++i) {
    double y = 0, z = 0, g = 0;
    for (int64_t j = 0; j < s.n; ++j) {
      y += x.c[i * x.ldc + j] * t[j];
      if (s.beta != 0.0f) {
        z += s.beta * x.c0[i * x.ldc + j] * t[j];
        g += std::fabs(s.beta * x.c0[i * x.ldc + j] * t[j]);
      }
    }
    for (int64_t p = 0; p < s.k; ++p) {
      z += s.alpha * x.A(s, i, p) * bt[p];
      g += std::fabs(s.alpha * x.A(s, i, p)) * abs_bt[p];
    }
    // The probe's own float64 rounding is ~1e-16 relative: far below the fp32 bound.
    if (!(std::fabs(y - z) <= (s.k + 2) * kEps32 * g + 1e-12 * g + 1e-30)) {
      CHECK_MSG(false, "%s: probe row %lld: %.9g vs %.9g", where, (long long)i, y, z);
      return false;
    }
  }
  return true;
}

void tiny_exhaustive(runtime::Context& ctx, test::Rng& rng) {
  const int64_t sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17};
  const float exact_alpha[] = {1, -1, 2, 0}, exact_beta[] = {0, 1, -1, 2};
  const float rand_alpha[] = {1, -1, 0.7f, 0}, rand_beta[] = {0, 1, 1.3f};
  int counter = 0;
  for (Mode mode : {Mode::exact, Mode::random}) {
    for (int t = 0; t < 4; ++t) {
      for (int64_t m : sizes) {
        for (int64_t n : sizes) {
          for (int64_t k : sizes) {
            Case s{m, n, k, (t & 1) != 0, (t & 2) != 0};
            s.mode = mode;
            ++counter;
            s.alpha = mode == Mode::exact ? exact_alpha[counter % 4] : rand_alpha[counter % 4];
            s.beta = mode == Mode::exact ? exact_beta[(counter / 4) % 4] : rand_beta[(counter / 4) % 3];
            s.pad = counter % 2 ? 3 : 0;
            if (!run_case(ctx, s, rng, "tiny")) return;
          }
        }
      }
    }
  }
}

std::vector<int64_t> edges(int64_t r) {
  std::vector<int64_t> v;
  for (int64_t i = 1; i <= r; ++i) v.push_back(i);
  for (int64_t e : {r + 1, 2 * r - 1, 2 * r, 2 * r + 1}) v.push_back(e);
  return v;
}

// The ISA's pack of B not transposed against the portable pack, float for float (padding included): widths
// across every panel edge, kc 1 and odd, rows at and past the width apart. The source ends at a guard page.
void pack_b_n(const kernels::GemmConfigF32& cfg, test::Rng& rng) {
  if (cfg.pack_b_n == nullptr) return;
  std::vector<int64_t> widths = edges(cfg.nr);
  widths.push_back(3 * cfg.nr + 5);
  for (int64_t nc : widths) {
    for (int64_t kc : {1, 2, 3, 17}) {
      for (int64_t ldb : {nc, nc + 3}) {
        Region b(g_arena_b, span(kc, nc, ldb));
        for (size_t i = 0; i < b.size(); ++i) b[i] = rng.uniform(-1, 1);
        const size_t size = static_cast<size_t>((nc + cfg.nr - 1) / cfg.nr * cfg.nr * kc);
        std::vector<float> want(size, from_bits(kSentinel)), got(size, from_bits(kSentinel));
        kernels::gemm_pack_b_f32(cfg.nr, kc, nc, b.data(), ldb, false, want.data());
        cfg.pack_b_n(kc, nc, b.data(), ldb, got.data());
        size_t bad = 0;
        while (bad < size && bits(got[bad]) == bits(want[bad])) ++bad;
        CHECK_MSG(bad == size, "pack_b_n nr %d nc %lld kc %lld ldb %lld: float %zu is %g, want %g", cfg.nr,
                  (long long)nc, (long long)kc, (long long)ldb, bad, bad < size ? got[bad] : 0.0f,
                  bad < size ? want[bad] : 0.0f);
        if (bad != size) return;
      }
    }
  }
}

void tile_edges(runtime::Context& ctx, const kernels::GemmConfigF32& cfg, test::Rng& rng) {
  int counter = 0;
  for (int64_t m : edges(cfg.mr)) {
    for (int64_t n : edges(cfg.nr)) {
      for (int64_t k : {1, 2, 3, 17}) {
        ++counter;
        Case s{m, n, k, (counter & 1) != 0, (counter & 2) != 0};
        s.mode = counter % 3 == 0 ? Mode::random : Mode::exact;
        s.beta = counter % 5 == 0 ? 1.0f : 0.0f;
        s.pad = counter % 7 == 0 ? 3 : 0;
        if (!run_case(ctx, s, rng, "tile edge")) return;
      }
    }
  }
}

// MC, NC and KC each +-1, one dimension at a time, both on the in-place path and the packed path.
void block_edges(runtime::Context& ctx, const kernels::GemmConfigF32& cfg, test::Rng& rng, bool quick) {
  const int64_t sm = 2 * cfg.mr + 1, sn = 2 * cfg.nr + 1;
  int counter = 0;
  for (int dim = 0; dim < 3; ++dim) {
    const int64_t block = dim == 0 ? cfg.mc : dim == 1 ? cfg.nc : cfg.kc;
    for (int64_t d : {block - 1, block, block + 1}) {
      for (bool packed : {false, true}) {
        for (int t = 0; t < 4; ++t) {
          if (quick && t != 0 && t != 3) continue;
          Case s{sm, sn, 5, (t & 1) != 0, (t & 2) != 0};
          s.path = packed ? kernels::GemmPath::packed : kernels::GemmPath::direct;
          if (dim == 0) s.m = d, s.k = packed ? 160 : 5;
          if (dim == 1) s.n = d, s.k = packed ? 64 : 5;
          if (dim == 2) s.k = d, s.n = packed ? 130 : sn, s.m = packed ? 130 : sm;
          s.mode = ++counter % 2 ? Mode::exact : Mode::random;
          s.beta = counter % 3 == 0 ? -1.0f : 0.0f;
          s.pad = counter % 4 == 0 ? 3 : 0;
          if (!run_case(ctx, s, rng, "block edge")) return;
        }
      }
    }
  }
}

// Every tile edge and transpose on both paths (packed panels, operands read in place), k across the packing
// routines' 16-step blocks: each checked against the reference, and the two paths bitwise equal.
void paths(runtime::Context& ctx, const kernels::GemmConfigF32& cfg, test::Rng& rng, bool quick) {
  int counter = 0;
  for (int t = 0; t < 4; ++t) {
    for (int64_t m : edges(cfg.mr)) {
      for (int64_t n : edges(cfg.nr)) {
        for (int64_t k : {1, 15, 16, 17, 33}) {
          ++counter;
          if (quick && counter % 4 != 0) continue;
          Case s{m, n, k, (t & 1) != 0, (t & 2) != 0};
          s.alpha = counter % 3 == 0 ? 0.7f : 1.0f;
          s.beta = counter % 3 == 1 ? 1.3f : counter % 3 == 2 ? 1.0f : 0.0f;
          s.fill = s.beta == 0.0f ? Fill::c_nan : Fill::values;
          s.pad = counter % 2 ? 3 : 0;
          Operands x(s, rng);
          s.path = kernels::GemmPath::packed;
          if (!run_and_check(ctx, s, x, "path packed")) return;
          const std::vector<float> packed(x.c.data(), x.c.data() + x.c.size());
          std::memcpy(x.c.data(), x.c0.data(), x.c0.size() * 4);
          s.path = kernels::GemmPath::direct;
          if (!run_and_check(ctx, s, x, "path direct")) return;
          char where[256];
          describe(where, sizeof(where), "paths", s);
          const bool same = std::memcmp(x.c.data(), packed.data(), packed.size() * 4) == 0;
          CHECK_MSG(same, "%s: packed and direct differ", where);
          if (!same) return;
        }
      }
    }
  }
}

void medium(runtime::Context& ctx, test::Rng& rng, bool quick) {
  const int64_t sizes[] = {31, 33, 64, 127, 255, 257};
  int counter = 0;
  for (int64_t m : sizes) {
    for (int64_t n : sizes) {
      for (int64_t k : sizes) {
        for (int t = 0; t < 4; ++t) {
          ++counter;
          if (quick && rng.integer(0, 15) != 0) continue;
          Case s{m, n, k, (t & 1) != 0, (t & 2) != 0};
          s.alpha = counter % 3 == 0 ? 0.7f : 1.0f;
          s.beta = counter % 2 == 0 ? 1.3f : 0.0f;
          s.pad = counter % 5 == 0 ? 3 : 0;
          if (!probe_case(ctx, s, rng, "medium")) return;
        }
      }
    }
  }
  for (int i = 0; i < (quick ? 4 : 20); ++i) {  // full comparison on a seeded sample
    Case s{sizes[rng.integer(0, 5)], sizes[rng.integer(0, 5)], sizes[rng.integer(0, 5)], rng.integer(0, 1) == 1,
           rng.integer(0, 1) == 1};
    s.beta = rng.integer(0, 1) ? 1.3f : 0.0f;
    if (!run_case(ctx, s, rng, "medium full")) return;
  }
}

void scalars_and_nan(runtime::Context& ctx, test::Rng& rng) {
  for (float alpha : {0.0f, 1.0f, -1.0f, 0.7f}) {
    for (float beta : {0.0f, 1.0f, 1.3f}) {
      for (Fill fill : {Fill::values, Fill::c_nan, Fill::c_inf, Fill::a_nan}) {
        for (int64_t size : {5, 37, 200}) {
          Case s{size, size + 1, size + 2};
          s.alpha = alpha;
          s.beta = beta;
          s.fill = fill;
          s.pad = 3;
          if (!run_case(ctx, s, rng, "scalars")) return;
        }
      }
    }
  }
  // k = 0 scales C by beta; m = 0 or n = 0 touches nothing (C is all padding then).
  for (float beta : {0.0f, 1.0f, 1.3f}) {
    Case s{6, 7, 0};
    s.beta = beta;
    s.fill = Fill::c_inf;
    run_case(ctx, s, rng, "k=0");
  }
  run_case(ctx, Case{0, 5, 5}, rng, "m=0");
  run_case(ctx, Case{5, 0, 5}, rng, "n=0");
}

// Results must be bitwise identical for any thread count, and when called from inside a parallel task.
void determinism(Isa isa, const Case& s, test::Rng& rng) {
  runtime::Context one(isa, 1), two(isa, 2), three(isa, 3);
  Operands x1(s, rng);
  const std::vector<float> c_init = x1.c0;
  call(one, s, x1);
  const std::vector<float> expect(x1.c.data(), x1.c.data() + x1.c.size());
  for (runtime::Context* ctx : {&two, &three}) {
    std::memcpy(x1.c.data(), c_init.data(), c_init.size() * 4);
    call(*ctx, s, x1);
    CHECK_MSG(std::memcmp(x1.c.data(), expect.data(), expect.size() * 4) == 0, "%s: %d threads differ from 1 thread",
              runtime::isa_name(isa), ctx->pool.num_threads());
  }
  // Nested: four independent GEMMs from inside a parallel_for, each on its own thread's scratch.
  std::vector<std::vector<float>> outs(4, std::vector<float>(c_init.size()));
  two.pool.parallel_for(4, [&](int64_t t, int) {
    GemmOptions o;
    o.trans_a = s.ta;
    o.trans_b = s.tb;
    o.alpha = s.alpha;
    o.beta = s.beta;
    std::memcpy(outs[t].data(), c_init.data(), c_init.size() * 4);
    kernels::gemm_f32(two, s.m, s.n, s.k, x1.a0.data(), x1.lda, x1.b0.data(), x1.ldb, outs[t].data(), x1.ldc, o);
  });
  for (const auto& out : outs) {
    CHECK_MSG(std::memcmp(out.data(), expect.data(), out.size() * 4) == 0, "%s: nested GEMM differs",
              runtime::isa_name(isa));
  }
}

// Leading dimensions that are multiples of kGemmSetStride (A not transposed then packed instead of read in
// place, B given a shorter kc or packed: see gemm.cc) and ones just off them, k >= 1024, on shapes that meet the
// rules' row and column conditions (with edge tiles) and one that misses them: each against the reference,
// beta 0 over NaN, and the automatic, in-place and packed paths on 1 thread and automatic on 2 bitwise equal.
void set_strides(Isa isa, const kernels::GemmConfigF32& cfg, test::Rng& rng, bool quick) {
  const int64_t mr = cfg.mr, nr = cfg.nr, set = kernels::kGemmSetStride;
  const int64_t shapes[][2] = {{4 * mr + 3, 4 * nr + 5}, {mr + 2, 4 * nr}, {2 * mr, nr + 3}};
  runtime::Context one(isa, 1), two(isa, 2);
  int counter = 0;
  for (const auto& sh : shapes) {
    for (int64_t ldb : {set, set + 16}) {
      for (bool a_set : {true, false}) {
        for (bool ta : {false, true}) {
          const int variant = counter++ % 3;
          if (quick && counter % 2 != 0) continue;
          Case s{sh[0], sh[1], set + 37, ta, false};
          s.lda = ta ? (a_set ? set : s.m + 3) : (a_set ? 2 * set : set + 64);
          s.ldb = ldb;
          s.alpha = variant == 1 ? 0.7f : variant == 2 ? -1.0f : 1.0f;
          s.beta = variant == 1 ? 1.3f : variant == 2 ? 1.0f : 0.0f;
          s.fill = s.beta == 0.0f ? Fill::c_nan : Fill::values;
          Operands x(s, rng);
          if (!run_and_check(one, s, x, "set stride")) return;
          const std::vector<float> expect(x.c.data(), x.c.data() + x.c.size());
          char where[256];
          describe(where, sizeof(where), "set stride", s);
          for (int run = 0; run < 3; ++run) {
            std::memcpy(x.c.data(), x.c0.data(), x.c0.size() * 4);
            s.path = run == 0 ? kernels::GemmPath::direct : run == 1 ? kernels::GemmPath::packed
                                                                    : kernels::GemmPath::automatic;
            call(run == 2 ? two : one, s, x);
            const bool same = std::memcmp(x.c.data(), expect.data(), expect.size() * 4) == 0;
            CHECK_MSG(same, "%s: %s differs from automatic on 1 thread", where,
                      run == 0 ? "in place" : run == 1 ? "packed" : "2 threads");
            if (!same) return;
          }
        }
      }
    }
  }
}

// A GEMM issued right after the pool starts must not wait for a worker that missed its job.
void fresh_pools(Isa isa, test::Rng& rng) {
  const Case s{64, 64, 1100};  // above the parallel threshold
  Operands x(s, rng);
  for (int i = 0; i < 50; ++i) {
    runtime::Context ctx(isa, 2);
    call(ctx, s, x);
  }
}

// gemm_f32_split_n: op(B) and C split by columns into two matrices each (padded rows: rogue values in B's,
// sentinels in C's, which must survive), with the split inside a register tile, on a tile edge, in the first
// panel, across depth blocks and column blocks; against the float64 reference, and bitwise the same on 1 and 2
// threads. beta 0 over a NaN-filled C must not leak it.
void split_columns(Isa isa, const kernels::GemmConfigF32& cfg, test::Rng& rng, bool quick) {
  const int64_t mr = cfg.mr, nr = cfg.nr;
  struct Shape {
    int64_t m, n1, n2, k;
  };
  std::vector<Shape> shapes = {{1, 1, 1, 1},
                               {mr + 1, nr - 1, nr + 3, 7},
                               {2 * mr + 3, nr, 2 * nr + 5, 40},
                               {3 * mr, nr + 5, 1, 33},
                               {37, 3, 2 * nr, 64},
                               {mr, 2 * nr, nr / 2 + 1, cfg.kc + 3},
                               {150, 4 * nr + 3, 3 * nr + 1, 300}};  // in parallel on 2 threads
  if (!quick) shapes.push_back({20, cfg.nc - 5, nr + 7, 9});  // the split in the first column block, the second all B2
  runtime::Context one(isa, 1), two(isa, 2);
  for (const Shape& sh : shapes) {
    for (int variant = 0; variant < 4; ++variant) {
      const bool ta = variant & 1;
      GemmOptions o;
      o.trans_a = ta;
      o.alpha = variant & 2 ? 0.7f : 1.0f;
      o.beta = variant & 2 ? 1.0f : 0.0f;
      const int64_t m = sh.m, n1 = sh.n1, n2 = sh.n2, k = sh.k;
      const int64_t lda = (ta ? m : k) + 1, ldb = n1 + 2, ldb2 = n2 + 3, ldc = n1 + 1, ldc2 = n2 + 4;
      test::GuardedBuffer<float> a(static_cast<size_t>(span(ta ? k : m, ta ? m : k, lda)));
      test::GuardedBuffer<float> b(static_cast<size_t>(span(k, n1, ldb))), b2(static_cast<size_t>(span(k, n2, ldb2)));
      auto fill = [&](float* d, size_t size, int64_t ld, int64_t cols, float pad) {
        for (size_t i = 0; i < size; ++i) d[i] = static_cast<int64_t>(i % ld) < cols ? rng.uniform() : pad;
      };
      fill(a.data(), a.size(), lda, ta ? m : k, kRogue);
      fill(b.data(), b.size(), ldb, n1, kRogue);
      fill(b2.data(), b2.size(), ldb2, n2, kRogue);
      std::vector<float> c0(static_cast<size_t>(span(m, n1, ldc))), c20(static_cast<size_t>(span(m, n2, ldc2)));
      fill(c0.data(), c0.size(), ldc, n1, from_bits(kSentinel));
      fill(c20.data(), c20.size(), ldc2, n2, from_bits(kSentinel));
      if (o.beta == 0.0f) {
        for (size_t i = 0; i < c0.size(); ++i) c0[i] = static_cast<int64_t>(i % ldc) < n1 ? NAN : c0[i];
        for (size_t i = 0; i < c20.size(); ++i) c20[i] = static_cast<int64_t>(i % ldc2) < n2 ? NAN : c20[i];
      }
      std::vector<float> got[2][2];
      for (int t = 0; t < 2; ++t) {
        test::GuardedBuffer<float> c(c0.size()), c2(c20.size());
        std::memcpy(c.data(), c0.data(), c0.size() * 4);
        std::memcpy(c2.data(), c20.data(), c20.size() * 4);
        const runtime::Status st = kernels::gemm_f32_split_n(t == 0 ? one : two, m, n1, n2, k, a.data(), lda, b.data(),
                                                             ldb, b2.data(), ldb2, c.data(), ldc, c2.data(), ldc2, o);
        CHECK(st == runtime::Status::ok);
        got[t][0].assign(c.data(), c.data() + c.size());
        got[t][1].assign(c2.data(), c2.data() + c2.size());
      }
      char where[160];
      std::snprintf(where, sizeof(where), "%s split m=%lld n1=%lld n2=%lld k=%lld ta=%d beta=%g",
                    runtime::isa_name(isa), (long long)m, (long long)n1, (long long)n2, (long long)k, ta, o.beta);
      CHECK_MSG(std::memcmp(got[0][0].data(), got[1][0].data(), got[0][0].size() * 4) == 0,
                "%s: C differs between 1 and 2 threads", where);
      CHECK_MSG(std::memcmp(got[0][1].data(), got[1][1].data(), got[0][1].size() * 4) == 0,
                "%s: C2 differs between 1 and 2 threads", where);
      int bad = 0;
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < ldc + ldc2; ++j) {
          const bool second = j >= ldc;
          const int64_t jj = second ? j - ldc : j, cols = second ? n2 : n1, ldx = second ? ldc2 : ldc;
          const std::vector<float>& cv = got[0][second];
          const std::vector<float>& cin = second ? c20 : c0;
          if (i * ldx + jj >= static_cast<int64_t>(cv.size())) continue;
          const float v = cv[i * ldx + jj];
          if (jj >= cols) {
            bad += bits(v) != kSentinel;
            continue;
          }
          double ref = o.beta == 0.0f ? 0.0 : double(o.beta) * cin[i * ldx + jj], g = std::fabs(ref);
          for (int64_t p = 0; p < k; ++p) {
            const double x = ta ? a[p * lda + i] : a[i * lda + p];
            const double y = second ? b2[p * ldb2 + jj] : b[p * ldb + jj];
            ref += double(o.alpha) * x * y;
            g += std::fabs(double(o.alpha) * x * y);
          }
          bad += !(std::fabs(v - ref) <= (k + 2) * kEps32 * g);
        }
      }
      CHECK_MSG(bad == 0, "%s: %d elements off the reference or padding overwritten", where, bad);
    }
  }
}

void out_of_memory(Isa isa, test::Rng& rng) {
  runtime::Context ctx(isa, 1);
  ctx.workspace.set_cap(1024);
  Case s{300, 300, 300};
  Operands x(s, rng);
  CHECK_MSG(!call(ctx, s, x), "%s: a workspace over the cap must fail with out_of_memory", runtime::isa_name(isa));
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IONBF, 0);  // progress survives a guard-page fault
  const runtime::CpuFeatures features = runtime::detect_cpu_features();
  const bool quick = std::getenv("NODEGRAD_TEST_QUICK") != nullptr;  // e.g. under qemu
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (!runtime::isa_supported(features, isa)) continue;
    const kernels::GemmConfigF32 cfg = kernels::gemm_config_f32(isa);
    std::printf("%s: %s, mc %lld kc %lld nc %lld\n", runtime::isa_name(isa), cfg.name, (long long)cfg.mc,
                (long long)cfg.kc, (long long)cfg.nc);
    CHECK(cfg.mc % cfg.mr == 0 && cfg.nc % cfg.nr == 0 && cfg.mr * cfg.nr <= 14 * 32);
    test::Rng rng(static_cast<uint64_t>(isa) + 1);
    runtime::Context ctx(isa, 1);
    auto t0 = std::chrono::steady_clock::now();
    auto lap = [&](const char* what) { auto t1 = std::chrono::steady_clock::now(); std::printf("  %s %.2fs\n", what, std::chrono::duration<double>(t1 - t0).count()); t0 = t1; };
    tiny_exhaustive(ctx, rng); lap("tiny");
    pack_b_n(cfg, rng);
    tile_edges(ctx, cfg, rng); lap("tile");
    paths(ctx, cfg, rng, quick); lap("paths");
    block_edges(ctx, cfg, rng, quick); lap("block");
    scalars_and_nan(ctx, rng); lap("scalars");
    medium(ctx, rng, quick); lap("medium");
    runtime::Context ctx2(isa, 2);
    block_edges(ctx2, cfg, rng, true); lap("block2");
    determinism(isa, Case{301, 299, 300, false, true, 1.0f, 0.5f}, rng);  // packed, threads over C blocks
    determinism(isa, Case{170, 190, 200, false, false, 0.7f, 1.0f}, rng);  // in place, threads over C blocks
    split_columns(isa, cfg, rng, quick); lap("split");
    set_strides(isa, cfg, rng, quick); lap("set strides");
    fresh_pools(isa, rng);
    out_of_memory(isa, rng); lap("det");
  }
  return test::finish(argc > 0 ? argv[0] : "test_gemm");
}
