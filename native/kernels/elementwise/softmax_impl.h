// The softmax micro-kernels, written once over the vocabulary. Included by softmax.cc and
// softmax_<isa>.cc inside namespace nodegrad::kernels after `using namespace simd::<isa>;` with
// NODEGRAD_UKERNEL(name) appending the ISA suffix. No include guard on purpose.

void NODEGRAD_UKERNEL(softmax_ukernel_f32)(bool log, int64_t dim, int64_t inner, const float* x, float* y) noexcept {
  const vf zero = vzero(), pinf = vfrom_bits(vset_i(0x7f800000)), ninf = vneg(pinf);
  const vf nan = vfrom_bits(vset_i(0x7fc00000));
  if (inner == 1) {
    vf mv = ninf;
    vm bad = vlt(zero, zero);
    vfor(dim, [&](int64_t i, int64_t len) {
      vf v = vload_n(x + i, len);
      if (len < kWidth) v = vselect(vtail_mask(len), v, ninf);
      bad = vmor(bad, visnan(v));
      mv = vmax(mv, v);
    });
    const vf m = vset(vreduce_max(mv));
    if (vany(bad) || vany(veq(m, pinf)) || vany(veq(m, ninf))) {
      vfor(dim, [&](int64_t i, int64_t len) { vstore_n(y + i, nan, len); });
      return;
    }
    vf acc = zero;
    vfor(dim, [&](int64_t i, int64_t len) {
      vf e = vexp(vsub(vload_n(x + i, len), m));
      if (len < kWidth) e = vselect(vtail_mask(len), e, zero);
      acc = vadd(acc, e);
      if (!log) vstore_n(y + i, e, len);  // x is not read again, so y may be x
    });
    const vf s = vset(vreduce_add(acc));
    if (log) {
      const vf lse = vlog(s);
      vfor(dim, [&](int64_t i, int64_t len) { vstore_n(y + i, vsub(vsub(vload_n(x + i, len), m), lse), len); });
    } else {
      vfor(dim, [&](int64_t i, int64_t len) { vstore_n(y + i, vdiv(vload_n(y + i, len), s), len); });
    }
    return;
  }
  // inner > 1: each lane is its own slice; walk d with a stride of inner.
  vfor(inner, [&](int64_t i, int64_t len) {
    vf m = ninf;
    vm bad = vlt(zero, zero);
    for (int64_t d = 0; d < dim; ++d) {
      const vf v = vload_n(x + d * inner + i, len);
      bad = vmor(bad, visnan(v));
      m = vmax(m, v);
    }
    bad = vmor(bad, vmor(veq(m, pinf), veq(m, ninf)));
    vf s = zero;
    for (int64_t d = 0; d < dim; ++d) {
      const vf e = vexp(vsub(vload_n(x + d * inner + i, len), m));
      s = vadd(s, e);
      if (!log) vstore_n(y + d * inner + i, e, len);
    }
    const vf lse = vlog(s);
    for (int64_t d = 0; d < dim; ++d) {
      float* yd = y + d * inner + i;
      const vf r = log ? vsub(vsub(vload_n(x + d * inner + i, len), m), lse) : vdiv(vload_n(yd, len), s);
      vstore_n(yd, vselect(bad, nan, r), len);
    }
  });
}

// softmax: gx = y (gy - sum(gy y)); log-softmax: gx = gy - exp(y) sum(gy). Padding lanes load as 0 and add 0.
void NODEGRAD_UKERNEL(softmax_backward_ukernel_f32)(bool log, int64_t dim, int64_t inner, const float* y,
                                                    const float* gy, float* gx) noexcept {
  const vf zero = vzero();
  if (inner == 1) {
    vf acc = zero;
    vfor(dim, [&](int64_t i, int64_t len) {
      const vf g = vload_n(gy + i, len);
      acc = log ? vadd(acc, g) : vfma(g, vload_n(y + i, len), acc);
    });
    const vf s = vset(vreduce_add(acc));
    vfor(dim, [&](int64_t i, int64_t len) {
      const vf yv = vload_n(y + i, len), g = vload_n(gy + i, len);
      vstore_n(gx + i, log ? vfnma(vexp(yv), s, g) : vmul(yv, vsub(g, s)), len);
    });
    return;
  }
  vfor(inner, [&](int64_t i, int64_t len) {
    vf s = zero;
    for (int64_t d = 0; d < dim; ++d) {
      const vf g = vload_n(gy + d * inner + i, len);
      s = log ? vadd(s, g) : vfma(g, vload_n(y + d * inner + i, len), s);
    }
    for (int64_t d = 0; d < dim; ++d) {
      const int64_t j = d * inner + i;
      const vf yv = vload_n(y + j, len), g = vload_n(gy + j, len);
      vstore_n(gx + j, log ? vfnma(vexp(yv), s, g) : vmul(yv, vsub(g, s)), len);
    }
  });
}
