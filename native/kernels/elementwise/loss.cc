// NLL loss drivers: the twin's per-sample formulas in double (lib/backend/js/elementwise_reduce.ts).
#include "loss.h"

#include "parallel.h"

namespace nodegrad::kernels {

void nll_loss_f32(runtime::Context& ctx, int64_t outer, int64_t classes, int64_t inner, const float* logp,
                  const int32_t* target, const float* weight, double ignore_index, double smoothing, float* loss,
                  float* wsum) noexcept {
  const double eps = smoothing / static_cast<double>(classes);
  for_slabs(ctx, outer, classes * inner, [&](int64_t o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t s = o * inner + i;
      const int32_t t = target[s];
      if (static_cast<double>(t) == ignore_index) {
        loss[s] = 0;
        wsum[s] = 0;
        continue;
      }
      const float* lp = logp + o * classes * inner + i;
      const double wt = weight == nullptr ? 1 : weight[t];
      double l = -(1 - smoothing) * wt * lp[t * inner];
      if (smoothing != 0) {
        double acc = 0;
        for (int64_t c = 0; c < classes; ++c) acc += (weight == nullptr ? 1 : static_cast<double>(weight[c])) * lp[c * inner];
        l -= eps * acc;
      }
      loss[s] = static_cast<float>(l);
      wsum[s] = static_cast<float>(wt);
    }
  });
}

void nll_loss_backward_f32(runtime::Context& ctx, int64_t outer, int64_t classes, int64_t inner, const int32_t* target,
                           const float* weight, double ignore_index, double smoothing, const float* gloss,
                           float* glogp) noexcept {
  const double eps = smoothing / static_cast<double>(classes);
  for_slabs(ctx, outer, classes * inner, [&](int64_t o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t s = o * inner + i;
      const int32_t t = target[s];
      const bool ignored = static_cast<double>(t) == ignore_index;
      const double g = gloss[s];
      float* gp = glogp + o * classes * inner + i;
      for (int64_t c = 0; c < classes; ++c) {
        const double wc = weight == nullptr ? 1 : weight[c];
        gp[c * inner] = ignored ? 0.0f : static_cast<float>(-g * ((c == t ? (1 - smoothing) * wc : 0) + eps * wc));
      }
    }
  });
}

}  // namespace nodegrad::kernels
