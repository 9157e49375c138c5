// Fused optimizer updates: one pass over a parameter's buffer updating the parameter and its state in
// place, with PyTorch's update rules (documented per optimizer in lib/backend/kernels/optim.ts).
//
// Every array holds n floats; arrays must not overlap (the binding checks). Optional state arrays are
// nullptr when unused. Hyper-parameters arrive as doubles; the driver derives the per-call constants (bias
// corrections, 1 - beta, ...) in double and rounds them once to float. Per-element arithmetic is float32,
// the same code for the SIMD body and the tail, so results never depend on the chunking or thread count.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

struct SgdOptions {
  double lr = 0, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false, maximize = false, first = false;  // first: the momentum buffer starts as the gradient
};
struct AdamOptions {
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0;
  int64_t step = 1;  // 1-based, after incrementing
  bool decoupled = false, maximize = false;  // decoupled: AdamW
};
struct RmspropOptions {
  double lr = 0, alpha = 0, eps = 0, weight_decay = 0, momentum = 0;
  bool maximize = false;
};
struct AdagradOptions {
  double lr = 0, lr_decay = 0, eps = 0, weight_decay = 0;
  int64_t step = 1;
  bool maximize = false;
};

// buf: momentum buffer, or nullptr for plain SGD.
void sgd_update_f32(runtime::Context& ctx, int64_t n, float* p, const float* g, float* buf, const SgdOptions& o) noexcept;
// vmax: the amsgrad running maximum of v, or nullptr.
void adam_update_f32(runtime::Context& ctx, int64_t n, float* p, const float* g, float* m, float* v, float* vmax,
                     const AdamOptions& o) noexcept;
// g_avg: centered RMSprop's gradient average, or nullptr; buf: momentum buffer, or nullptr.
void rmsprop_update_f32(runtime::Context& ctx, int64_t n, float* p, const float* g, float* v, float* g_avg, float* buf,
                        const RmspropOptions& o) noexcept;
void adagrad_update_f32(runtime::Context& ctx, int64_t n, float* p, const float* g, float* sum,
                        const AdagradOptions& o) noexcept;

// Per-call float constants and the per-ISA micro-kernels (optim_impl.h, one copy per ISA).
struct SgdConsts {
  float sign, lr, momentum, one_minus_dampening, weight_decay;
  bool nesterov, first;
};
struct AdamConsts {
  float sign, step_size, bc2_sqrt, beta1, one_minus_beta1, beta2, one_minus_beta2, eps, l2, decay;
};
struct RmspropConsts {
  float sign, lr, alpha, one_minus_alpha, eps, weight_decay, momentum;
};
struct AdagradConsts {
  float sign, clr, eps, weight_decay;
};

#define NODEGRAD_OPTIM_UKERNELS(isa)                                                                          \
  void sgd_ukernel_f32__##isa(int64_t n, float* p, const float* g, float* buf, const SgdConsts& c) noexcept;  \
  void adam_ukernel_f32__##isa(int64_t n, float* p, const float* g, float* m, float* v, float* vmax,          \
                               const AdamConsts& c) noexcept;                                                 \
  void rmsprop_ukernel_f32__##isa(int64_t n, float* p, const float* g, float* v, float* g_avg, float* buf,    \
                                  const RmspropConsts& c) noexcept;                                           \
  void adagrad_ukernel_f32__##isa(int64_t n, float* p, const float* g, float* sum, const AdagradConsts& c) noexcept;
NODEGRAD_OPTIM_UKERNELS(scalar)
#if defined(__x86_64__) || defined(_M_X64)
NODEGRAD_OPTIM_UKERNELS(avx2)
NODEGRAD_OPTIM_UKERNELS(avx512)
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
NODEGRAD_OPTIM_UKERNELS(neon)
#endif
#undef NODEGRAD_OPTIM_UKERNELS

}  // namespace nodegrad::kernels
