// The reduction micro-kernels, written once over the vocabulary. Included by reduce.cc and
// reduce_<isa>.cc inside namespace nodegrad::kernels after `using namespace simd::<isa>;` with
// NODEGRAD_UKERNEL(name) appending the ISA suffix. No include guard on purpose.

namespace {  // one copy per including file, compiled with that file's flags

inline vf reduce_pinf() { return vfrom_bits(vset_i(0x7f800000)); }

// Σ p[0, n): four accumulators over blocks of 4 vectors, the rest into the first, folded in a fixed order.
inline float row_sum(int64_t n, const float* p) {
  vf a0 = vzero(), a1 = vzero(), a2 = vzero(), a3 = vzero();
  int64_t i = 0;
  for (; i + 4 * kWidth <= n; i += 4 * kWidth) {
    a0 = vadd(a0, vload(p + i));
    a1 = vadd(a1, vload(p + i + kWidth));
    a2 = vadd(a2, vload(p + i + 2 * kWidth));
    a3 = vadd(a3, vload(p + i + 3 * kWidth));
  }
  for (; i < n; i += kWidth) a0 = vadd(a0, vload_n(p + i, n - i < kWidth ? n - i : kWidth));  // padding reads 0
  return vreduce_add(vadd(vadd(a0, a1), vadd(a2, a3)));
}

// max (or min) of p[0, n) ignoring NaN, and whether a NaN was seen; -Inf (+Inf) when n == 0.
inline float row_extreme(bool max, int64_t n, const float* p, bool* nan) {
  const vf init = max ? vneg(reduce_pinf()) : reduce_pinf();
  vf acc = init;
  vm bad = vlt(init, init);
  vfor(n, [&](int64_t i, int64_t len) {
    vf v = vload_n(p + i, len);
    if (len < kWidth) v = vselect(vtail_mask(len), v, init);
    bad = vmor(bad, visnan(v));
    acc = max ? vmax(v, acc) : vmin(v, acc);  // a NaN v leaves acc
  });
  *nan = vany(bad);
  return max ? vreduce_max(acc) : -vreduce_max(vneg(acc));
}

// The twin's max/min of a row: a NaN gives the first NaN, a zero extreme the first zero (its sign).
inline float row_max_min(bool max, int64_t n, const float* p) {
  bool nan = false;
  const float m = row_extreme(max, n, p, &nan);
  if (!nan && m != 0) return m;
  for (int64_t d = 0; d < n; ++d) {
    if (nan ? p[d] != p[d] : p[d] == 0) return p[d];
  }
  return m;
}

inline float row_logsumexp(int64_t n, const float* p) {
  bool nan = false;
  const float m = row_extreme(true, n, p, &nan);
  if (nan) return row_max_min(true, n, p);  // the first NaN, as the twin
  const float inf = vreduce_max(reduce_pinf());
  if (m == inf || m == -inf) return m;  // also n == 0: -Inf
  const vf mv = vset(m);
  vf acc = vzero();
  vfor(n, [&](int64_t i, int64_t len) {
    vf e = vexp(vsub(vload_n(p + i, len), mv));
    if (len < kWidth) e = vselect(vtail_mask(len), e, vzero());
    acc = vadd(acc, e);
  });
  return vreduce_max(vadd(mv, vlog(vset(vreduce_add(acc)))));
}

}  // namespace

void NODEGRAD_UKERNEL(reduce_rows_ukernel_f32)(int op, int64_t rows, int64_t dim, const float* x, float* out) noexcept {
  for (int64_t r = 0; r < rows; ++r) {
    const float* p = x + r * dim;
    switch (op) {
      case kReduceSum: out[r] = row_sum(dim, p); break;
      case kReduceMean: out[r] = static_cast<float>(static_cast<double>(row_sum(dim, p)) / static_cast<double>(dim)); break;
      case kReduceMax: out[r] = row_max_min(true, dim, p); break;
      case kReduceMin: out[r] = row_max_min(false, dim, p); break;
      default: out[r] = row_logsumexp(dim, p); break;
    }
  }
}

void NODEGRAD_UKERNEL(reduce_cols_ukernel_f32)(int op, int64_t dim, int64_t n, int64_t stride, const float* x,
                                               float* out) noexcept {
  const vf pinf = reduce_pinf(), ninf = vneg(pinf), nan = vfrom_bits(vset_i(0x7fc00000));
  int64_t i0 = 0;
  if (op == kReduceSum || op == kReduceMean) {
    // Four vectors of lanes per pass: independent add chains and whole cache lines per d. Each lane still
    // sums over d in order, so the result is the one of the single-vector loop below.
    const vf scale = vset(static_cast<float>(dim));
    for (; i0 + 4 * kWidth <= n; i0 += 4 * kWidth) {
      vf r0 = vzero(), r1 = vzero(), r2 = vzero(), r3 = vzero();
      for (int64_t d = 0; d < dim; ++d) {
        const float* p = x + d * stride + i0;
        r0 = vadd(r0, vload(p));
        r1 = vadd(r1, vload(p + kWidth));
        r2 = vadd(r2, vload(p + 2 * kWidth));
        r3 = vadd(r3, vload(p + 3 * kWidth));
      }
      if (op == kReduceMean) r0 = vdiv(r0, scale), r1 = vdiv(r1, scale), r2 = vdiv(r2, scale), r3 = vdiv(r3, scale);
      vstore(out + i0, r0);
      vstore(out + i0 + kWidth, r1);
      vstore(out + i0 + 2 * kWidth, r2);
      vstore(out + i0 + 3 * kWidth, r3);
    }
  }
  x += i0;
  out += i0;
  vfor(n - i0, [&](int64_t i, int64_t len) {
    const float* p = x + i;
    vf r;
    if (op == kReduceSum || op == kReduceMean) {
      r = vzero();
      for (int64_t d = 0; d < dim; ++d) r = vadd(r, vload_n(p + d * stride, len));
      if (op == kReduceMean) r = vdiv(r, vset(static_cast<float>(dim)));
    } else if (op == kReduceMax || op == kReduceMin) {
      // The twin's walk per lane: a later element wins only if it is NaN or strictly beyond, and nothing
      // replaces a NaN. dim >= 1.
      r = vload_n(p, len);
      for (int64_t d = 1; d < dim; ++d) {
        const vf v = vload_n(p + d * stride, len);
        const vm beyond = op == kReduceMax ? vgt(v, r) : vlt(v, r);
        r = vselect(vmand(vmnot(visnan(r)), vmor(visnan(v), beyond)), v, r);
      }
    } else {
      vf m = ninf;
      vm bad = vlt(m, m);
      for (int64_t d = 0; d < dim; ++d) {
        const vf v = vload_n(p + d * stride, len);
        bad = vmor(bad, visnan(v));
        m = vmax(m, v);
      }
      vf s = vzero();
      for (int64_t d = 0; d < dim; ++d) s = vadd(s, vexp(vsub(vload_n(p + d * stride, len), m)));
      r = vselect(vmor(veq(m, pinf), veq(m, ninf)), m, vadd(m, vlog(s)));
      r = vselect(bad, nan, r);
    }
    vstore_n(out + i, r, len);
  });
}

void NODEGRAD_UKERNEL(arg_reduce_cols_ukernel_f32)(bool max, int64_t dim, int64_t n, int64_t stride, const float* x,
                                                   float* values, int32_t* indices) noexcept {
  vfor(n, [&](int64_t i, int64_t len) {
    const float* p = x + i;
    vf r = vload_n(p, len), at = vzero();
    for (int64_t d = 1; d < dim; ++d) {
      const vf v = vload_n(p + d * stride, len);
      const vm take = vmand(vmnot(visnan(r)), vmor(visnan(v), max ? vgt(v, r) : vlt(v, r)));
      r = vselect(take, v, r);
      at = vselect(take, vset(static_cast<float>(d)), at);  // exact: d <= 2^24
    }
    vstore_n(values + i, r, len);
    float lanes[kWidth];
    vstore(lanes, at);
    for (int64_t j = 0; j < len; ++j) indices[i + j] = static_cast<int32_t>(lanes[j]);
  });
}
