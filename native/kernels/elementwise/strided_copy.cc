// where and strided copies over the shared row walk (strided.h).
#include "strided_copy.h"

#include <cstring>

#include "strided.h"

namespace nodegrad::kernels {

void where_f32(runtime::Context& ctx, int rank, const int64_t* shape, const float* cond, const int64_t* cond_strides,
               const float* a, const int64_t* a_strides, const float* b, const int64_t* b_strides, float* out) noexcept {
  const int64_t* strides[3] = {cond_strides, a_strides, b_strides};
  const int64_t sc = rank > 0 ? cond_strides[rank - 1] : 0, sa = rank > 0 ? a_strides[rank - 1] : 0,
                sb = rank > 0 ? b_strides[rank - 1] : 0;
  for_rows<3>(ctx, rank, shape, strides, kParallelMin, true, [&](int64_t n, const int64_t* off, int64_t k) {
    const float *c = cond + off[0], *pa = a + off[1], *pb = b + off[2];
    float* o = out + k;
    if (sc == 1 && sa == 1 && sb == 1) {  // the dense case, kept separate so it vectorises
      for (int64_t i = 0; i < n; ++i) o[i] = c[i] != 0 ? pa[i] : pb[i];
      return;
    }
    for (int64_t i = 0; i < n; ++i) o[i] = c[i * sc] != 0 ? pa[i * sa] : pb[i * sb];
  });
}

namespace {

// True when out_strides are the dense row-major strides of shape (ignoring size-1 dims), so distinct
// indices write distinct elements and rows may go to different threads.
bool dense_row_major(int rank, const int64_t* shape, const int64_t* strides) {
  int64_t expect = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (shape[d] != 1 && strides[d] != expect) return false;
    expect *= shape[d];
  }
  return true;
}

}  // namespace

void strided_copy_f32(runtime::Context& ctx, int rank, const int64_t* shape, const float* x, const int64_t* x_strides,
                      float* out, const int64_t* out_strides) noexcept {
  const int64_t* strides[2] = {x_strides, out_strides};
  const int64_t sx = rank > 0 ? x_strides[rank - 1] : 0, so = rank > 0 ? out_strides[rank - 1] : 0;
  const bool parallel_ok = dense_row_major(rank, shape, out_strides);
  for_rows<2>(ctx, rank, shape, strides, kParallelMin, parallel_ok, [&](int64_t n, const int64_t* off, int64_t) {
    const float* px = x + off[0];
    float* po = out + off[1];
    if (sx == 1 && so == 1) {
      std::memmove(po, px, static_cast<size_t>(n) * sizeof(float));
    } else if (sx == 0) {
      const float v = *px;
      for (int64_t i = 0; i < n; ++i) po[i * so] = v;
    } else {
      for (int64_t i = 0; i < n; ++i) po[i * so] = px[i * sx];
    }
  });
}

}  // namespace nodegrad::kernels
