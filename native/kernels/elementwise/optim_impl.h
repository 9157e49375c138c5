// The optimizer micro-kernels, written once over the SIMD vocabulary. Not a standalone header: optim.cc
// and optim_<isa>.cc include it inside namespace nodegrad::kernels after `using namespace simd::<isa>;`
// with NODEGRAD_UKERNEL(name) defined to append the ISA suffix. No include guard on purpose.
//
// Each body mirrors the rule in lib/backend/kernels/optim.ts line by line (a*b + c written as vfma), and
// skips terms whose coefficient is exactly 0 as PyTorch does (so 0 * Inf never turns into NaN).

void NODEGRAD_UKERNEL(sgd_ukernel_f32)(int64_t n, float* p, const float* g, float* buf, const SgdConsts& c) noexcept {
  const vf sign = vset(c.sign), lr = vset(c.lr), mom = vset(c.momentum), damp1 = vset(c.one_minus_dampening);
  const vf wd = vset(c.weight_decay);
  vfor(n, [&](int64_t i, int64_t len) {
    vf x = vload_n(p + i, len);
    vf d = vmul(vload_n(g + i, len), sign);
    if (c.weight_decay != 0.0f) d = vfma(wd, x, d);
    if (buf != nullptr) {
      const vf b = c.first ? d : vfma(mom, vload_n(buf + i, len), vmul(damp1, d));
      vstore_n(buf + i, b, len);
      d = c.nesterov ? vfma(mom, b, d) : b;
    }
    vstore_n(p + i, vfnma(lr, d, x), len);
  });
}

void NODEGRAD_UKERNEL(adam_ukernel_f32)(int64_t n, float* p, const float* g, float* m, float* v, float* vmax_buf,
                                        const AdamConsts& c) noexcept {
  const vf sign = vset(c.sign), step_size = vset(c.step_size), bc2_sqrt = vset(c.bc2_sqrt), eps = vset(c.eps);
  const vf b1 = vset(c.beta1), omb1 = vset(c.one_minus_beta1), b2 = vset(c.beta2), omb2 = vset(c.one_minus_beta2);
  const vf l2 = vset(c.l2), decay = vset(c.decay);
  vfor(n, [&](int64_t i, int64_t len) {
    vf x = vload_n(p + i, len);
    vf d = vmul(vload_n(g + i, len), sign);
    if (c.l2 != 0.0f) d = vfma(l2, x, d);
    if (c.decay != 1.0f) x = vmul(x, decay);
    const vf mi = vfma(b1, vload_n(m + i, len), vmul(omb1, d));
    vf vv = vfma(b2, vload_n(v + i, len), vmul(omb2, vmul(d, d)));
    vstore_n(m + i, mi, len);
    vstore_n(v + i, vv, len);
    if (vmax_buf != nullptr) {
      const vf old = vload_n(vmax_buf + i, len);
      vv = vselect(visnan(old), old, vmax(old, vv));  // NaN in either stays NaN, as torch.maximum
      vstore_n(vmax_buf + i, vv, len);
    }
    const vf denom = vadd(vdiv(vsqrt(vv), bc2_sqrt), eps);
    vstore_n(p + i, vsub(x, vdiv(vmul(step_size, mi), denom)), len);
  });
}

void NODEGRAD_UKERNEL(rmsprop_ukernel_f32)(int64_t n, float* p, const float* g, float* v, float* g_avg, float* buf,
                                           const RmspropConsts& c) noexcept {
  const vf sign = vset(c.sign), lr = vset(c.lr), alpha = vset(c.alpha), oma = vset(c.one_minus_alpha);
  const vf eps = vset(c.eps), wd = vset(c.weight_decay), mom = vset(c.momentum);
  vfor(n, [&](int64_t i, int64_t len) {
    const vf x = vload_n(p + i, len);
    vf d = vmul(vload_n(g + i, len), sign);
    if (c.weight_decay != 0.0f) d = vfma(wd, x, d);
    const vf vv = vfma(alpha, vload_n(v + i, len), vmul(oma, vmul(d, d)));
    vstore_n(v + i, vv, len);
    vf denom;
    if (g_avg != nullptr) {
      const vf a = vfma(alpha, vload_n(g_avg + i, len), vmul(oma, d));
      vstore_n(g_avg + i, a, len);
      denom = vadd(vsqrt(vfnma(a, a, vv)), eps);
    } else {
      denom = vadd(vsqrt(vv), eps);
    }
    if (buf != nullptr) {
      const vf b = vfma(mom, vload_n(buf + i, len), vdiv(d, denom));
      vstore_n(buf + i, b, len);
      vstore_n(p + i, vfnma(lr, b, x), len);
    } else {
      vstore_n(p + i, vsub(x, vdiv(vmul(lr, d), denom)), len);
    }
  });
}

void NODEGRAD_UKERNEL(adagrad_ukernel_f32)(int64_t n, float* p, const float* g, float* sum,
                                           const AdagradConsts& c) noexcept {
  const vf sign = vset(c.sign), clr = vset(c.clr), eps = vset(c.eps), wd = vset(c.weight_decay);
  vfor(n, [&](int64_t i, int64_t len) {
    const vf x = vload_n(p + i, len);
    vf d = vmul(vload_n(g + i, len), sign);
    if (c.weight_decay != 0.0f) d = vfma(wd, x, d);
    const vf s = vfma(d, d, vload_n(sum + i, len));
    vstore_n(sum + i, s, len);
    vstore_n(p + i, vsub(x, vdiv(vmul(clr, d), vadd(vsqrt(s), eps))), len);
  });
}
