// The NLL loss core and its gradient (lib/backend/kernels/elementwise.ts, `nllLoss`): per-sample
// negative log-likelihood with class weights, label smoothing ε and an ignored index, over logp viewed as
// [outer, classes, inner]. Each sample's loss is the twin's formula evaluated in double and rounded once
// (the work is a gather of one or `classes` values per sample, so SIMD lanes would not pay); samples are
// split over the pool in fixed chunks, so results never depend on the thread count.
// Preconditions (checked by the binding): classes >= 1; every target is in [0, classes) or equals
// ignore_index; weight is null or holds `classes` values; 0 <= smoothing <= 1.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

void nll_loss_f32(runtime::Context& ctx, int64_t outer, int64_t classes, int64_t inner, const float* logp,
                  const int32_t* target, const float* weight, double ignore_index, double smoothing, float* loss,
                  float* wsum) noexcept;
// glogp (fully overwritten) from gloss, the upstream gradient of each sample's loss.
void nll_loss_backward_f32(runtime::Context& ctx, int64_t outer, int64_t classes, int64_t inner, const int32_t* target,
                           const float* weight, double ignore_index, double smoothing, const float* gloss,
                           float* glogp) noexcept;

}  // namespace nodegrad::kernels
