// Window arithmetic shared by the pooling drivers (baseline translation units only, never ISA files).
#pragma once

#include <algorithm>
#include <cstdint>

#include "../../runtime/context.h"

namespace nodegrad::kernels {
namespace {

// Taps k in [k0, k1) of window `o` land inside [0, size): position start + k·dilation.
struct TapRange {
  int64_t start, k0, k1;
};

inline TapRange tap_range(int64_t o, int64_t stride, int64_t pad, int64_t k, int64_t dilation, int64_t size) {
  TapRange r;
  r.start = o * stride - pad;
  r.k0 = r.start >= 0 ? 0 : (-r.start + dilation - 1) / dilation;
  r.k1 = size - r.start <= 0 ? 0 : std::min(k, (size - r.start + dilation - 1) / dilation);
  return r;
}

// Planes up to this many elements (16 KiB) stay in L1 while their windows are visited in any order.
constexpr int64_t kSmallPlane = 4096;

// Output columns [begin, end) whose every tap column is inside [0, size).
struct Interior {
  int64_t begin, end;
};

inline Interior interior(int64_t out, int64_t stride, int64_t pad, int64_t k, int64_t dilation, int64_t size) {
  Interior in;
  in.begin = std::min(out, (pad + stride - 1) / stride);  // ox·stride − pad ≥ 0
  const int64_t last = size - 1 + pad - (k - 1) * dilation;  // ox·stride ≤ last
  in.end = last < 0 ? 0 : std::min(out, last / stride + 1);
  if (in.end < in.begin) in.end = in.begin;
  return in;
}

// Runs fn(p0, p1) over planes [p0, p1) covering [0, planes), in tasks of enough planes to amortise waking
// the pool.
template <typename F>
void for_plane_ranges(runtime::Context& ctx, int64_t planes, int64_t plane_size, F&& fn) {
  constexpr int64_t kTaskElements = 16384;
  const int64_t per = std::max<int64_t>(1, kTaskElements / std::max<int64_t>(1, plane_size));
  const int64_t tasks = (planes + per - 1) / per;
  ctx.pool.parallel_for(tasks, [&](int64_t t, int) { fn(t * per, std::min(planes, (t + 1) * per)); });
}

// Runs fn(plane) for every plane, in tasks as for_plane_ranges.
template <typename F>
void for_plane_blocks(runtime::Context& ctx, int64_t planes, int64_t plane_size, F&& fn) {
  for_plane_ranges(ctx, planes, plane_size, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) fn(p);
  });
}

}  // namespace
}  // namespace nodegrad::kernels
