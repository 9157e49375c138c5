// The fused gate kernels of rnn_gates.h written once over the SIMD vocabulary (../simd/vmath.h).
//
// Not a standalone header: an ISA file includes its simd_<isa>.h, opens namespace nodegrad::kernels with
// `using namespace simd::<isa>`, and then includes this, so every function below is compiled once per ISA
// with internal linkage. Each block of kWidth units runs the same straight-line code, and the last partial
// block uses masked loads and stores through that same code: results depend on the values only, never on
// the lane, the block split or the thread count.
// No include guard on purpose (see vmath_impl.h).

namespace {

template <bool kFull>
struct Lanes {
  static vf load(const float* p, int64_t n) {
    if constexpr (kFull) return vload(p);
    else return vload_part(p, n);
  }
  static void store(float* p, vf v, int64_t n) {
    if constexpr (kFull) vstore(p, v);
    else vstore_part(p, v, n);
  }
};

// body(Lanes<full>, j, lanes) for every block of units [j, j + lanes) of [0, n).
template <typename Body>
inline void for_blocks(int64_t n, Body body) {
  int64_t j = 0;
  for (; j + kWidth <= n; j += kWidth) body(Lanes<true>{}, j, kWidth);
  if (j < n) body(Lanes<false>{}, j, n - j);
}

// Gate k's pre-activation g + bh.
template <typename L>
inline vf preact(L, const RnnGateRow& r, int64_t o, int64_t m) {
  return vadd(L::load(r.g + o, m), L::load(r.bh + o, m));
}

// relu with NaN kept: x <= 0 (and -0) gives +0, NaN compares false and passes through.
inline vf vrelu(vf x) { return vselect(vle(x, vzero()), vzero(), x); }

template <bool kRelu>
inline void rnn_gates(const RnnGateRow& r) {
  for_blocks(r.n, [&](auto lanes, int64_t j, int64_t m) {
    using L = decltype(lanes);
    const vf a = preact(lanes, r, j, m);
    const vf h = kRelu ? vrelu(a) : vtanh(a);
    L::store(r.h + j, h, m);
    L::store(r.y + j, h, m);
  });
}

inline void lstm_gates(const RnnGateRow& r) {
  const int64_t s = r.stride;
  for_blocks(r.n, [&](auto lanes, int64_t j, int64_t m) {
    using L = decltype(lanes);
    const vf i = vsigmoid(preact(lanes, r, j, m));
    const vf f = vsigmoid(preact(lanes, r, s + j, m));
    const vf g = vtanh(preact(lanes, r, 2 * s + j, m));
    const vf o = vsigmoid(preact(lanes, r, 3 * s + j, m));
    const vf c = vadd(vmul(f, L::load(r.c_prev + j, m)), vmul(i, g));
    const vf h = vmul(o, vtanh(c));
    L::store(r.gates + j, i, m);
    L::store(r.gates + s + j, f, m);
    L::store(r.gates + 2 * s + j, g, m);
    L::store(r.gates + 3 * s + j, o, m);
    L::store(r.c + j, c, m);
    L::store(r.h + j, h, m);
    L::store(r.y + j, h, m);
  });
}

inline void gru_gates(const RnnGateRow& r) {
  const int64_t s = r.stride;
  const float* gx_n = r.g + 2 * s;
  const float* gh_n = r.g + 3 * s;
  for_blocks(r.n, [&](auto lanes, int64_t j, int64_t m) {
    using L = decltype(lanes);
    const vf rg = vsigmoid(preact(lanes, r, j, m));
    const vf z = vsigmoid(preact(lanes, r, s + j, m));
    const int64_t o = 2 * s + j;
    const vf hn = vadd(L::load(gh_n + j, m), L::load(r.bh + o, m));
    const vf n = vtanh(vadd(vadd(L::load(gx_n + j, m), L::load(r.bx + o, m)), vmul(rg, hn)));
    const vf h = vadd(n, vmul(z, vsub(L::load(r.h_prev + j, m), n)));
    L::store(r.gates + j, rg, m);
    L::store(r.gates + s + j, z, m);
    L::store(r.gates + 2 * s + j, n, m);
    L::store(r.gates + 3 * s + j, hn, m);
    L::store(r.h + j, h, m);
    L::store(r.y + j, h, m);
  });
}

template <bool kRelu>
inline void rnn_gates_grad(const RnnGateGradRow& r) {
  for_blocks(r.n, [&](auto lanes, int64_t j, int64_t m) {
    using L = decltype(lanes);
    const vf h = L::load(r.h + j, m);
    const vf dh = vadd(L::load(r.dh + j, m), L::load(r.dy + j, m));
    const vf da = kRelu ? vselect(vgt(h, vzero()), dh, vzero()) : vmul(dh, vsub(vset(1.0f), vmul(h, h)));
    L::store(r.dgx + j, da, m);
  });
}

inline void lstm_gates_grad(const RnnGateGradRow& r) {
  const int64_t s = r.stride;
  const vf one = vset(1.0f);
  for_blocks(r.n, [&](auto lanes, int64_t j, int64_t m) {
    using L = decltype(lanes);
    const vf i = L::load(r.gates + j, m), f = L::load(r.gates + s + j, m);
    const vf g = L::load(r.gates + 2 * s + j, m), o = L::load(r.gates + 3 * s + j, m);
    const vf tc = vtanh(L::load(r.c + j, m));
    const vf dh = vadd(L::load(r.dh + j, m), L::load(r.dy + j, m));
    const vf dc = vadd(L::load(r.dc + j, m), vmul(vmul(dh, o), vsub(one, vmul(tc, tc))));
    const vf dai = vmul(vmul(vmul(dc, g), i), vsub(one, i));
    const vf daf = vmul(vmul(vmul(dc, L::load(r.c_prev + j, m)), f), vsub(one, f));
    const vf dag = vmul(vmul(dc, i), vsub(one, vmul(g, g)));
    const vf dao = vmul(vmul(vmul(dh, tc), o), vsub(one, o));
    L::store(r.dc + j, vmul(dc, f), m);
    L::store(r.dgx + j, dai, m);
    L::store(r.dgx + s + j, daf, m);
    L::store(r.dgx + 2 * s + j, dag, m);
    L::store(r.dgx + 3 * s + j, dao, m);
  });
}

inline void gru_gates_grad(const RnnGateGradRow& r) {
  const int64_t s = r.stride;
  const vf one = vset(1.0f);
  for_blocks(r.n, [&](auto lanes, int64_t j, int64_t m) {
    using L = decltype(lanes);
    const vf rg = L::load(r.gates + j, m), z = L::load(r.gates + s + j, m);
    const vf n = L::load(r.gates + 2 * s + j, m), hn = L::load(r.gates + 3 * s + j, m);
    const vf dh = vadd(L::load(r.dh + j, m), L::load(r.dy + j, m));
    const vf dan = vmul(vmul(dh, vsub(one, z)), vsub(one, vmul(n, n)));
    const vf dar = vmul(vmul(vmul(dan, hn), rg), vsub(one, rg));
    const vf daz = vmul(vmul(vmul(dh, vsub(L::load(r.h_prev + j, m), n)), z), vsub(one, z));
    L::store(r.dh_prev + j, vmul(dh, z), m);
    L::store(r.dgx + j, dar, m);
    L::store(r.dgx + s + j, daz, m);
    L::store(r.dgx + 2 * s + j, dan, m);
    L::store(r.dghn + j, vmul(dan, rg), m);
  });
}

}  // namespace
