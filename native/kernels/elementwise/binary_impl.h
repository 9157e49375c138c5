// The SIMD binary micro-kernels, written once over the vocabulary. Included by binary.cc and
// binary_<isa>.cc inside namespace nodegrad::kernels after `using namespace simd::<isa>;` with
// NODEGRAD_UKERNEL(name) appending the ISA suffix. No include guard on purpose.

namespace {  // one copy per including file, compiled with that file's flags

// out = f(a, b) over n elements in the operand layout `mode` (see binary.h).
template <typename F>
inline void binary_loop(int mode, int64_t n, const float* a, const float* b, float* out, F f) {
  if (mode == 0) {
    vfor(n, [&](int64_t i, int64_t len) { vstore_n(out + i, f(vload_n(a + i, len), vload_n(b + i, len)), len); });
  } else if (mode == 1) {
    const vf bv = vset(*b);
    vmap(n, a, out, [&](vf v) { return f(v, bv); });
  } else {
    const vf av = vset(*a);
    vmap(n, b, out, [&](vf v) { return f(av, v); });
  }
}

// Math.max semantics: NaN if either is NaN, +0 over -0 (the AND of two equal values' bits clears the sign
// unless both are -0). minimum(a, b) = -maximum(-a, -b), which gives -0 over +0.
inline vf binary_maximum(vf a, vf b) {
  const vf r = vselect(veq(a, b), vfrom_bits(vand_i(vbits(a), vbits(b))), vmax(a, b));
  return vselect(vmor(visnan(a), visnan(b)), vfrom_bits(vset_i(0x7fc00000)), r);
}

}  // namespace

bool NODEGRAD_UKERNEL(binary_ukernel_f32)(int op, int mode, int64_t n, const float* a, const float* b,
                                          float* out) noexcept {
  const vf one = vset(1.0f), zero = vzero();
  auto run = [&](auto f) {
    binary_loop(mode, n, a, b, out, f);
    return true;
  };
  switch (op) {
    case kBinaryAdd: return run([](vf x, vf y) { return vadd(x, y); });
    case kBinarySub: return run([](vf x, vf y) { return vsub(x, y); });
    case kBinaryMul: return run([](vf x, vf y) { return vmul(x, y); });
    case kBinaryDiv: return run([](vf x, vf y) { return vdiv(x, y); });
    case kBinaryMaximum: return run([](vf x, vf y) { return binary_maximum(x, y); });
    case kBinaryMinimum: return run([](vf x, vf y) { return vneg(binary_maximum(vneg(x), vneg(y))); });
    // vmask_to_one gives +1 or +0 (never -0), as the twin's `? 1 : 0`.
    case kBinaryEq: return run([&](vf x, vf y) { return vselect(veq(x, y), one, zero); });
    case kBinaryNe: return run([&](vf x, vf y) { return vselect(vne(x, y), one, zero); });
    case kBinaryLt: return run([&](vf x, vf y) { return vselect(vlt(x, y), one, zero); });
    case kBinaryLe: return run([&](vf x, vf y) { return vselect(vle(x, y), one, zero); });
    case kBinaryGt: return run([&](vf x, vf y) { return vselect(vgt(x, y), one, zero); });
    case kBinaryGe: return run([&](vf x, vf y) { return vselect(vge(x, y), one, zero); });
    default: return false;
  }
}

bool NODEGRAD_UKERNEL(binary_backward_ukernel_f32)(int op, int64_t n, const float* a, const float* b, const float* gy,
                                                   float* ga, float* gb) noexcept {
  const vf zero = vzero(), half = vset(0.5f);
  // body(a, b, g, &da, &db) over one vector; a missing gradient is neither computed nor stored.
  auto run = [&](auto body) {
    vfor(n, [&](int64_t i, int64_t len) {
      vf da = zero, db = zero;
      body(vload_n(a + i, len), vload_n(b + i, len), vload_n(gy + i, len), da, db);
      if (ga != nullptr) vstore_n(ga + i, da, len);
      if (gb != nullptr) vstore_n(gb + i, db, len);
    });
    return true;
  };
  switch (op) {
    case kBinaryAdd: return run([](vf, vf, vf g, vf& da, vf& db) { da = g; db = g; });
    case kBinarySub: return run([](vf, vf, vf g, vf& da, vf& db) { da = g; db = vneg(g); });
    case kBinaryMul: return run([](vf x, vf y, vf g, vf& da, vf& db) { da = vmul(g, y); db = vmul(g, x); });
    // Ties split g in halves; where one side is NaN no comparison holds and both get g (the twin's rule).
    case kBinaryMaximum:
      return run([&](vf x, vf y, vf g, vf& da, vf& db) {
        const vm tie = veq(x, y);
        const vf h = vmul(g, half);
        da = vselect(tie, h, vselect(vlt(x, y), zero, g));
        db = vselect(tie, h, vselect(vgt(x, y), zero, g));
      });
    case kBinaryMinimum:
      return run([&](vf x, vf y, vf g, vf& da, vf& db) {
        const vm tie = veq(x, y);
        const vf h = vmul(g, half);
        da = vselect(tie, h, vselect(vgt(x, y), zero, g));
        db = vselect(tie, h, vselect(vlt(x, y), zero, g));
      });
    case kBinaryEq: case kBinaryNe: case kBinaryLt: case kBinaryLe: case kBinaryGt: case kBinaryGe:
      return run([](vf, vf, vf, vf&, vf&) {});
    default: return false;
  }
}
