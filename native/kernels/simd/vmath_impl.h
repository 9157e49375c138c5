// Vector exp, log, tanh and sigmoid, written once over the vocabulary (vf, vset, vfma, vselect, ...).
//
// Not a standalone header: each simd_<isa>.h includes it inside its own ISA namespace (and anonymous
// namespace), so every function below exists once per ISA with internal linkage. No include guard on
// purpose; a file that includes two ISA headers gets two distinct copies.
//
// Every lane is computed by the same straight-line code (no lane-dependent branches), so a result depends
// only on the input value: not on its lane, on the array length or on whether it sat in a tail.
// Polynomial coefficients are float-rounded near-minimax fits (iteratively reweighted least squares in
// float64 on Chebyshev nodes) of the reduced functions on the stated intervals.

// exp(x), <= 2 ulp on the finite domain. Overflows to +Inf above ~88.72, gives subnormals down to ~-103.28
// and 0 below ~-103.97, exp(+-Inf) = Inf / 0, NaN stays NaN.
inline vf vexp(vf x) {
  // Clamp to where the result is still finite/nonzero plus a margin; vmax(lo, x) and vmin(hi, .) return
  // x itself when x is NaN, so NaN flows through the polynomial.
  const vf xc = vmin(vset(89.0f), vmax(vset(-104.0f), x));
  // x = n ln2 + r, |r| <= ln2/2. ln2_hi has 9 significant bits, so n * ln2_hi is exact for |n| <= 150.
  const vf n = vround(vmul(xc, vset(0x1.715476p+0f)));
  vf r = vfnma(n, vset(0x1.63p-1f), xc);
  r = vfnma(n, vset(-0x1.bd0106p-13f), r);
  // exp(r) = 1 + (r + r^2 q(r)): the bracket is small, so the final 1 + t is the only full-size rounding.
  vf q = vset(0x1.6a2b36p-10f);
  q = vfma(q, r, vset(0x1.1239f0p-7f));
  q = vfma(q, r, vset(0x1.5558e6p-5f));
  q = vfma(q, r, vset(0x1.555492p-3f));
  q = vfma(q, r, vset(0x1.fffffcp-2f));
  const vf p = vadd(vset(1.0f), vfma(vmul(r, r), q, r));
  // p * 2^n with n in [-150, 128], rounded once (so overflow and subnormals are correctly rounded): where
  // the ISA has it, one instruction; else as p * 2^n1 * 2^n2 (n1 = n >> 1, n2 = n - n1, both normal
  // powers), whose first product is exact and whose second rounds once. Both give the same bits.
#if defined(NODEGRAD_SIMD_SCALE_POW2)
  return vscale_pow2(p, n);
#else
  const vi ni = vcvt_i(n);
  const vi n1 = vsra_i<1>(ni);
  const vi n2 = vsub_i(ni, n1);
  const vf s1 = vfrom_bits(vshl_i<23>(vadd_i(n1, vset_i(127))));
  const vf s2 = vfrom_bits(vshl_i<23>(vadd_i(n2, vset_i(127))));
  return vmul(vmul(p, s1), s2);
#endif
}

// log(x), <= 2 ulp for finite x > 0 (subnormals included). log(+-0) = -Inf, log(x < 0) = NaN,
// log(+Inf) = +Inf, NaN stays NaN.
inline vf vlog(vf x) {
  // Subnormals: scale into the normal range first and correct the exponent afterwards.
  const vm tiny = vlt(x, vset(0x1p-126f));
  const vf xs = vselect(tiny, vmul(x, vset(0x1p23f)), x);
  // x = 2^e * m with m in [sqrt(1/2), sqrt(2)): offsetting the bits by those of sqrt(1/2) moves the
  // exponent boundary there, so e and m come from one subtraction.
  const vi ix = vsub_i(vbits(xs), vset_i(0x3f3504f3));
  const vf e = vsub(vcvt_f(vsra_i<23>(ix)), vselect(tiny, vset(23.0f), vzero()));
  const vf m = vfrom_bits(vadd_i(vand_i(ix, vset_i(0x007fffff)), vset_i(0x3f3504f3)));
  const vf f = vsub(m, vset(1.0f));  // exact (Sterbenz)
  // log(1 + f) = f - f^2/2 + f^3 q(f).
  vf q = vset(-0x1.38cc98p-4f);
  q = vfma(q, f, vset(0x1.05623ap-3f));
  q = vfma(q, f, vset(-0x1.0d8370p-3f));
  q = vfma(q, f, vset(0x1.22d8dap-3f));
  q = vfma(q, f, vset(-0x1.547262p-3f));
  q = vfma(q, f, vset(0x1.99a01ap-3f));
  q = vfma(q, f, vset(-0x1.000226p-2f));
  q = vfma(q, f, vset(0x1.555554p-2f));
  const vf f2 = vmul(f, f);
  const vf lm = vadd(f, vfma(vmul(f2, f), q, vmul(vset(-0.5f), f2)));
  // e * ln2_hi is exact (|e| <= 149, ln2_hi has 9 bits); ln2_lo joins the small part.
  vf y = vfma(e, vset(0x1.63p-1f), vfma(e, vset(-0x1.bd0106p-13f), lm));
  y = vselect(veq(x, vzero()), vneg(vfrom_bits(vset_i(0x7f800000))), y);
  y = vselect(veq(x, vfrom_bits(vset_i(0x7f800000))), x, y);
  y = vselect(vlt(x, vzero()), vfrom_bits(vset_i(0x7fc00000)), y);
  return vselect(visnan(x), x, y);
}

// tanh(x): |error| <= max(2^-23, 4 * 2^-23 * |tanh x|) (in practice ~2 ulp). Odd: tanh(-0) = -0,
// tanh(+-Inf) = +-1 exactly, rounds to +-1 for |x| >= ~9.01, NaN stays NaN.
inline vf vtanh(vf x) {
  const vf a = vabs(x);
  // Computed for |x|, then given x's sign (so tanh(-0) = -0).
  // |x| < 0.625: tanh a = a + a^3 q(a^2) (no cancellation; a subnormal gives itself).
  const vf s = vmul(a, a);
  vf q = vset(-0x1.75e6e4p-8f);
  q = vfma(q, s, vset(0x1.52282cp-6f));
  q = vfma(q, s, vset(-0x1.b83caep-5f));
  q = vfma(q, s, vset(0x1.11072ap-3f));
  q = vfma(q, s, vset(-0x1.555532p-2f));
  const vf small = vfma(vmul(a, s), q, a);
  // Otherwise tanh a = 1 - 2 / (exp(2a) + 1): exp overflowing to Inf gives exactly 1; NaN stays NaN.
  const vf large = vsub(vset(1.0f), vdiv(vset(2.0f), vadd(vexp(vadd(a, a)), vset(1.0f))));
  return vcopysign(vselect(vlt(a, vset(0.625f)), small, large), x);
}

// sigmoid(x) = 1 / (1 + exp(-x)): |error| <= max(2^-23, 4 * 2^-23 * |ref|). sigmoid(-Inf) = 0 and
// sigmoid(+Inf) = 1 exactly; negative x uses exp(x) / (1 + exp(x)), so tiny results keep their
// subnormal values instead of flushing to 0; NaN stays NaN.
inline vf vsigmoid(vf x) {
  const vf e = vexp(vneg(vabs(x)));
  const vf r = vdiv(vset(1.0f), vadd(vset(1.0f), e));
  return vselect(vge(x, vzero()), r, vmul(e, r));
}

// y[i] = f(x[i]) for i in [0, n), whole vectors then one partial vector; x may equal y. f is any callable
// vf -> vf (vexp, a lambda, ...). The tail goes through the same f, so it gives the same values.
template <typename F>
inline void vmap(int64_t n, const float* x, float* y, F f) {
  int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) vstore(y + i, f(vload(x + i)));
  if (i < n) vstore_part(y + i, f(vload_part(x + i, n - i)), n - i);
}

// Loads/stores `len` lanes (len == kWidth: a whole vector, else a partial one), and a loop handing
// body(i, len) every vector of [0, n): for kernels over several arrays where the tail must run the same
// code as the body (so results never depend on where an element falls).
inline vf vload_n(const float* p, int64_t len) { return len == kWidth ? vload(p) : vload_part(p, len); }
inline void vstore_n(float* p, vf v, int64_t len) {
  if (len == kWidth) vstore(p, v);
  else vstore_part(p, v, len);
}
template <typename F>
inline void vfor(int64_t n, F body) {
  for (int64_t i = 0; i < n; i += kWidth) body(i, n - i < kWidth ? n - i : kWidth);
}

// True in lanes [0, len), for masking a partial vector's padding (0 <= len <= kWidth).
inline vm vtail_mask(int64_t len) {
  static const float kIota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  return vlt(vload(kIota), vset(static_cast<float>(len)));
}
