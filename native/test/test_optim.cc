// Fused optimizer updates against a double-precision statement of PyTorch's rules, without Node, on every ISA
// the CPU has (under qemu-aarch64 this is what runs the NEON micro-kernels): 3 steps on every length around
// the vector widths, parameter and state within 1e-6 relative of the reference, nothing written past the end
// (guard pages), and a pool-sized array bitwise the same on 1 and 2 threads.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "check.h"
#include "kernels/elementwise/optim.h"

using namespace nodegrad::kernels;
using nodegrad::runtime::Context;
using nodegrad::runtime::Isa;
using nodegrad::test::GuardedBuffer;

namespace {

enum class Opt { sgd, adam, rmsprop, adagrad };

struct Case {
  const char* name;
  Opt opt;
  double lr, momentum = 0, dampening = 0, weight_decay = 0, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, alpha = 0.99,
                 lr_decay = 0, init_acc = 0;
  bool nesterov = false, maximize = false, amsgrad = false, decoupled = false, centered = false;
};

Case make(const char* name, Opt opt, double lr) {
  Case c;
  c.name = name;
  c.opt = opt;
  c.lr = lr;
  if (opt == Opt::adagrad) c.eps = 1e-10;
  return c;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  out.push_back(make("sgd", Opt::sgd, 0.01));
  Case c = make("sgd momentum dampening wd", Opt::sgd, 0.01);
  c.momentum = 0.9, c.dampening = 0.1, c.weight_decay = 0.1;
  out.push_back(c);
  c = make("sgd nesterov maximize", Opt::sgd, 0.01);
  c.momentum = 0.8, c.nesterov = true, c.maximize = true;
  out.push_back(c);
  out.push_back(make("adam", Opt::adam, 0.01));
  c = make("adam wd amsgrad", Opt::adam, 0.01);
  c.weight_decay = 0.1, c.amsgrad = true, c.beta1 = 0.8, c.beta2 = 0.99;
  out.push_back(c);
  c = make("adamw amsgrad maximize", Opt::adam, 0.01);
  c.weight_decay = 0.05, c.decoupled = true, c.amsgrad = true, c.maximize = true;
  out.push_back(c);
  out.push_back(make("rmsprop", Opt::rmsprop, 1e-3));
  c = make("rmsprop centered momentum wd", Opt::rmsprop, 1e-3);
  c.centered = true, c.momentum = 0.9, c.weight_decay = 0.1, c.alpha = 0.9;
  out.push_back(c);
  out.push_back(make("adagrad", Opt::adagrad, 0.01));
  c = make("adagrad lr_decay wd init", Opt::adagrad, 0.01);
  c.lr_decay = 0.1, c.weight_decay = 0.1, c.init_acc = 0.1;
  out.push_back(c);
  return out;
}

// Parameter, up to three state slots, and the order they are passed in.
struct State {
  double p, s0 = 0, s1 = 0, s2 = 0;
};

// One step of the reference for one element (torch.optim 1.13, single-tensor form), in double.
void reference_step(const Case& c, State& st, double grad, int64_t t) {
  double g = c.maximize ? -grad : grad;
  if (c.weight_decay != 0 && !(c.opt == Opt::adam && c.decoupled)) g += c.weight_decay * st.p;
  switch (c.opt) {
    case Opt::sgd:
      if (c.momentum != 0) {
        st.s0 = t == 1 ? g : c.momentum * st.s0 + (1 - c.dampening) * g;
        g = c.nesterov ? g + c.momentum * st.s0 : st.s0;
      }
      st.p -= c.lr * g;
      break;
    case Opt::adam: {
      if (c.decoupled) st.p *= 1 - c.lr * c.weight_decay;
      st.s0 = c.beta1 * st.s0 + (1 - c.beta1) * g;
      st.s1 = c.beta2 * st.s1 + (1 - c.beta2) * g * g;
      if (c.amsgrad) st.s2 = std::fmax(st.s2, st.s1);
      const double v = c.amsgrad ? st.s2 : st.s1;
      const double denom = std::sqrt(v) / std::sqrt(1 - std::pow(c.beta2, t)) + c.eps;
      st.p -= c.lr / (1 - std::pow(c.beta1, t)) * st.s0 / denom;
      break;
    }
    case Opt::rmsprop: {
      st.s0 = c.alpha * st.s0 + (1 - c.alpha) * g * g;
      double avg = st.s0;
      if (c.centered) {
        st.s1 = c.alpha * st.s1 + (1 - c.alpha) * g;
        avg -= st.s1 * st.s1;
      }
      const double denom = std::sqrt(avg) + c.eps;
      if (c.momentum > 0) {
        st.s2 = c.momentum * st.s2 + g / denom;
        st.p -= c.lr * st.s2;
      } else {
        st.p -= c.lr * g / denom;
      }
      break;
    }
    case Opt::adagrad:
      st.s0 += g * g;
      st.p -= c.lr / (1 + (t - 1) * c.lr_decay) * g / (std::sqrt(st.s0) + c.eps);
      break;
  }
}

// Runs 3 steps of the kernel over n elements; buffers end at a guard page. Returns {p, slot0, slot1, slot2}.
std::vector<std::vector<float>> run_kernel(Context& ctx, const Case& c, const std::vector<float>& p0,
                                           const std::vector<std::vector<float>>& grads) {
  const size_t n = p0.size();
  GuardedBuffer<float> p(n), g(n), s0(n), s1(n), s2(n);
  std::copy(p0.begin(), p0.end(), p.data());  // not memcpy: n may be 0 with null data
  for (size_t i = 0; i < n; ++i) s0[i] = c.opt == Opt::adagrad ? static_cast<float>(c.init_acc) : 0.0f, s1[i] = 0, s2[i] = 0;
  for (int64_t t = 1; t <= 3; ++t) {
    std::copy(grads[t - 1].begin(), grads[t - 1].end(), g.data());
    const int64_t len = static_cast<int64_t>(n);
    switch (c.opt) {
      case Opt::sgd:
        sgd_update_f32(ctx, len, p.data(), g.data(), c.momentum != 0 ? s0.data() : nullptr,
                       {c.lr, c.momentum, c.dampening, c.weight_decay, c.nesterov, c.maximize, t == 1});
        break;
      case Opt::adam:
        adam_update_f32(ctx, len, p.data(), g.data(), s0.data(), s1.data(), c.amsgrad ? s2.data() : nullptr,
                        {c.lr, c.beta1, c.beta2, c.eps, c.weight_decay, t, c.decoupled, c.maximize});
        break;
      case Opt::rmsprop:
        rmsprop_update_f32(ctx, len, p.data(), g.data(), s0.data(), c.centered ? s1.data() : nullptr,
                           c.momentum > 0 ? s2.data() : nullptr, {c.lr, c.alpha, c.eps, c.weight_decay, c.momentum, c.maximize});
        break;
      case Opt::adagrad:
        adagrad_update_f32(ctx, len, p.data(), g.data(), s0.data(), {c.lr, c.lr_decay, c.eps, c.weight_decay, t, c.maximize});
        break;
    }
  }
  std::vector<std::vector<float>> out;
  for (GuardedBuffer<float>* b : {&p, &s0, &s1, &s2}) out.emplace_back(b->data(), b->data() + n);
  return out;
}

// |p| in [0.1, 1]; gradients in [0.2, 1] of one sign per element across the steps (no tiny denominators).
void problem(nodegrad::test::Rng& r, size_t n, std::vector<float>& p0, std::vector<std::vector<float>>& grads) {
  p0.resize(n);
  std::vector<float> sign(n);
  for (size_t i = 0; i < n; ++i) {
    p0[i] = (r.uniform(0, 1) < 0.5f ? -1.0f : 1.0f) * r.uniform(0.1f, 1.0f);
    sign[i] = r.uniform(0, 1) < 0.5f ? -1.0f : 1.0f;
  }
  grads.assign(3, std::vector<float>(n));
  for (auto& g : grads) {
    for (size_t i = 0; i < n; ++i) g[i] = sign[i] * r.uniform(0.2f, 1.0f);
  }
}

void check_case(Context& ctx, const char* isa, const Case& c, nodegrad::test::Rng& r, size_t n) {
  std::vector<float> p0;
  std::vector<std::vector<float>> grads;
  problem(r, n, p0, grads);
  const auto got = run_kernel(ctx, c, p0, grads);
  for (size_t i = 0; i < n; ++i) {
    State st{p0[i], c.opt == Opt::adagrad ? c.init_acc : 0.0};
    for (int64_t t = 1; t <= 3; ++t) reference_step(c, st, grads[t - 1][i], t);
    const double want[4] = {st.p, st.s0, st.s1, st.s2};
    for (int k = 0; k < 4; ++k) {
      if (!(std::fabs(got[k][i] - want[k]) <= 1e-6 * std::fabs(want[k]) + 1e-30)) {
        std::fprintf(stderr, "isa=%s %s n=%zu i=%zu slot %d: %.9g vs %.9g\n", isa, c.name, n, i, k, got[k][i], want[k]);
        CHECK(false);
        return;
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
    const char* name = nodegrad::runtime::isa_name(isa);
    Context one(isa, 1), two(isa, 2);
    nodegrad::test::Rng r(static_cast<uint64_t>(isa) + 11);
    for (const Case& c : cases()) {
      for (size_t n = 0; n <= 33; ++n) check_case(one, name, c, r, n);
      check_case(one, name, c, r, 1000);
      // Above kParallelMin the pool splits the array: the chunking must not change a bit.
      if (quick) continue;
      std::vector<float> p0;
      std::vector<std::vector<float>> grads;
      problem(r, (size_t{1} << 17) + 5, p0, grads);
      const auto a = run_kernel(one, c, p0, grads), b = run_kernel(two, c, p0, grads);
      for (int k = 0; k < 4; ++k) CHECK(std::memcmp(a[k].data(), b[k].data(), a[k].size() * sizeof(float)) == 0);
    }
  }
  return nodegrad::test::finish("test_optim");
}
