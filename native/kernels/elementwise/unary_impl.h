// The SIMD unary micro-kernels, written once over the vocabulary. Included by unary.cc and
// unary_<isa>.cc inside namespace nodegrad::kernels after `using namespace simd::<isa>;` with
// NODEGRAD_UKERNEL(name) appending the ISA suffix. No include guard on purpose.

bool NODEGRAD_UKERNEL(unary_ukernel_f32)(int op, int64_t n, const float* x, float* out) noexcept {
  const vf zero = vzero(), one = vset(1.0f);
  switch (op) {
    case kUnaryNeg: vmap(n, x, out, [](vf v) { return vneg(v); }); return true;
    case kUnaryAbs: vmap(n, x, out, [](vf v) { return vabs(v); }); return true;
    case kUnaryExp: vmap(n, x, out, [](vf v) { return vexp(v); }); return true;
    case kUnaryLog: vmap(n, x, out, [](vf v) { return vlog(v); }); return true;
    case kUnarySqrt: vmap(n, x, out, [](vf v) { return vsqrt(v); }); return true;
    case kUnarySquare: vmap(n, x, out, [](vf v) { return vmul(v, v); }); return true;
    case kUnaryReciprocal: vmap(n, x, out, [&](vf v) { return vdiv(one, v); }); return true;
    // x > 0 or NaN keeps x; everything else (-0 included) gives +0.
    case kUnaryRelu: vmap(n, x, out, [&](vf v) { return vselect(vmor(vgt(v, zero), visnan(v)), v, zero); }); return true;
    case kUnarySigmoid: vmap(n, x, out, [](vf v) { return vsigmoid(v); }); return true;
    case kUnaryTanh: vmap(n, x, out, [](vf v) { return vtanh(v); }); return true;
    case kUnarySilu: vmap(n, x, out, [](vf v) { return vmul(v, vsigmoid(v)); }); return true;
    default: return false;
  }
}

bool NODEGRAD_UKERNEL(unary_backward_ukernel_f32)(int op, int64_t n, const float* x, const float* y, const float* gy,
                                                  float* gx) noexcept {
  const vf zero = vzero(), one = vset(1.0f), two = vset(2.0f);  // two: sqrt's g / (2y)
  // body(x, y, g) -> gx, over one vector; x and y are loaded only when the op reads them.
  auto run = [&](bool reads_x, bool reads_y, auto body) {
    vfor(n, [&](int64_t i, int64_t len) {
      const vf xv = reads_x ? vload_n(x + i, len) : zero;
      const vf yv = reads_y ? vload_n(y + i, len) : zero;
      vstore_n(gx + i, body(xv, yv, vload_n(gy + i, len)), len);
    });
    return true;
  };
  switch (op) {
    case kUnaryNeg: return run(false, false, [](vf, vf, vf g) { return vneg(g); });
    case kUnaryAbs:  // sign(x)·g with 0 at x = 0 and NaN at NaN
      return run(true, false, [&](vf v, vf, vf g) {
        return vselect(vgt(v, zero), g, vselect(vlt(v, zero), vneg(g), vselect(visnan(v), v, zero)));
      });
    case kUnaryExp: return run(false, true, [](vf, vf yv, vf g) { return vmul(g, yv); });
    case kUnaryLog: return run(true, false, [](vf v, vf, vf g) { return vdiv(g, v); });
    case kUnarySqrt: return run(false, true, [&](vf, vf yv, vf g) { return vdiv(g, vmul(two, yv)); });
    // (g + g)·x rounds once, as the twin's 2·x·g does in double, even where 2x would overflow float.
    case kUnarySquare: return run(true, false, [](vf v, vf, vf g) { return vmul(vadd(g, g), v); });
    case kUnaryReciprocal: return run(false, true, [](vf, vf yv, vf g) { return vmul(vneg(vmul(g, yv)), yv); });
    case kUnaryRelu: return run(true, false, [&](vf v, vf, vf g) { return vselect(vgt(v, zero), g, zero); });
    // y(1 - y) and 1 - y^2 = (1 - y)(1 + y): 1 - y is exact where y is near 1, so no cancellation.
    case kUnarySigmoid: return run(false, true, [&](vf, vf yv, vf g) { return vmul(vmul(g, yv), vsub(one, yv)); });
    case kUnaryTanh:
      return run(false, true, [&](vf, vf yv, vf g) { return vmul(g, vmul(vsub(one, yv), vadd(one, yv))); });
    default: return false;
  }
}
