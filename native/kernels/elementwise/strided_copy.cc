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

// out[r, c] = x[c, r] style copies (rank 2, x unit-strided down the rows, out along the columns) go
// kTile x kTile tiles at a time through a small buffer: kTile whole cache lines read, kTile whole lines
// written. Reading and writing the tile directly would keep 2·kTile lines live whose addresses are a power
// of two apart for the usual sizes, which map to one cache set and evict each other (5-10x slower).
constexpr int64_t kTile = 16;

void transpose_rows(int64_t r0, int64_t r1, int64_t cols, const float* x, int64_t xs, float* out, int64_t os) {
  float tile[kTile][kTile];
  for (; r0 < r1; r0 += kTile) {
    const int64_t nr = r0 + kTile < r1 ? kTile : r1 - r0;
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t nc = c0 + kTile < cols ? kTile : cols - c0;
      for (int64_t c = 0; c < nc; ++c) {
        const float* px = x + (c0 + c) * xs + r0;
        for (int64_t r = 0; r < nr; ++r) tile[r][c] = px[r];
      }
      for (int64_t r = 0; r < nr; ++r) {
        float* po = out + (r0 + r) * os + c0;
        for (int64_t c = 0; c < nc; ++c) po[c] = tile[r][c];
      }
    }
  }
}

}  // namespace

void strided_copy_f32(runtime::Context& ctx, int rank, const int64_t* shape, const float* x, const int64_t* x_strides,
                      float* out, const int64_t* out_strides) noexcept {
  if (rank == 2 && x_strides[0] == 1 && x_strides[1] > 1 && out_strides[1] == 1 && out_strides[0] >= shape[1] &&
      shape[0] >= kTile && shape[1] >= kTile) {
    const int64_t rows = shape[0], cols = shape[1], xs = x_strides[1], os = out_strides[0];
    const int64_t tasks = (rows + kTile - 1) / kTile;
    // out's rows do not overlap (os >= cols), so tasks owning whole rows never write the same element.
    if (rows * cols < kParallelMin || ctx.pool.num_threads() <= 1 ||
        runtime::ThreadPool::in_parallel_region()) {
      return transpose_rows(0, rows, cols, x, xs, out, os);
    }
    ctx.pool.parallel_for(tasks, [&](int64_t t, int) {
      transpose_rows(t * kTile, (t + 1) * kTile < rows ? (t + 1) * kTile : rows, cols, x, xs, out, os);
    });
    return;
  }
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
