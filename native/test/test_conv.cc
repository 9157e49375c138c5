// conv2d kernels against direct loops, without Node: exact-mode (small-integer) data so every sum is exact
// and results must match bitwise, on each ISA the CPU has, 1 and 2 threads, shapes crossing im2col tiles.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kernels/conv/conv2d.h"

using nodegrad::kernels::Conv2dShape;
using nodegrad::runtime::Context;
using nodegrad::runtime::Isa;

namespace {

int failures = 0;

std::vector<float> ints(size_t n, unsigned seed) {
  std::vector<float> v(n);
  for (auto& e : v) {
    seed = seed * 1103515245u + 12345u;
    e = static_cast<float>(static_cast<int>((seed >> 16) % 7) - 3);
  }
  return v;
}

// The definition: y[b,o,i,j] = bias[o] + Σ x[b, g·cg + c, i·s − pt + ky·d, j·s − pl + kx·d]·w[o, c, ky, kx].
void direct(const Conv2dShape& s, const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& bias,
            const std::vector<float>& dy, std::vector<float>& y, std::vector<float>& dx, std::vector<float>& dw) {
  const int64_t cg = s.c / s.groups, ocg = s.oc / s.groups;
  for (int64_t b = 0; b < s.n; ++b)
    for (int64_t o = 0; o < s.oc; ++o)
      for (int64_t i = 0; i < s.oh; ++i)
        for (int64_t j = 0; j < s.ow; ++j) {
          const int64_t yi = ((b * s.oc + o) * s.oh + i) * s.ow + j;
          float acc = bias[o];
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t ky = 0; ky < s.kh; ++ky)
              for (int64_t kx = 0; kx < s.kw; ++kx) {
                const int64_t iy = i * s.stride_h - s.pad_top + ky * s.dilation_h;
                const int64_t ix = j * s.stride_w - s.pad_left + kx * s.dilation_w;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                const int64_t xi = ((b * s.c + (o / ocg) * cg + c) * s.h + iy) * s.w + ix;
                const int64_t wi = ((o * cg + c) * s.kh + ky) * s.kw + kx;
                acc += x[xi] * w[wi];
                dx[xi] += dy[yi] * w[wi];
                dw[wi] += dy[yi] * x[xi];
              }
          y[yi] = acc;
        }
}

void expect_equal(const char* what, const std::vector<float>& a, const std::vector<float>& b, const char* isa, int threads) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      std::printf("FAIL %s isa=%s threads=%d element %zu: %g != %g\n", what, isa, threads, i, a[i], b[i]);
      ++failures;
      return;
    }
  }
}

void check(Conv2dShape s, int64_t pad_bottom, int64_t pad_right, Context& ctx, const char* isa) {
  s.oh = (s.h + s.pad_top + pad_bottom - s.dilation_h * (s.kh - 1) - 1) / s.stride_h + 1;
  s.ow = (s.w + s.pad_left + pad_right - s.dilation_w * (s.kw - 1) - 1) / s.stride_w + 1;
  const size_t xn = s.n * s.c * s.h * s.w, wn = s.oc * (s.c / s.groups) * s.kh * s.kw, yn = s.n * s.oc * s.oh * s.ow;
  const auto x = ints(xn, 1), w = ints(wn, 2), bias = ints(s.oc, 3), dy = ints(yn, 4);
  std::vector<float> y(yn), dx(xn), dw(wn), ry(yn), rdx(xn, 0.0f), rdw(wn, 0.0f), db(s.oc), rdb(s.oc, 0.0f);
  direct(s, x, w, bias, dy, ry, rdx, rdw);
  for (int64_t b = 0; b < s.n; ++b)
    for (int64_t o = 0; o < s.oc; ++o)
      for (int64_t p = 0; p < s.oh * s.ow; ++p) rdb[o] += dy[(b * s.oc + o) * s.oh * s.ow + p];
  const int threads = ctx.pool.num_threads();
  if (conv2d_forward_f32(ctx, s, x.data(), w.data(), bias.data(), y.data()) != nodegrad::runtime::Status::ok) ++failures;
  if (conv2d_backward_data_f32(ctx, s, dy.data(), w.data(), dx.data()) != nodegrad::runtime::Status::ok) ++failures;
  if (conv2d_backward_weight_f32(ctx, s, x.data(), dy.data(), dw.data()) != nodegrad::runtime::Status::ok) ++failures;
  nodegrad::kernels::conv2d_backward_bias_f32(ctx, s.n, s.oc, s.oh * s.ow, dy.data(), db.data());
  expect_equal("y", y, ry, isa, threads);
  expect_equal("dx", dx, rdx, isa, threads);
  expect_equal("dw", dw, rdw, isa, threads);
  expect_equal("db", db, rdb, isa, threads);
  // The one-call backward: all three, and subsets (which leave the others untouched).
  std::vector<float> fdx(xn, 7.0f), fdw(wn, 7.0f), fdb(s.oc, 7.0f);
  if (conv2d_backward_f32(ctx, s, x.data(), dy.data(), w.data(), fdx.data(), fdw.data(), fdb.data()) !=
      nodegrad::runtime::Status::ok) {
    ++failures;
  }
  expect_equal("fused dx", fdx, rdx, isa, threads);
  expect_equal("fused dw", fdw, rdw, isa, threads);
  expect_equal("fused db", fdb, db, isa, threads);
  std::vector<float> sdw(wn, 7.0f), sdb(s.oc, 7.0f);
  if (conv2d_backward_f32(ctx, s, x.data(), dy.data(), w.data(), nullptr, sdw.data(), nullptr) !=
          nodegrad::runtime::Status::ok ||
      conv2d_backward_f32(ctx, s, x.data(), dy.data(), w.data(), nullptr, nullptr, sdb.data()) !=
          nodegrad::runtime::Status::ok) {
    ++failures;
  }
  expect_equal("backward dw only", sdw, rdw, isa, threads);
  expect_equal("backward db only", sdb, db, isa, threads);
  // With inexact data: the one-call db and dW bitwise as the separate kernels compute them.
  std::vector<float> rx(x), rdyv(dy);
  for (size_t i = 0; i < rx.size(); ++i) rx[i] = rx[i] * 0.1f + 0.013f * static_cast<float>(i % 5);
  for (size_t i = 0; i < rdyv.size(); ++i) rdyv[i] = rdyv[i] * 0.37f + 0.011f * static_cast<float>(i % 7);
  std::vector<float> adw(wn), adb(s.oc), bdw(wn), bdb(s.oc), bdx(xn);
  conv2d_backward_weight_f32(ctx, s, rx.data(), rdyv.data(), adw.data());
  nodegrad::kernels::conv2d_backward_bias_f32(ctx, s.n, s.oc, s.oh * s.ow, rdyv.data(), adb.data());
  conv2d_backward_f32(ctx, s, rx.data(), rdyv.data(), w.data(), bdx.data(), bdw.data(), bdb.data());
  expect_equal("fused dw (inexact)", bdw, adw, isa, threads);
  expect_equal("fused db (inexact)", bdb, adb, isa, threads);
}

// dW with an Inf in x's last column, which the shifted dW path's padded pixels read for taps that never use
// it: the NaN/Inf pattern must be exactly the definition's (its per-row fallback only sums real taps).
void check_nonfinite(Context& ctx, const char* isa) {
  Conv2dShape s{2, 16, 4, 6, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 4, 6};
  const size_t xn = s.n * s.c * s.h * s.w, wn = s.oc * s.c * s.kh * s.kw, yn = s.n * s.oc * s.oh * s.ow;
  auto x = ints(xn, 5);
  const auto w = ints(wn, 6), bias = ints(s.oc, 7), dy = ints(yn, 8);
  x[(1 * s.h + 2) * s.w + 5] = __builtin_inff();  // channel 1, row 2, last column of item 0
  std::vector<float> ry(yn), rdx(xn, 0.0f), rdw(wn, 0.0f), dw(wn);
  direct(s, x, w, bias, dy, ry, rdx, rdw);
  if (conv2d_backward_weight_f32(ctx, s, x.data(), dy.data(), dw.data()) != nodegrad::runtime::Status::ok) ++failures;
  for (size_t i = 0; i < wn; ++i) {
    if (!(dw[i] == rdw[i] || (dw[i] != dw[i] && rdw[i] != rdw[i]))) {
      std::printf("FAIL dw with Inf isa=%s threads=%d element %zu: %g != %g\n", isa, ctx.pool.num_threads(), i, dw[i], rdw[i]);
      ++failures;
      return;
    }
  }
}

// The small-reduction path (K = C/groups·KH·KW ≤ 160), exact data: widths across every vector width and its
// tiles, output channels across the register-panel splits, batches across the 8 dW/db chunks, one and
// several pixel tiles per item (dX gathered in registers, or added into padded planes); and a shape past
// the bound, on the general path.
void check_small(Context& ctx, const char* isa) {
  const bool quick = std::getenv("NODEGRAD_TEST_QUICK") != nullptr;
  //                                       n  c  h  w   oc kh kw sh sw pt pl dh dw g
  for (int64_t w = 1; w <= 40; w += quick ? 3 : 1) check({2, 1, 3, w, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, isa);
  for (int64_t oc : {1, 5, 12, 17, 25, 64}) check({1, 1, 4, 28, oc, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, isa);
  check({9, 1, 5, 17, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, isa);   // 8 chunks, one with two items
  check({3, 2, 6, 33, 7, 4, 4, 2, 1, 2, 1, 1, 2, 1, 0, 0}, 1, 2, ctx, isa);   // K = 32, strides, dilation
  check({2, 3, 7, 19, 6, 3, 3, 1, 1, 1, 1, 1, 1, 3, 0, 0}, 1, 1, ctx, isa);   // depthwise ×2
  check({2, 1, 8, 21, 9, 6, 6, 1, 1, 2, 3, 1, 1, 1, 0, 0}, 3, 2, ctx, isa);   // K = 36: the general path
  check({1, 1, 3, 300, 3, 1, 5, 1, 1, 0, 2, 1, 1, 1, 0, 0}, 0, 2, ctx, isa);  // conv1d, pixels past 16 vectors
  check({1, 2, 90, 200, 3, 3, 3, 1, 1, 1, 2, 2, 1, 1, 0, 0}, 1, 2, ctx, isa);  // 18000 pixels: 2 tiles
  check({2, 1, 8, 13, 5, 3, 3, 2, 1, 0, 0, 1, 1, 1, 0, 0}, 0, 0, ctx, isa);   // no padding, x's last row unread
  check({2, 2, 6, 11, 4, 2, 3, 1, 1, 3, 0, 1, 2, 1, 0, 0}, 0, 0, ctx, isa);    // padding past the kernel span
  check({2, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 1, 1, 1, 0, 0}, 0, 0, ctx, isa);  // K = 150 (LeNet conv2)
  // dW with the output channels in the vector lanes (K ≥ 4·V): 2 and 4 channel vectors of 16, 9 items.
  check({9, 6, 14, 14, 32, 5, 5, 2, 1, 1, 2, 1, 1, 1, 0, 0}, 2, 0, ctx, isa);  // K = 150, stride_h 2
  check({2, 4, 9, 13, 64, 4, 4, 1, 1, 0, 1, 2, 1, 1, 0, 0}, 1, 1, ctx, isa);   // K = 64, dilation_h 2
  check({1, 6, 50, 45, 5, 5, 5, 1, 1, 2, 1, 1, 1, 1, 0, 0}, 2, 1, ctx, isa);   // K = 150 over 2 pixel tiles
  check({2, 3, 19, 17, 5, 7, 7, 2, 2, 3, 3, 1, 1, 1, 0, 0}, 3, 3, ctx, isa);   // K = 147, stride 2
  check({1, 4, 6, 9, 3, 7, 7, 1, 1, 3, 3, 1, 1, 1, 0, 0}, 3, 3, ctx, isa);     // K = 196: the general path
}

// db summed by the small path's dW kernel (two pixel tiles, the second starting at 16 mod 32, so its lanes
// are offset) bitwise as the separate bias kernel and the db-only backward sum it; dy spans magnitudes
// 2^0 .. 2^10, so any change in a lane's order shows in the result.
void check_small_db(Context& ctx, const char* isa) {
  Conv2dShape s{2, 2, 80, 222, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 80, 222};
  const size_t xn = s.n * s.c * s.h * s.w, wn = s.oc * s.c * 9, yn = s.n * s.oc * s.oh * s.ow;
  std::vector<float> x(xn), w(wn), dy(yn), dw(wn), db(s.oc), odb(s.oc, 7.0f), rdb(s.oc);
  for (size_t i = 0; i < xn; ++i) x[i] = 0.01f * static_cast<float>(i % 17);
  for (size_t i = 0; i < wn; ++i) w[i] = 0.1f * static_cast<float>(i % 5);
  for (size_t i = 0; i < yn; ++i) {
    dy[i] = (static_cast<float>(i * 2654435761u % 1000003u) / 1000003.0f - 0.5f) * static_cast<float>(1 << (i % 11));
  }
  const auto ok = nodegrad::runtime::Status::ok;
  if (conv2d_backward_f32(ctx, s, x.data(), dy.data(), w.data(), nullptr, dw.data(), db.data()) != ok ||
      conv2d_backward_f32(ctx, s, x.data(), dy.data(), w.data(), nullptr, nullptr, odb.data()) != ok) {
    ++failures;
  }
  nodegrad::kernels::conv2d_backward_bias_f32(ctx, s.n, s.oc, s.oh * s.ow, dy.data(), rdb.data());
  expect_equal("small db with dW vs bias kernel", db, rdb, isa, ctx.pool.num_threads());
  expect_equal("small db with dW vs db only", db, odb, isa, ctx.pool.num_threads());
}

// Inexact data through the small path on 1 and 2 threads: every output bitwise the same.
void check_small_threads(Isa isa, const char* name) {
  Conv2dShape s{9, 1, 6, 23, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 6, 23};
  const size_t xn = s.n * s.h * s.w, wn = s.oc * 9, yn = s.n * s.oc * s.oh * s.ow;
  std::vector<float> x(xn), w(wn), bias(s.oc), dy(yn);
  for (size_t i = 0; i < xn; ++i) x[i] = 0.37f * static_cast<float>(i % 13) - 1.1f;
  for (size_t i = 0; i < wn; ++i) w[i] = 0.21f * static_cast<float>(i % 7) - 0.6f;
  for (size_t i = 0; i < yn; ++i) dy[i] = 0.013f * static_cast<float>(i % 29) - 0.17f;
  std::vector<float> out[2][4];
  for (int t = 0; t < 2; ++t) {
    Context ctx(isa, t + 1);
    out[t][0].resize(yn), out[t][1].resize(xn), out[t][2].resize(wn), out[t][3].resize(s.oc);
    if (conv2d_forward_f32(ctx, s, x.data(), w.data(), bias.data(), out[t][0].data()) != nodegrad::runtime::Status::ok ||
        conv2d_backward_f32(ctx, s, x.data(), dy.data(), w.data(), out[t][1].data(), out[t][2].data(),
                            out[t][3].data()) != nodegrad::runtime::Status::ok) {
      ++failures;
    }
  }
  const char* what[4] = {"small y (threads)", "small dx (threads)", "small dw (threads)", "small db (threads)"};
  for (int k = 0; k < 4; ++k) expect_equal(what[k], out[1][k], out[0][k], name, 2);
}

}  // namespace

int main() {
  const auto features = nodegrad::runtime::detect_cpu_features();
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (!nodegrad::runtime::isa_supported(features, isa)) continue;
    for (int threads : {1, 2}) {
      Context ctx(isa, threads);
      const char* name = nodegrad::runtime::isa_name(isa);
      //        n  c   h   w   oc kh kw sh sw pt pl dh dw g  (oh, ow derived)
      check({2, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, name);
      check({1, 64, 40, 40, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, name);  // 4 im2col tiles
      check({3, 4, 7, 16, 6, 2, 3, 2, 3, 2, 0, 2, 1, 2, 0, 0}, 0, 1, ctx, name);    // strides, dilation, pads, groups
      check({2, 6, 8, 8, 12, 3, 3, 1, 1, 1, 1, 1, 1, 6, 0, 0}, 1, 1, ctx, name);    // depthwise ×2
      check({2, 8, 5, 7, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0}, 0, 0, ctx, name);     // 1×1 fast path
      check({1, 2, 1, 33, 3, 1, 5, 1, 2, 0, 2, 1, 1, 1, 0, 0}, 0, 2, ctx, name);    // conv1d (h = 1)
      // Shifted driver (stride_w 1, ≥ 16 channels per group): widths around NR (4/12/16/32), channel panels
      // around MR (4/6/8/14), groups, dilation, vertical stride, asymmetric and cropping padding.
      check({2, 16, 5, 33, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, name);
      check({1, 32, 6, 12, 30, 3, 2, 2, 1, 0, 1, 2, 1, 2, 0, 0}, 2, 0, ctx, name);
      check({2, 40, 4, 7, 16, 2, 3, 1, 1, 2, 0, 1, 2, 1, 0, 0}, 1, 3, ctx, name);   // pad > dilation·(k − 1)
      check({1, 20, 3, 40, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0}, 0, 0, ctx, name);   // 1×1
      check({1, 64, 3, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 4, 0, 0}, 1, 1, ctx, name);   // 4 groups of 16
      check({1, 300, 2, 3, 5, 1, 2, 1, 1, 0, 0, 1, 1, 1, 0, 0}, 0, 0, ctx, name);   // channels past one k block
      check({1, 8, 2, 3, 300, 1, 2, 1, 1, 0, 0, 0, 1, 1, 0, 0}, 0, 1, ctx, name);   // dX: channels past one k block
      check({1, 16, 36, 30, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, name);  // dW: pixels past one k block
      check_nonfinite(ctx, name);
      // Packed unfold driver: reduction past one k block (bias row included), one item split over threads.
      check({1, 30, 6, 9, 15, 3, 3, 1, 2, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, name);
      check({1, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 1, 1, 1, 0, 0}, 2, 2, ctx, name);   // LeNet conv1, one item
      check({1, 12, 20, 100, 5, 5, 5, 1, 1, 2, 2, 1, 1, 1, 0, 0}, 2, 2, ctx, name);  // padded rows: row tiles, k blocks
      check({11, 1, 9, 10, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1, ctx, name);  // C = 1, batch over 8 chunks
      check_small(ctx, name);
      check_small_db(ctx, name);
      if (threads == 1) check_small_threads(isa, name);
    }
  }
  std::printf(failures == 0 ? "test_conv: ok\n" : "test_conv: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
