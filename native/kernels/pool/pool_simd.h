// Pooling micro-kernel bodies written once over a vector vocabulary V (pool_vec_avx2.h, pool_vec_avx512.h).
// Included by each x86 ISA file after its V; everything here sits in an anonymous namespace, so every
// instantiation stays inside the translation unit (and ISA flags) that made it. Contracts in pool_ukernel.h.
//
// Row tails: when a row has at least one full vector, the last vector is moved back to end at the row's end
// and recomputes a few outputs with the same values; shorter rows take masked loads and stores (the ISA files
// send such rows to a narrower vocabulary, or to the scalar loop, first).
#pragma once

#include <cstdint>

#include "pool_ukernel.h"

namespace nodegrad::kernels {
namespace {

// Outputs [j, j + lanes) of a row of `count`; shifts j back for the last vector when the row allows it.
template <class V>
inline int vector_span(int64_t& j, int64_t count) {
  if (count - j >= V::kLanes) return V::kLanes;
  if (count >= V::kLanes) {
    j = count - V::kLanes;
    return V::kLanes;
  }
  return static_cast<int>(count - j);
}

// Any window shape, sw ∈ {1, 2}, in two passes over the taps so that no step waits on a compare of the one
// before: first the window maximum ignoring NaN (max(v, m) keeps m when v is NaN) and which lanes saw a NaN;
// then, taps last to first, the value and index of every tap equal to that maximum (or, in a lane with a
// NaN, of every NaN), so the first such tap in row-major order is left: the one the scalar scan keeps
// (ties compare equal, so the first of +0 and −0 keeps its sign, and the first NaN its payload).
template <class V>
inline void max_row(const PoolRun& k, int64_t iy, float* y, int32_t* idx) {
  const typename V::I lane_sw = V::lanes_times(k.sw);
  const int64_t last_ky = k.nky - 1, last_kx = k.kw - 1;
  for (int64_t j = 0; j < k.count; j += V::kLanes) {
    const int r = vector_span<V>(j, k.count);
    const int64_t base = iy * k.w + k.ix0 + j * k.sw;
    typename V::F m = V::load_tap(k.plane + base, k.sw, r);
    typename V::M nan = V::isnan(m);
    for (int64_t ky = 0; ky < k.nky; ++ky) {
      for (int64_t kx = ky == 0 ? 1 : 0; kx < k.kw; ++kx) {
        const typename V::F v = V::load_tap(k.plane + base + ky * k.dh * k.w + kx * k.dw, k.sw, r);
        m = V::max(v, m);
        nan = V::or_(nan, V::isnan(v));
      }
    }
    m = V::select(nan, V::set1(__builtin_nanf("")), m);  // equal to no tap: only the NaNs match
    const int64_t last = base + last_ky * k.dh * k.w + last_kx * k.dw;
    typename V::F val = V::load_tap(k.plane + last, k.sw, r);
    typename V::I id = V::addi(V::set1i(last), lane_sw);
    for (int64_t ky = last_ky; ky >= 0; --ky) {
      for (int64_t kx = ky == last_ky ? last_kx - 1 : last_kx; kx >= 0; --kx) {
        const int64_t at = base + ky * k.dh * k.w + kx * k.dw;
        const typename V::F v = V::load_tap(k.plane + at, k.sw, r);
        const typename V::M hit = V::or_(V::eq(v, m), V::isnan(v));
        val = V::select(hit, v, val);
        id = V::selecti(hit, V::addi(V::set1i(at), lane_sw), id);
      }
    }
    V::store(y + j, val, r);
    V::storei(idx + j, id, r);
  }
}

// 2×2 windows, stride 2: each input row split into even and odd columns in registers. The window's first
// maximum is found as a tree (top pair, bottom pair, then top against bottom), which picks the same tap as
// the row-major scan because every merge keeps its left (earlier) side unless the right one is strictly
// larger or is a NaN against a number.
template <class V>
inline void max_row_2x2(const float* plane, int64_t w, int64_t iy, int64_t ix0, int64_t count, float* y,
                        int32_t* idx) {
  for (int64_t j = 0; j < count; j += V::kLanes) {
    const int r = vector_span<V>(j, count);
    const int64_t base = iy * w + ix0 + 2 * j;
    typename V::F te, to, be, bo;
    V::deinterleave(plane + base, r, &te, &to);
    V::deinterleave(plane + base + w, r, &be, &bo);
    const typename V::M tt = V::take(te, to), tb = V::take(be, bo);
    const typename V::F mt = V::select(tt, to, te), mb = V::select(tb, bo, be);
    const typename V::M tv = V::take(mt, mb);
    const typename V::I id = V::addi(V::set1i(base), V::pair_offsets());
    const typename V::I it = V::add_one_where(tt, id), ib = V::add_one_where(tb, V::addi(id, V::set1i(w)));
    V::store(y + j, V::unshuffle(V::select(tv, mb, mt)), r);
    V::storei(idx + j, V::unshufflei(V::selecti(tv, ib, it)), r);
  }
}

template <class V>
inline void max_run(const PoolRun& k, float* y, int32_t* idx) {
  const bool pair = k.sw == 2 && k.kw == 2 && k.nky == 2 && k.dh == 1 && k.dw == 1;
  for (int64_t row = 0; row < k.rows; ++row) {
    const int64_t iy = k.iy0 + row * k.sh;
    if (pair) {
      max_row_2x2<V>(k.plane, k.w, iy, k.ix0, k.count, y + row * k.ldy, idx + row * k.ldy);
    } else {
      max_row<V>(k, iy, y + row * k.ldy, idx + row * k.ldy);
    }
  }
}

template <class V>
inline void avg_run(const PoolRun& k, float divisor, float* y) {
  const typename V::F div = V::set1(divisor);
  const bool pair = k.sw == 2 && k.kw == 2 && k.nky == 2;
  for (int64_t row = 0; row < k.rows; ++row) {
    const float* p = k.plane + (k.iy0 + row * k.sh) * k.w + k.ix0;
    float* yr = y + row * k.ldy;
    for (int64_t j = 0; j < k.count; j += V::kLanes) {
      const int r = vector_span<V>(j, k.count);
      typename V::F sum = V::zero();
      if (pair) {
        typename V::F te, to, be, bo;
        V::deinterleave(p + 2 * j, r, &te, &to);
        V::deinterleave(p + 2 * j + k.w, r, &be, &bo);
        sum = V::unshuffle(V::add(V::add(V::add(V::add(sum, te), to), be), bo));
      } else {
        for (int64_t ky = 0; ky < k.nky; ++ky) {
          for (int64_t kx = 0; kx < k.kw; ++kx) sum = V::add(sum, V::load_tap(p + j * k.sw + ky * k.w + kx, k.sw, r));
        }
      }
      V::store(yr + j, V::div(sum, div), r);
    }
  }
}

template <class V>
inline bool max_backward_2x2(int64_t oh, int64_t ow, const float* dy, const int32_t* idx, float* dx) {
  const int64_t w = 2 * ow;
  const typename V::I one = V::set1i(1), right = V::set1i(w), diag = V::set1i(w + 1), none = V::set1i(-1);
  for (int64_t oy = 0; oy < oh; ++oy) {
    float* top = dx + 2 * oy * w;
    for (int64_t j = 0; j < ow; j += V::kLanes) {
      const int r = vector_span<V>(j, ow);
      const typename V::F g = V::add(V::load(dy + oy * ow + j, r), V::zero());  // 0 + dy, as the scatter adds
      const typename V::I at = V::loadi(idx + oy * ow + j, r);
      const typename V::I rel = V::subi(at, V::addi(V::set1i(2 * oy * w + 2 * j), V::lanes_times(2)));
      const typename V::M m0 = V::eqi(rel, V::zeroi()), m1 = V::eqi(rel, one), m2 = V::eqi(rel, right),
                          m3 = V::eqi(rel, diag);
      if (!V::all(V::or_(V::or_(V::or_(m0, m1), V::or_(m2, m3)), V::eqi(at, none)), r)) return false;
      typename V::F lo, hi;
      V::interleave(V::maskz(m0, g), V::maskz(m1, g), &lo, &hi);
      V::store(top + 2 * j, lo, 2 * r);
      V::store(top + 2 * j + V::kLanes, hi, 2 * r - V::kLanes);
      V::interleave(V::maskz(m2, g), V::maskz(m3, g), &lo, &hi);
      V::store(top + w + 2 * j, lo, 2 * r);
      V::store(top + w + 2 * j + V::kLanes, hi, 2 * r - V::kLanes);
    }
  }
  return true;
}

template <class V>
inline void avg_backward_2x2(int64_t oh, int64_t ow, const float* dy, float divisor, float* dx) {
  const int64_t w = 2 * ow;
  const typename V::F div = V::set1(divisor);
  for (int64_t oy = 0; oy < oh; ++oy) {
    float* top = dx + 2 * oy * w;
    for (int64_t j = 0; j < ow; j += V::kLanes) {
      const int r = vector_span<V>(j, ow);
      const typename V::F v = V::add(V::div(V::load(dy + oy * ow + j, r), div), V::zero());
      typename V::F lo, hi;
      V::interleave(v, v, &lo, &hi);
      V::store(top + 2 * j, lo, 2 * r);
      V::store(top + 2 * j + V::kLanes, hi, 2 * r - V::kLanes);
      V::store(top + w + 2 * j, lo, 2 * r);
      V::store(top + w + 2 * j + V::kLanes, hi, 2 * r - V::kLanes);
    }
  }
}

// Two accumulators over whole vectors, the plane's last partial vector masked, then across the lanes.
template <class V>
inline void plane_means(int64_t planes, int64_t n, float divisor, const float* x, float* y) {
  for (int64_t p = 0; p < planes; ++p) {
    const float* a = x + p * n;
    typename V::F s0 = V::zero(), s1 = V::zero();
    int64_t i = 0;
    for (; i + 2 * V::kLanes <= n; i += 2 * V::kLanes) {
      s0 = V::add(s0, V::load(a + i, V::kLanes));
      s1 = V::add(s1, V::load(a + i + V::kLanes, V::kLanes));
    }
    if (i + V::kLanes <= n) {
      s0 = V::add(s0, V::load(a + i, V::kLanes));
      i += V::kLanes;
    }
    if (i < n) s1 = V::add(s1, V::load(a + i, static_cast<int>(n - i)));
    y[p] = V::hsum(V::add(s0, s1)) / divisor;
  }
}

}  // namespace
}  // namespace nodegrad::kernels
