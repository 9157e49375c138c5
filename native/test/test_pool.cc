// Pooling against direct loops, without Node, on every ISA the CPU has. Max forward: values and indices must
// match bitwise with a NaN, +Inf or −Inf placed at every input position (every window slot and SIMD lane);
// average forward and both backwards bitwise too; adaptive average as check_adaptive says.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>
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

// oh, ow: 0 for floor mode, else as given (ceil mode).
void check(Pool2dShape s, Context& ctx, const char* isa) {
  if (s.oh == 0) s.oh = (s.h + s.pad_top + s.pad_bottom - s.dilation_h * (s.kh - 1) - 1) / s.stride_h + 1;
  if (s.ow == 0) s.ow = (s.w + s.pad_left + s.pad_right - s.dilation_w * (s.kw - 1) - 1) / s.stride_w + 1;
  const size_t xn = s.planes * s.h * s.w, yn = s.planes * s.oh * s.ow;
  std::vector<float> x(xn), y(yn), ry(yn);
  std::vector<int32_t> idx(yn), ridx(yn);
  // Ties: ±0 and repeated values, so the first of equal taps must win (and keep its sign).
  for (size_t i = 0; i < xn; ++i) x[i] = (i * 7 % 5) < 2 ? ((i * 7 % 5) == 0 ? -0.0f : 0.0f) : static_cast<float>(i * 7 % 5 == 2);
  max_pool2d_forward_f32(ctx, s, x.data(), y.data(), idx.data());
  direct(s, x.data(), ry.data(), ridx.data());
  if (std::memcmp(y.data(), ry.data(), yn * sizeof(float)) != 0 || idx != ridx) {
    std::printf("FAIL ties isa=%s k%lldx%lld s%lldx%lld h%lld w%lld\n", isa, (long long)s.kh, (long long)s.kw,
                (long long)s.stride_h, (long long)s.stride_w, (long long)s.h, (long long)s.w);
    ++failures;
  }
  for (size_t i = 0; i < xn; ++i) x[i] = std::sin(static_cast<float>(i) * 0.7f);
  for (float special : {NAN, INFINITY, -INFINITY}) {
    for (size_t at = 0; at < xn; ++at) {
      std::vector<float> xs = x;
      xs[at] = special;
      max_pool2d_forward_f32(ctx, s, xs.data(), y.data(), idx.data());
      direct(s, xs.data(), ry.data(), ridx.data());
      if (std::memcmp(y.data(), ry.data(), yn * sizeof(float)) != 0 || idx != ridx) {
        std::printf("FAIL isa=%s k%lldx%lld s%lldx%lld h%lld w%lld special %g at %zu\n", isa, (long long)s.kh,
                    (long long)s.kw, (long long)s.stride_h, (long long)s.stride_w, (long long)s.h, (long long)s.w,
                    special, at);
        ++failures;
        return;
      }
    }
  }
}

// Average pooling forward against the direct loop (taps in row-major order from 0, then one division), bitwise.
void check_avg_forward(Pool2dShape s, bool include_pad, Context& ctx, const char* isa) {
  s.oh = (s.h + s.pad_top + s.pad_bottom - s.kh) / s.stride_h + 1;
  s.ow = (s.w + s.pad_left + s.pad_right - s.kw) / s.stride_w + 1;
  const size_t xn = s.planes * s.h * s.w, yn = s.planes * s.oh * s.ow;
  std::vector<float> x(xn), y(yn), ry(yn);
  for (size_t i = 0; i < xn; ++i) x[i] = std::sin(static_cast<float>(i) * 0.3f) * 7.0f;
  for (int64_t p = 0; p < s.planes; ++p)
    for (int64_t i = 0; i < s.oh; ++i)
      for (int64_t j = 0; j < s.ow; ++j) {
        const int64_t y0 = i * s.stride_h - s.pad_top, x0 = j * s.stride_w - s.pad_left;
        const int64_t y1 = std::min(y0 + s.kh, s.h + s.pad_bottom), x1 = std::min(x0 + s.kw, s.w + s.pad_right);
        const int64_t ylo = std::max<int64_t>(y0, 0), yhi = std::min(y1, s.h), xlo = std::max<int64_t>(x0, 0),
                      xhi = std::min(x1, s.w);
        float sum = 0.0f;
        for (int64_t iy = ylo; iy < yhi; ++iy)
          for (int64_t ix = xlo; ix < xhi; ++ix) sum += x[(p * s.h + iy) * s.w + ix];
        const int64_t count = include_pad ? (y1 - y0) * (x1 - x0) : (yhi - ylo) * (xhi - xlo);
        ry[(p * s.oh + i) * s.ow + j] = sum / static_cast<float>(count);
      }
  avg_pool2d_forward_f32(ctx, s, include_pad, x.data(), y.data());
  if (std::memcmp(y.data(), ry.data(), yn * sizeof(float)) != 0) {
    std::printf("FAIL avg forward isa=%s k%lldx%lld s%lld\n", isa, (long long)s.kh, (long long)s.kw, (long long)s.stride_w);
    ++failures;
  }
}

// Backward of max (scatter to the forward's argmax; and indices that are not in their window) and average
// pooling against direct scatter loops, bitwise: dy holds −0 and values whose sums round.
void check_backward(Pool2dShape s, bool include_pad, Context& ctx, const char* isa) {
  if (s.oh == 0) s.oh = (s.h + s.pad_top + s.pad_bottom - s.dilation_h * (s.kh - 1) - 1) / s.stride_h + 1;
  if (s.ow == 0) s.ow = (s.w + s.pad_left + s.pad_right - s.dilation_w * (s.kw - 1) - 1) / s.stride_w + 1;
  const size_t xn = s.planes * s.h * s.w, yn = s.planes * s.oh * s.ow;
  std::vector<float> x(xn), y(yn), dy(yn), dx(xn, 1.0f), rdx(xn);
  std::vector<int32_t> idx(yn);
  for (size_t i = 0; i < xn; ++i) x[i] = std::sin(static_cast<float>(i) * 0.7f);
  for (size_t i = 0; i < yn; ++i) dy[i] = i % 5 == 0 ? -0.0f : std::cos(static_cast<float>(i)) * 3.1f;
  max_pool2d_forward_f32(ctx, s, x.data(), y.data(), idx.data());
  for (int pass = 0; pass < 3; ++pass) {
    if (pass == 1) idx[yn / 3] = -1;  // an empty window's mark
    if (pass == 2) idx[yn / 2] = 0;   // an index outside its window (the first element of the plane)
    std::fill(rdx.begin(), rdx.end(), 0.0f);
    for (size_t o = 0; o < yn; ++o) {
      if (idx[o] >= 0) rdx[o / (s.oh * s.ow) * s.h * s.w + idx[o]] += dy[o];
    }
    max_pool2d_backward_f32(ctx, s, dy.data(), idx.data(), dx.data());
    if (std::memcmp(dx.data(), rdx.data(), xn * sizeof(float)) != 0) {
      std::printf("FAIL max backward isa=%s threads=%d k%lldx%lld s%lldx%lld pass %d\n", isa, ctx.pool.num_threads(),
                  (long long)s.kh, (long long)s.kw, (long long)s.stride_h, (long long)s.stride_w, pass);
      ++failures;
    }
  }
  if (s.dilation_h != 1 || s.dilation_w != 1) return;
  std::fill(rdx.begin(), rdx.end(), 0.0f);
  for (int64_t p = 0; p < s.planes; ++p)
    for (int64_t i = 0; i < s.oh; ++i)
      for (int64_t j = 0; j < s.ow; ++j) {
        const int64_t y0 = i * s.stride_h - s.pad_top, x0 = j * s.stride_w - s.pad_left;
        const int64_t y1 = std::min(y0 + s.kh, s.h + s.pad_bottom), x1 = std::min(x0 + s.kw, s.w + s.pad_right);
        const int64_t ylo = std::max<int64_t>(y0, 0), yhi = std::min(y1, s.h), xlo = std::max<int64_t>(x0, 0),
                      xhi = std::min(x1, s.w);
        const int64_t count = include_pad ? (y1 - y0) * (x1 - x0) : (yhi - ylo) * (xhi - xlo);
        const float v = dy[(p * s.oh + i) * s.ow + j] / static_cast<float>(count);
        for (int64_t iy = ylo; iy < yhi; ++iy)
          for (int64_t ix = xlo; ix < xhi; ++ix) rdx[(p * s.h + iy) * s.w + ix] += v;
      }
  avg_pool2d_backward_f32(ctx, s, include_pad, dy.data(), dx.data());
  if (std::memcmp(dx.data(), rdx.data(), xn * sizeof(float)) != 0) {
    std::printf("FAIL avg backward isa=%s threads=%d k%lldx%lld s%lldx%lld\n", isa, ctx.pool.num_threads(),
                (long long)s.kh, (long long)s.kw, (long long)s.stride_h, (long long)s.stride_w);
    ++failures;
  }
}

// Adaptive average pooling against direct loops: forward bitwise where the windows tile the plane (the same
// taps in the same order) and within (k + 2)·eps32·Σ|x| / k of a double sum for global pooling (the SIMD
// kernels add in lanes); backward bitwise everywhere (each dx element is 0 + its windows' dy / count).
void check_adaptive(int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow, Context& ctx, const char* isa) {
  const size_t xn = planes * h * w, yn = planes * oh * ow;
  std::vector<float> x(xn), y(yn), dy(yn), dx(xn, 1.0f), rdx(xn, 0.0f);
  for (size_t i = 0; i < xn; ++i) x[i] = std::sin(static_cast<float>(i) * 0.37f) * 5.0f;
  for (size_t i = 0; i < yn; ++i) dy[i] = i % 3 == 0 ? -0.0f : std::cos(static_cast<float>(i)) * 3.1f;
  nodegrad::kernels::adaptive_avg_pool2d_forward_f32(ctx, planes, h, w, oh, ow, x.data(), y.data());
  nodegrad::kernels::adaptive_avg_pool2d_backward_f32(ctx, planes, h, w, oh, ow, dy.data(), dx.data());
  bool ok = true;
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        const int64_t y0 = i * h / oh, y1 = ((i + 1) * h + oh - 1) / oh, x0 = j * w / ow, x1 = ((j + 1) * w + ow - 1) / ow;
        const int64_t count = (y1 - y0) * (x1 - x0);
        float sum = 0.0f;
        double exact = 0.0, mag = 0.0;
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix) {
            const float v = x[(p * h + iy) * w + ix];
            sum += v;
            exact += v;
            mag += std::fabs(v);
          }
        const int64_t o = (p * oh + i) * ow + j;
        const float got = y[o], want = sum / static_cast<float>(count);
        if (oh == 1 && ow == 1) {
          ok = ok && std::fabs(got - exact / count) <= (count + 2) * 0x1p-23 * mag / count + 1e-30;
        } else if (h % oh == 0 && w % ow == 0) {
          ok = ok && std::memcmp(&got, &want, sizeof(float)) == 0;
        }
        const float g = dy[o] / static_cast<float>(count);
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix) rdx[(p * h + iy) * w + ix] += g;
      }
  if (!ok || std::memcmp(dx.data(), rdx.data(), xn * sizeof(float)) != 0) {
    std::printf("FAIL adaptive isa=%s threads=%d %lldx%lld -> %lldx%lld (forward %s)\n", isa, ctx.pool.num_threads(),
                (long long)h, (long long)w, (long long)oh, (long long)ow, ok ? "ok" : "wrong");
    ++failures;
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
    // 3×3 windows, stride 2 and 1, padded: interior rows of 2-33 outputs (scalar, 4-, 8- and 16-lane bodies,
    // full and overlapped), and planes past L1 (4096 elements) that go row by row.
    for (int64_t w : {5, 9, 11, 13, 15, 17, 19, 31, 33, 35, 67}) {
      check({1, 3, w, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, ctx, name);
      check({1, 3, w, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, ctx, name);
      check_avg_forward({1, 3, w, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, false, ctx, name);
    }
    check({1, 3, 1400, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, ctx, name);
    // Separable max (dilation 1): rows shared by vertically overlapping windows (sh < kh), none shared (sh ≥ kh),
    // kernels 1-4 wide and tall, padding 0 and k/2, interior rows of 4-33 columns (4-, 8- and 16-lane bodies,
    // whole and overlapped), the ResNet stem's 3×3/2 pad 1 and ceil mode's clipped last window (14×14 → 8×8).
    for (int64_t k : {13, 22, 69}) {
      for (const auto& [kh, kw] : {std::pair<int64_t, int64_t>{3, 3}, {2, 3}, {3, 2}, {4, 4}, {1, 3}, {3, 1}}) {
        for (int64_t sh : {1, 2, 3}) {
          for (int64_t sw : {1, 2}) {
            if (k / sw - kw < 4) continue;
            check({1, 9, k / sw * sw, 0, 0, kh, kw, sh, sw, 0, 0, 0, 0, 1, 1}, ctx, name);
            check({1, 9, k, 0, 0, kh, kw, sh, sw, kh / 2, kw / 2, kh / 2, kw / 2, 1, 1}, ctx, name);
          }
        }
      }
    }
    check({2, 14, 14, 8, 8, 3, 3, 2, 2, 1, 1, 2, 2, 1, 1}, ctx, name);
    // Planes up to 16 wide (AVX-512: one vector per row, tap columns clamped to the row): stride 3, rows of
    // exactly 16 outputs, a 16-wide kernel, 2×2/1.
    check({2, 7, 14, 0, 0, 3, 3, 2, 3, 1, 1, 1, 1, 1, 1}, ctx, name);
    check({1, 5, 16, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, ctx, name);
    check({1, 4, 16, 0, 0, 2, 16, 1, 1, 0, 7, 0, 8, 1, 1}, ctx, name);
    check({3, 6, 7, 0, 0, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1}, ctx, name);
    check({1, 5, 112, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, ctx, name);
    check({1, 5, 1000, 0, 0, 3, 2, 1, 2, 1, 1, 1, 1, 2, 1}, ctx, name);
    check_avg_forward({2, 5, 1000, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, true, ctx, name);
    for (int64_t w : {2, 7, 16, 21, 30, 32, 34, 62, 67}) {  // 2×2/2 rows of 1, 3, 8, 10, 15, 16, 17, 31, 33
      check({1, 4, w, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, ctx, name);
      check({1, 3, w, 0, 0, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1}, ctx, name);                 // padded border windows
      check_avg_forward({2, 4, w, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, true, ctx, name);
      check_avg_forward({1, 5, w, 0, 0, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1}, false, ctx, name);
      check_avg_forward({1, 4, w, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, true, ctx, name);  // stride 1
    }
    //                planes h  w   oh ow kh kw sh sw pt pl pb pr dh dw
    check_avg_forward({2, 5, 37, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, true, ctx, name);
    check_avg_forward({1, 4, 35, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, false, ctx, name);
    check_avg_forward({1, 6, 40, 0, 0, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1}, true, ctx, name);
    check_avg_forward({1, 3, 9, 0, 0, 1, 3, 1, 3, 0, 0, 0, 0, 1, 1}, true, ctx, name);  // stride 3: scalar
    for (int threads : {1, 2}) {
      Context tctx(isa, threads);
      //              planes h  w   oh ow kh kw sh sw pt pl pb pr dh dw
      check_backward({40, 28, 28, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, true, tctx, name);   // tiling, 2 tasks
      check_backward({3, 7, 9, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, true, tctx, name);      // uncovered edges
      check_backward({3, 7, 9, 4, 5, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, false, tctx, name);    // ceil mode
      check_backward({2, 8, 11, 0, 0, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1}, true, tctx, name);     // padded windows
      check_backward({2, 8, 11, 0, 0, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1}, false, tctx, name);
      check_backward({2, 6, 10, 0, 0, 3, 2, 2, 2, 1, 0, 1, 0, 1, 1}, true, tctx, name);     // overlapping rows
      check_backward({2, 6, 10, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 2, 1}, true, tctx, name);     // dilated (max)
      for (int64_t w : {2, 6, 16, 20, 30, 32, 34, 62, 66}) {  // 2×2/2 tiles: rows of 1, 3, 8, 10, 15, 16, 17, 31, 33
        check_backward({3, 6, w, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, true, tctx, name);
      }
      // The row-by-row backward: 3×3/2 and 3×3/1 padded, 3×3/3, 2×2/1, ceil mode and dilation, rows of 2-34
      // windows (every vector width's whole vectors and scalar tail), and a plane past L1.
      for (int64_t w : {5, 9, 13, 17, 19, 33, 35, 67}) {
        check_backward({3, 7, w, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, true, tctx, name);
        check_backward({2, 5, w, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, false, tctx, name);
        check_backward({2, 6, w, 0, 0, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1}, true, tctx, name);
        check_backward({2, 4, w, 0, 0, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1}, true, tctx, name);
        check_backward({2, 7, w, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2}, true, tctx, name);
      }
      check_backward({3, 8, 10, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, true, tctx, name);  // ceil mode
      // Average backward in tap-column passes: kernel narrower than the stride (rows and columns no window
      // reaches), 3×5 windows at stride 1×2, a plane past L1.
      check_backward({2, 9, 13, 0, 0, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1}, true, tctx, name);
      check_backward({2, 7, 20, 0, 0, 3, 5, 1, 2, 1, 2, 1, 2, 1, 1}, false, tctx, name);
      check_backward({2, 7, 20, 0, 0, 3, 5, 1, 2, 1, 2, 1, 2, 1, 1}, true, tctx, name);
      check_backward({1, 70, 70, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, true, tctx, name);
      check_backward({2, 9, 700, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, true, tctx, name);
      // Global pooling over planes of 1-67 elements (every vector width's full, two-accumulator and partial
      // steps), tiling windows (2×2/2 and others) and uneven ones.
      for (int64_t n : {1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 48, 49, 67}) check_adaptive(70, 1, n, 1, 1, tctx, name);
      check_adaptive(600, 7, 7, 1, 1, tctx, name);
      check_adaptive(5, 14, 14, 7, 7, tctx, name);
      check_adaptive(5, 12, 9, 4, 3, tctx, name);
      check_adaptive(5, 7, 9, 3, 4, tctx, name);
      check_adaptive(5, 5, 5, 7, 7, tctx, name);
    }
  }
  std::printf(failures == 0 ? "test_pool: ok\n" : "test_pool: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
