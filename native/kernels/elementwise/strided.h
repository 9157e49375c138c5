// The row walk shared by the strided kernels (binary, where, stridedCopy); baseline code only.
//
// A shape of rank r is walked as rows of its last dim in row-major order; each of the K operands has its
// own element strides. fn(n, off, k) handles n consecutive elements of one row: off[j] is operand j's
// element offset of the first of them, k their flat (row-major) index; fn walks the last dim itself.
// Work is split over the pool by whole rows, or by fixed chunks of a single long row, so which thread
// handles an element never changes its value.
#pragma once

#include <cstdint>

#include "parallel.h"

namespace nodegrad::kernels {

constexpr int kMaxRank = 8;  // MAX_RANK in the TS interface

template <int K, typename F>
void for_rows(runtime::Context& ctx, int rank, const int64_t* shape, const int64_t* const* strides, int64_t min_parallel,
              bool parallel_ok, F&& fn) noexcept {
  if (rank == 0) {
    int64_t off[K] = {0};
    fn(int64_t{1}, off, int64_t{0});
    return;
  }
  int64_t total = 1;
  for (int d = 0; d < rank; ++d) total *= shape[d];
  if (total == 0) return;
  const int64_t len = shape[rank - 1];
  const int64_t rows = total / len;
  const bool serial = !parallel_ok || total < min_parallel || ctx.pool.num_threads() <= 1 ||
                      runtime::ThreadPool::in_parallel_region();
  if (rows == 1) {  // one long row: fixed chunks of it
    auto chunk = [&](int64_t lo, int64_t hi) {
      int64_t off[K];
      for (int j = 0; j < K; ++j) off[j] = lo * strides[j][rank - 1];
      fn(hi - lo, off, lo);
    };
    if (serial) return chunk(0, len);
    ctx.pool.parallel_for((len + kChunk - 1) / kChunk, [&](int64_t t, int) {
      chunk(t * kChunk, (t + 1) * kChunk < len ? (t + 1) * kChunk : len);
    });
    return;
  }
  // Rows [r0, r1) per task: the offsets of r0 from its index over the leading dims, then an odometer.
  const int64_t per = serial ? rows : len >= kChunk ? 1 : kChunk / len;
  const int64_t tasks = (rows + per - 1) / per;
  auto run = [&](int64_t t) {
    const int64_t r0 = t * per, r1 = r0 + per < rows ? r0 + per : rows;
    int64_t idx[kMaxRank] = {0}, off[K] = {0};
    for (int64_t d = rank - 2, q = r0; d >= 0; --d) {
      idx[d] = q % shape[d];
      q /= shape[d];
      for (int j = 0; j < K; ++j) off[j] += idx[d] * strides[j][d];
    }
    for (int64_t r = r0; r < r1; ++r) {
      fn(len, off, r * len);
      for (int d = rank - 2; d >= 0; --d) {
        for (int j = 0; j < K; ++j) off[j] += strides[j][d];
        if (++idx[d] < shape[d]) break;
        for (int j = 0; j < K; ++j) off[j] -= strides[j][d] * shape[d];
        idx[d] = 0;
      }
    }
  };
  if (tasks == 1) return run(0);
  ctx.pool.parallel_for(tasks, [&](int64_t t, int) { run(t); });
}

}  // namespace nodegrad::kernels
