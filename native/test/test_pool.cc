// Max pooling against a direct loop, without Node, on every ISA the CPU has: values and indices must match
// bitwise with a NaN, +Inf or −Inf placed at every input position (every window slot and SIMD lane).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "kernels/pool/pool2d.h"

using nodegrad::kernels::Pool2dShape;
using nodegrad::runtime::Context;
using nodegrad::runtime::Isa;

namespace {

int failures = 0;

void direct(const Pool2dShape& s, const float* x, float* y, int32_t* idx) {
  for (int64_t p = 0; p < s.planes; ++p)
    for (int64_t i = 0; i < s.oh; ++i)
      for (int64_t j = 0; j < s.ow; ++j) {
        float m = -INFINITY;
        int32_t id = -1;
        for (int64_t ky = 0; ky < s.kh; ++ky)
          for (int64_t kx = 0; kx < s.kw; ++kx) {
            const int64_t iy = i * s.stride_h - s.pad_top + ky * s.dilation_h;
            const int64_t ix = j * s.stride_w - s.pad_left + kx * s.dilation_w;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            const float v = x[p * s.h * s.w + iy * s.w + ix];
            if (id < 0 || v > m || (std::isnan(v) && !std::isnan(m))) {
              m = v;
              id = static_cast<int32_t>(iy * s.w + ix);
            }
          }
        y[(p * s.oh + i) * s.ow + j] = m;
        idx[(p * s.oh + i) * s.ow + j] = id;
      }
}

void check(Pool2dShape s, Context& ctx, const char* isa) {
  s.oh = (s.h + s.pad_top + s.pad_bottom - s.dilation_h * (s.kh - 1) - 1) / s.stride_h + 1;
  s.ow = (s.w + s.pad_left + s.pad_right - s.dilation_w * (s.kw - 1) - 1) / s.stride_w + 1;
  const size_t xn = s.planes * s.h * s.w, yn = s.planes * s.oh * s.ow;
  std::vector<float> x(xn), y(yn), ry(yn);
  std::vector<int32_t> idx(yn), ridx(yn);
  for (size_t i = 0; i < xn; ++i) x[i] = std::sin(static_cast<float>(i) * 0.7f);
  for (float special : {NAN, INFINITY, -INFINITY}) {
    for (size_t at = 0; at < xn; ++at) {
      std::vector<float> xs = x;
      xs[at] = special;
      max_pool2d_forward_f32(ctx, s, xs.data(), y.data(), idx.data());
      direct(s, xs.data(), ry.data(), ridx.data());
      if (std::memcmp(y.data(), ry.data(), yn * sizeof(float)) != 0 || idx != ridx) {
        std::printf("FAIL isa=%s k%lldx%lld s%lld special %g at %zu\n", isa, (long long)s.kh, (long long)s.kw,
                    (long long)s.stride_w, special, at);
        ++failures;
        return;
      }
    }
  }
}

}  // namespace

int main() {
  const auto features = nodegrad::runtime::detect_cpu_features();
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (!nodegrad::runtime::isa_supported(features, isa)) continue;
    Context ctx(isa, 1);
    const char* name = nodegrad::runtime::isa_name(isa);
    //     planes h  w   oh ow kh kw sh sw pt pl pb pr dh dw
    check({2, 5, 37, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, ctx, name);
    check({1, 4, 35, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, ctx, name);
    check({1, 6, 40, 0, 0, 3, 2, 2, 2, 1, 1, 0, 0, 1, 2}, ctx, name);
  }
  std::printf(failures == 0 ? "test_pool: ok\n" : "test_pool: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
