// Splitting element-wise work over the thread pool (baseline code only: it uses the pool's templates).
//
// Waking pool threads costs 13-22 us on the machines we measure on, so arrays below kParallelMin elements
// run on the calling thread alone. Larger ones are cut into fixed chunks of kChunk elements (a multiple of
// every vector width); since each element's result never depends on its chunk or thread, the output is
// bitwise the same for every thread count.
#pragma once

#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {

constexpr int64_t kChunk = int64_t{1} << 15;
constexpr int64_t kParallelMin = int64_t{1} << 17;

// fn(begin, end) over [0, n), in chunks on the pool when n is large enough.
template <typename F>
void for_chunks(runtime::Context& ctx, int64_t n, int64_t min_parallel, F&& fn) noexcept {
  if (n < min_parallel || ctx.pool.num_threads() <= 1 || runtime::ThreadPool::in_parallel_region()) {
    if (n > 0) fn(int64_t{0}, n);
    return;
  }
  const int64_t tasks = (n + kChunk - 1) / kChunk;
  ctx.pool.parallel_for(tasks, [&](int64_t t, int) {
    const int64_t begin = t * kChunk;
    fn(begin, begin + kChunk < n ? begin + kChunk : n);
  });
}

// fn(o) for every slab o in [0, outer) of `slab` elements each: whole slabs per task, about kChunk elements
// per task; small problems stay on the calling thread.
template <typename F>
void for_slabs(runtime::Context& ctx, int64_t outer, int64_t slab, F&& fn) noexcept {
  if (outer <= 0 || slab <= 0) return;
  const int64_t per = slab >= kChunk ? 1 : kChunk / slab;
  const int64_t tasks = (outer + per - 1) / per;
  if (outer * slab < kParallelMin / 4 || tasks == 1 || ctx.pool.num_threads() <= 1 ||
      runtime::ThreadPool::in_parallel_region()) {
    for (int64_t o = 0; o < outer; ++o) fn(o);
    return;
  }
  ctx.pool.parallel_for(tasks, [&](int64_t t, int) {
    const int64_t end = (t + 1) * per < outer ? (t + 1) * per : outer;
    for (int64_t o = t * per; o < end; ++o) fn(o);
  });
}

template <typename T>
inline T* offset(T* p, int64_t i) noexcept {
  return p == nullptr ? nullptr : p + i;
}

}  // namespace nodegrad::kernels
