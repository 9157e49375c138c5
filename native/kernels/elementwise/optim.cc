// Optimizer update drivers: per-call constants, ISA selection, chunking over the pool; plus the scalar
// micro-kernels (baseline flags).
#include "optim.h"

#include <cmath>

#include "../simd/simd_scalar.h"
#include "parallel.h"

namespace nodegrad::kernels {

using namespace simd::scalar;
#define NODEGRAD_UKERNEL(name) name##__scalar
#include "optim_impl.h"
#undef NODEGRAD_UKERNEL

namespace {

using runtime::Isa;

// Picks the micro-kernel of `isa`: ISA files exist only for the architecture being built.
#if defined(NODEGRAD_HAVE_AVX2)
#define NODEGRAD_PICK(name)                      \
  (isa == Isa::avx512 ? name##__avx512         \
   : isa == Isa::avx2 ? name##__avx2           \
                      : name##__scalar)
#elif defined(NODEGRAD_HAVE_NEON)
#define NODEGRAD_PICK(name) (isa == Isa::neon ? name##__neon : name##__scalar)
#else
#define NODEGRAD_PICK(name) name##__scalar
#endif

float sign_of(bool maximize) { return maximize ? -1.0f : 1.0f; }

}  // namespace

void sgd_update_f32(runtime::Context& ctx, int64_t n, float* p, const float* g, float* buf, const SgdOptions& o) noexcept {
  const Isa isa = ctx.isa;
  const auto uk = NODEGRAD_PICK(sgd_ukernel_f32);
  const SgdConsts c{sign_of(o.maximize), static_cast<float>(o.lr), static_cast<float>(o.momentum),
                    static_cast<float>(1.0 - o.dampening), static_cast<float>(o.weight_decay), o.nesterov, o.first};
  for_chunks(ctx, n, kParallelMin, [&](int64_t b, int64_t e) { uk(e - b, p + b, g + b, offset(buf, b), c); });
}

void adam_update_f32(runtime::Context& ctx, int64_t n, float* p, const float* g, float* m, float* v, float* vmax,
                     const AdamOptions& o) noexcept {
  const Isa isa = ctx.isa;
  const auto uk = NODEGRAD_PICK(adam_ukernel_f32);
  const double t = static_cast<double>(o.step);
  AdamConsts c;
  c.sign = sign_of(o.maximize);
  c.step_size = static_cast<float>(o.lr / (1.0 - std::pow(o.beta1, t)));
  c.bc2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(o.beta2, t)));
  c.beta1 = static_cast<float>(o.beta1);
  c.one_minus_beta1 = static_cast<float>(1.0 - o.beta1);
  c.beta2 = static_cast<float>(o.beta2);
  c.one_minus_beta2 = static_cast<float>(1.0 - o.beta2);
  c.eps = static_cast<float>(o.eps);
  c.l2 = o.decoupled ? 0.0f : static_cast<float>(o.weight_decay);
  c.decay = o.decoupled ? static_cast<float>(1.0 - o.lr * o.weight_decay) : 1.0f;
  for_chunks(ctx, n, kParallelMin,
             [&](int64_t b, int64_t e) { uk(e - b, p + b, g + b, m + b, v + b, offset(vmax, b), c); });
}

void rmsprop_update_f32(runtime::Context& ctx, int64_t n, float* p, const float* g, float* v, float* g_avg, float* buf,
                        const RmspropOptions& o) noexcept {
  const Isa isa = ctx.isa;
  const auto uk = NODEGRAD_PICK(rmsprop_ukernel_f32);
  const RmspropConsts c{sign_of(o.maximize), static_cast<float>(o.lr), static_cast<float>(o.alpha),
                        static_cast<float>(1.0 - o.alpha), static_cast<float>(o.eps),
                        static_cast<float>(o.weight_decay), static_cast<float>(o.momentum)};
  for_chunks(ctx, n, kParallelMin,
             [&](int64_t b, int64_t e) { uk(e - b, p + b, g + b, v + b, offset(g_avg, b), offset(buf, b), c); });
}

void adagrad_update_f32(runtime::Context& ctx, int64_t n, float* p, const float* g, float* sum,
                        const AdagradOptions& o) noexcept {
  const Isa isa = ctx.isa;
  const auto uk = NODEGRAD_PICK(adagrad_ukernel_f32);
  const AdagradConsts c{sign_of(o.maximize),
                        static_cast<float>(o.lr / (1.0 + static_cast<double>(o.step - 1) * o.lr_decay)),
                        static_cast<float>(o.eps), static_cast<float>(o.weight_decay)};
  for_chunks(ctx, n, kParallelMin, [&](int64_t b, int64_t e) { uk(e - b, p + b, g + b, sum + b, c); });
}

#undef NODEGRAD_PICK

}  // namespace nodegrad::kernels
