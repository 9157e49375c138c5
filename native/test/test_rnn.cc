// The fused RNN gate kernels (native/kernels/rnn/rnn_gates.h) on every ISA this CPU runs, against the
// scalar reference kernels:
//   - block lengths 0..33 (every 2W+1 for W = 4, 8, 16) and 50, 100, each operand in its own buffer ending
//     on a PROT_NONE page with a sentinel before it (a tail over-read faults, an under-write shows);
//   - random inputs with saturating (+-1e30), infinite and NaN pre-activations planted at chosen lanes:
//     finite inputs give finite outputs, NaN propagates to its own lane only;
//   - a block split anywhere gives bitwise the same results as the whole row (what lets the driver split
//     hidden units across threads without changing results).
// And the sequence drivers (rnn.h) on every ISA, forward and backward, with several row and unit blocks per
// step: bitwise the same at 1 and 2 threads, and within float32 rounding of the scalar ISA's drivers (other
// micro-kernel tiles, so a block-indexing error in the step split shows up as an O(1) difference).
#include <algorithm>
#include <functional>

#include "kernels/rnn/rnn.h"
#include "kernels/rnn/rnn_gates.h"
#include "test_simd_util.h"

using namespace test_util;
using namespace nodegrad::kernels;

namespace {

constexpr double kEps32 = 0x1p-23;
int failures = 0;

struct Variant {
  const char* name;
  RnnGateFn fwd[4];
  RnnGateGradFn bwd[4];
};

const char* const kModes[4] = {"rnn_tanh", "rnn_relu", "lstm", "gru"};
constexpr int kGates[4] = {1, 1, 4, 3};

#define NODEGRAD_VARIANT(isa)                                                                              \
  Variant {                                                                                                \
    #isa, {rnn_gates_tanh_f32__##isa, rnn_gates_relu_f32__##isa, lstm_gates_f32__##isa, gru_gates_f32__##isa}, \
    {rnn_gates_grad_tanh_f32__##isa, rnn_gates_grad_relu_f32__##isa, lstm_gates_grad_f32__##isa,             \
     gru_gates_grad_f32__##isa}                                                                            \
  }

Variant variant(Isa isa) {
  switch (isa) {
#if defined(__x86_64__)
    case Isa::avx2: return NODEGRAD_VARIANT(avx2);
    case Isa::avx512: return NODEGRAD_VARIANT(avx512);
#endif
#if defined(__aarch64__)
    case Isa::neon: return NODEGRAD_VARIANT(neon);
#endif
    default: return NODEGRAD_VARIANT(scalar);
  }
}

// Every operand of one row, in guarded buffers. Inputs are filled by fill(); outputs start as 0.
struct Row {
  int64_t n;
  Guarded g, bx, bh, h_prev, c_prev, h, c, y, gates;  // forward (g: GRU's n gate sides in blocks 2 and 3)
  Guarded dh, dy, hh, cc, dc, dgx, dghn, dh_prev;            // backward (hh, cc: states this step produced)
  explicit Row(int64_t n_)
      : n(n_), g(4 * n), bx(4 * n), bh(4 * n), h_prev(n), c_prev(n), h(n), c(n), y(n), gates(4 * n),
        dh(n), dy(n), hh(n), cc(n), dc(n), dgx(4 * n), dghn(n), dh_prev(n) {}

  std::vector<Guarded*> all() { return {&g, &bx, &bh, &h_prev, &c_prev, &h, &c, &y, &gates, &dh, &dy, &hh, &cc, &dc, &dgx, &dghn, &dh_prev}; }

  RnnGateRow fwd(int64_t j0, int64_t j1) {
    return RnnGateRow{j1 - j0, n, g.data() + j0, bx.data() + j0, bh.data() + j0, h_prev.data() + j0,
                      c_prev.data() + j0, h.data() + j0, c.data() + j0, y.data() + j0, gates.data() + j0};
  }
  RnnGateGradRow bwd(int64_t j0, int64_t j1) {
    return RnnGateGradRow{j1 - j0, n, dh.data() + j0, dy.data() + j0, gates.data() + j0, h_prev.data() + j0, hh.data() + j0,
                          c_prev.data() + j0, cc.data() + j0, dc.data() + j0, dgx.data() + j0, dghn.data() + j0,
                          dh_prev.data() + j0};
  }
};

void fill(Row& r, uint64_t seed, int64_t special_lane, float special) {
  Rng rng(seed);
  for (Guarded* g : r.all()) for (int64_t i = 0; i < g->size(); ++i) (*g)[i] = 0.0f;
  for (Guarded* g : {&r.g, &r.bx, &r.bh}) for (int64_t i = 0; i < g->size(); ++i) (*g)[i] = rng.uniform(-3, 3);
  for (Guarded* g : {&r.h_prev, &r.c_prev, &r.dh, &r.dy, &r.hh, &r.cc, &r.dc}) for (int64_t i = 0; i < r.n; ++i) (*g)[i] = rng.uniform(-1, 1);
  for (int64_t i = 0; i < 4 * r.n; ++i) r.gates[i] = rng.uniform(0.01, 0.99);  // saved activations
  if (special_lane >= 0 && special_lane < r.n) r.g[special_lane] = special;
}

void expect_near(const char* what, const char* isa, const char* mode, int64_t n, int64_t i, float got, float ref) {
  const bool both_nan = std::isnan(got) && std::isnan(ref);
  if (both_nan || got == ref) return;
  if (std::isnan(got) || std::isnan(ref) || std::fabs(double(got) - ref) > 64 * kEps32 * (1 + std::fabs(double(ref)))) {
    if (++failures < 20) std::printf("FAIL %s %s %s n=%lld [%lld]: got %.9g, scalar %.9g\n", isa, mode, what, (long long)n, (long long)i, got, ref);
  }
}

// Runs `isa` and the scalar kernels on identical inputs; returns the outputs of each for comparison.
void check(const Variant& v, int mode, int64_t n, int64_t special_lane, float special) {
  const Variant ref = variant(Isa::scalar);
  Row a(n), b(n);
  fill(a, 7 + n, special_lane, special);
  fill(b, 7 + n, special_lane, special);
  v.fwd[mode](a.fwd(0, n));
  ref.fwd[mode](b.fwd(0, n));
  // Backward reads the saved gates the forward wrote, so the two sides see their own forward's gates.
  v.bwd[mode](a.bwd(0, n));
  ref.bwd[mode](b.bwd(0, n));
  const int64_t G = kGates[mode];
  auto cmp = [&](const char* what, Guarded& x, Guarded& y, int64_t count) {
    for (int64_t i = 0; i < count; ++i) expect_near(what, v.name, kModes[mode], n, i, x[i], y[i]);
    if (!x.sentinel_intact()) {
      ++failures;
      std::printf("FAIL %s %s %s n=%lld: wrote before the buffer\n", v.name, kModes[mode], what, (long long)n);
    }
  };
  cmp("h", a.h, b.h, n);
  cmp("y", a.y, b.y, n);
  cmp("dgx", a.dgx, b.dgx, G * n);
  cmp("dghn", a.dghn, b.dghn, n);
  if (mode >= 2) cmp("gates", a.gates, b.gates, 4 * n);
  if (mode == 2) {
    cmp("c", a.c, b.c, n);
    cmp("dc", a.dc, b.dc, n);
  }
  if (mode == 3) cmp("dh_prev", a.dh_prev, b.dh_prev, n);
  // Finite inputs give finite outputs (saturated gates included); NaN stays in its lane.
  for (int64_t i = 0; i < n; ++i) {
    const bool nan_lane = i == special_lane && std::isnan(special);
    if (nan_lane != std::isnan(a.h[i])) {
      ++failures;
      std::printf("FAIL %s %s n=%lld lane %lld: h = %g with special %g at lane %lld\n", v.name, kModes[mode], (long long)n,
                  (long long)i, a.h[i], special, (long long)special_lane);
    }
  }
}

// The whole row vs the row in two blocks split at k: bitwise the same.
void check_split(const Variant& v, int mode, int64_t n, int64_t k) {
  Row a(n), b(n);
  fill(a, 99 + n, -1, 0);
  fill(b, 99 + n, -1, 0);
  v.fwd[mode](a.fwd(0, n));
  v.bwd[mode](a.bwd(0, n));
  v.fwd[mode](b.fwd(0, k));
  v.fwd[mode](b.fwd(k, n));
  v.bwd[mode](b.bwd(0, k));
  v.bwd[mode](b.bwd(k, n));
  for (auto [x, y] : {std::pair{&a.h, &b.h}, {&a.c, &b.c}, {&a.gates, &b.gates}, {&a.dgx, &b.dgx}, {&a.dghn, &b.dghn}, {&a.dc, &b.dc}, {&a.dh_prev, &b.dh_prev}}) {
    if (std::memcmp(x->data(), y->data(), static_cast<size_t>(x->size()) * sizeof(float)) != 0) {
      ++failures;
      std::printf("FAIL %s %s n=%lld: splitting at %lld changes the results\n", v.name, kModes[mode], (long long)n, (long long)k);
      return;
    }
  }
}

using Tensors = std::vector<std::vector<float>>;

// Forward then backward of one layer with every optional input and output present; returns y, h_n, c_n and
// every gradient.
Tensors run_sequence(Isa isa, int threads, const RnnShape& s) {
  nodegrad::runtime::Context ctx(isa, threads);
  const int64_t T = s.seq_len, B = s.batch, I = s.input, H = s.hidden, GH = rnn_gate_count(s.mode) * H;
  Rng rng(1234 + static_cast<uint64_t>(s.mode));
  auto random = [&](int64_t n, double scale) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = static_cast<float>(rng.uniform(-scale, scale));
    return v;
  };
  const double w = 1 / std::sqrt(double(H));
  const std::vector<float> x = random(T * B * I, 2), h0 = random(B * H, 1), c0 = random(B * H, 1);
  const std::vector<float> w_ih = random(GH * I, w), w_hh = random(GH * H, w), b_ih = random(GH, w), b_hh = random(GH, w);
  const std::vector<float> dy = random(T * B * H, 1), dh_n = random(B * H, 1), dc_n = random(B * H, 1);
  std::vector<float> reserve(static_cast<size_t>(rnn_reserve_size(s)));
  Tensors out = {std::vector<float>(T * B * H), std::vector<float>(B * H), std::vector<float>(B * H),
                 std::vector<float>(T * B * I), std::vector<float>(B * H), std::vector<float>(B * H),
                 std::vector<float>(GH * I), std::vector<float>(GH * H), std::vector<float>(GH), std::vector<float>(GH)};
  RnnForwardArgs f{x.data(), I, h0.data(), c0.data(), w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data(),
                   out[0].data(), H, out[1].data(), out[2].data(), reserve.data()};
  RnnBackwardArgs b{x.data(), I, w_ih.data(), w_hh.data(), reserve.data(), dy.data(), H, dh_n.data(), dc_n.data(),
                    out[3].data(), I, out[4].data(), out[5].data(), out[6].data(), out[7].data(), out[8].data(),
                    out[9].data()};
  if (rnn_forward_f32(ctx, s, f) != nodegrad::runtime::Status::ok || rnn_backward_f32(ctx, s, b) != nodegrad::runtime::Status::ok) {
    ++failures;
    std::printf("FAIL rnn driver: out of memory\n");
  }
  return out;
}

void check_drivers(Isa isa, const Tensors& scalar, const RnnShape& s) {
  static const char* const kNames[] = {"y", "h_n", "c_n", "dx", "dh0", "dc0", "dw_ih", "dw_hh", "db_ih", "db_hh"};
  const Variant v = variant(isa);
  const Tensors one = run_sequence(isa, 1, s), two = run_sequence(isa, 2, s);
  for (size_t k = 0; k < one.size(); ++k) {
    if (std::memcmp(one[k].data(), two[k].data(), one[k].size() * sizeof(float)) != 0) {
      ++failures;
      std::printf("FAIL %s %s driver: %s differs between 1 and 2 threads\n", v.name, kModes[int(s.mode)], kNames[k]);
    }
    // Normwise per tensor: the two ISAs round differently, an indexing error is O(max).
    double max_ref = 0, max_err = 0;
    for (size_t i = 0; i < one[k].size(); ++i) {
      max_ref = std::max(max_ref, std::fabs(double(scalar[k][i])));
      max_err = std::max(max_err, std::fabs(double(one[k][i]) - scalar[k][i]));
    }
    if (!(max_err <= 1e-4 * max_ref + 1e-6)) {
      ++failures;
      std::printf("FAIL %s %s driver: %s off the scalar ISA's by %g (max %g)\n", v.name, kModes[int(s.mode)], kNames[k],
                  max_err, max_ref);
    }
  }
}

}  // namespace

int main() {
  const float kSpecials[] = {1e30f, -1e30f, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                             std::numeric_limits<float>::quiet_NaN()};
  for (Isa isa : available_isas()) {
    const Variant v = variant(isa);
    int64_t cases = 0;
    for (int mode = 0; mode < 4; ++mode) {
      std::vector<int64_t> lengths;
      for (int64_t n = 0; n <= 33; ++n) lengths.push_back(n);
      lengths.push_back(50);
      lengths.push_back(100);
      for (int64_t n : lengths) {
        check(v, mode, n, -1, 0);
        ++cases;
        const int64_t w = isa_width(isa);
        for (float s : kSpecials) {
          for (int64_t lane : {int64_t{0}, w - 1, n - 1}) {
            if (lane < 0 || lane >= n) continue;
            check(v, mode, n, lane, s);
            ++cases;
          }
        }
        for (int64_t k : {int64_t{1}, isa_width(isa), n / 2 + 1}) {
          if (k > 0 && k < n) check_split(v, mode, n, k);
        }
      }
    }
    std::printf("rnn gates %s: %lld cases\n", v.name, (long long)cases);
  }
  // Batch 130 and hidden 100 give two row blocks and several unit blocks per step on every ISA, and run the
  // steps in parallel; T = 3 keeps it quick under qemu. Input 20: on 2 threads the products after the loop
  // run one after another, each split across the threads; input 50: side by side, each on one thread.
  int drivers = 0;
  for (int mode = 0; mode < 4; ++mode) {
    for (int variant_id = 0; variant_id < 4; ++variant_id) {
      RnnShape s;
      s.mode = static_cast<RnnMode>(mode);
      s.seq_len = 3;
      s.batch = 130;
      s.input = variant_id < 2 ? 20 : 50;
      s.hidden = 100;
      s.batch_first = variant_id % 2 == 1;
      s.reverse = variant_id % 2 == 1;
      const Tensors scalar = run_sequence(Isa::scalar, 1, s);
      for (Isa isa : available_isas()) check_drivers(isa, scalar, s);
      ++drivers;
    }
  }
  std::printf("rnn drivers: %d shapes on every ISA\n", drivers);
  if (failures > 0) std::printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
