// The separable max-pooling plane body (contract: MaxPlaneRun in pool_ukernel.h) over a vector vocabulary V.
// Included by the x86 ISA files after pool_simd.h; anonymous namespace, as there. The row pass and the merge
// use the same vector partition of [in_begin, in_end), so every merge load reads back exactly one earlier
// store (store-to-load forwarding works) and the ring stays in L1.
#pragma once

#include <cstdint>

#include "pool_simd.h"

namespace nodegrad::kernels {
namespace {

// The scan's step: (v, at) replaces (m, id) when v is larger, or a NaN against a number.
inline void take_scalar(float v, int32_t at, float& m, int32_t& id) {
  const bool t = v > m || (v != v && m == m);
  m = t ? v : m;
  id = t ? at : id;
}

// Row iy's first maximum over each output column's kw taps, into one ring slot.
template <class V>
inline void max_row_pass(const MaxPlaneRun& k, int64_t iy, float* hv, int32_t* hi) {
  const float* row = k.plane + iy * k.w;
  const int32_t row_at = static_cast<int32_t>(iy * k.w);
  const auto border = [&](int64_t ox) {
    const int64_t x0 = ox * k.sw - k.pad_left;
    const int64_t a = x0 < 0 ? 0 : x0, b = x0 + k.kw < k.w ? x0 + k.kw : k.w;
    float m = row[a];
    int32_t id = row_at + static_cast<int32_t>(a);
    for (int64_t ix = a + 1; ix < b; ++ix) take_scalar(row[ix], row_at + static_cast<int32_t>(ix), m, id);
    hv[ox] = m;
    hi[ox] = id;
  };
  for (int64_t ox = 0; ox < k.in_begin; ++ox) border(ox);
  const int64_t count = k.in_end - k.in_begin;
  const typename V::I lane_sw = V::lanes_times(k.sw);
  for (int64_t j = 0; j < count; j += V::kLanes) {
    const int r = vector_span<V>(j, count);
    const int64_t x0 = (k.in_begin + j) * k.sw - k.pad_left;
    typename V::F m = V::load_tap(row + x0, k.sw, r);
    const typename V::I at = V::addi(V::set1i(row_at + x0), lane_sw);
    typename V::I id = at;
    for (int64_t kx = 1; kx < k.kw; ++kx) {
      const typename V::F v = V::load_tap(row + x0 + kx, k.sw, r);
      const typename V::M t = V::take(m, v);
      m = V::select(t, v, m);
      id = V::selecti(t, V::addi(at, V::set1i(kx)), id);
    }
    V::store(hv + k.in_begin + j, m, r);
    V::storei(hi + k.in_begin + j, id, r);
  }
  for (int64_t ox = k.in_end; ox < k.ow; ++ox) border(ox);
}

template <class V>
inline void max_plane(const MaxPlaneRun& k, float* y, int32_t* idx) {
  for (int64_t slot = 0; slot < k.kh; ++slot) k.ring_row[slot] = -1;
  const int64_t count = k.in_end - k.in_begin;
  for (int64_t oy = 0; oy < k.oh; ++oy) {
    const int64_t y0 = oy * k.sh - k.pad_top;
    const int64_t a = y0 < 0 ? 0 : y0, b = y0 + k.kh < k.h ? y0 + k.kh : k.h;
    const int64_t first = a % k.kh;
    for (int64_t iy = a, slot = first; iy < b; ++iy, slot = slot + 1 == k.kh ? 0 : slot + 1) {
      if (k.ring_row[slot] == iy) continue;
      max_row_pass<V>(k, iy, k.ring + slot * k.ow, k.ring_idx + slot * k.ow);
      k.ring_row[slot] = iy;
    }
    float* yr = y + oy * k.ow;
    int32_t* ir = idx + oy * k.ow;
    const float* hv0 = k.ring + first * k.ow;
    const int32_t* hi0 = k.ring_idx + first * k.ow;
    const auto border = [&](int64_t ox) {
      float m = hv0[ox];
      int32_t id = hi0[ox];
      for (int64_t t = 1, slot = first; t < b - a; ++t) {
        slot = slot + 1 == k.kh ? 0 : slot + 1;
        take_scalar(k.ring[slot * k.ow + ox], k.ring_idx[slot * k.ow + ox], m, id);
      }
      yr[ox] = m;
      ir[ox] = id;
    };
    for (int64_t ox = 0; ox < k.in_begin; ++ox) border(ox);
    for (int64_t j = k.in_begin; j < k.in_end; j += V::kLanes) {
      int64_t jj = j - k.in_begin;
      const int r = vector_span<V>(jj, count);
      j = k.in_begin + jj;
      typename V::F m = V::load(hv0 + j, r);
      typename V::I id = V::loadi(hi0 + j, r);
      for (int64_t t = 1, slot = first; t < b - a; ++t) {
        slot = slot + 1 == k.kh ? 0 : slot + 1;
        const typename V::F v = V::load(k.ring + slot * k.ow + j, r);
        const typename V::M tk = V::take(m, v);
        m = V::select(tk, v, m);
        id = V::selecti(tk, V::loadi(k.ring_idx + slot * k.ow + j, r), id);
      }
      V::store(yr + j, m, r);
      V::storei(ir + j, id, r);
    }
    for (int64_t ox = k.in_end; ox < k.ow; ++ox) border(ox);
  }
}

}  // namespace
}  // namespace nodegrad::kernels
