/**
 * Native `unary` / `unaryBackward` against the JS twin run in float64 (TESTING.md T4): the per-op bound,
 * inputs (dense sweep plus specials at every lane) and a checker usable in a child process per ISA.
 */
import { UnaryOp } from '../../lib/backend/kernels/elementwise.js';
import type { Kernels } from '../../lib/backend/index.js';
import { closeMismatch, EPS32 } from '../helpers/close.js';
import { Rng } from '../helpers/rng.js';

/** 'exact': bitwise equal after rounding the reference; 'ulp': within k float32 ulps; 'act': max(eps32, 4 eps32 |ref|). */
type Bound = { kind: 'exact' } | { kind: 'ulp'; k: number } | { kind: 'act' };

export interface UnaryCase {
  name: string;
  op: number;
  alpha: number;
  beta: number;
  lo: number;
  hi: number;
  forward: Bound;
  backward: Bound;
}

const exact: Bound = { kind: 'exact' };
const ulp1: Bound = { kind: 'ulp', k: 1 };
const act: Bound = { kind: 'act' };
const U = UnaryOp;

// Ops evaluated in double natively (the twin's formula, rounded once) are held to 1 ulp: the libm and the
// twin's own erfc may differ in the last double bit, which can move a float rounding by one step.
export const UNARY_CASES: UnaryCase[] = [
  { name: 'neg', op: U.NEG, alpha: 0, beta: 0, lo: -10, hi: 10, forward: exact, backward: exact },
  { name: 'abs', op: U.ABS, alpha: 0, beta: 0, lo: -10, hi: 10, forward: exact, backward: exact },
  { name: 'exp', op: U.EXP, alpha: 0, beta: 0, lo: -105, hi: 90, forward: { kind: 'ulp', k: 4 }, backward: exact },
  { name: 'log', op: U.LOG, alpha: 0, beta: 0, lo: -1, hi: 100, forward: { kind: 'ulp', k: 4 }, backward: exact },
  { name: 'sqrt', op: U.SQRT, alpha: 0, beta: 0, lo: -1, hi: 100, forward: exact, backward: exact },
  { name: 'square', op: U.SQUARE, alpha: 0, beta: 0, lo: -10, hi: 10, forward: exact, backward: exact },
  { name: 'reciprocal', op: U.RECIPROCAL, alpha: 0, beta: 0, lo: -10, hi: 10, forward: exact, backward: { kind: 'ulp', k: 2 } },
  { name: 'relu', op: U.RELU, alpha: 0, beta: 0, lo: -10, hi: 10, forward: exact, backward: exact },
  { name: 'leakyRelu', op: U.LEAKY_RELU, alpha: 0.01, beta: 0, lo: -10, hi: 10, forward: ulp1, backward: ulp1 },
  { name: 'elu', op: U.ELU, alpha: 1.5, beta: 0, lo: -20, hi: 10, forward: ulp1, backward: ulp1 },
  { name: 'gelu', op: U.GELU, alpha: 0, beta: 0, lo: -12, hi: 12, forward: ulp1, backward: ulp1 },
  { name: 'geluTanh', op: U.GELU_TANH, alpha: 0, beta: 0, lo: -12, hi: 12, forward: ulp1, backward: ulp1 },
  { name: 'sigmoid', op: U.SIGMOID, alpha: 0, beta: 0, lo: -40, hi: 40, forward: act, backward: act },
  { name: 'tanh', op: U.TANH, alpha: 0, beta: 0, lo: -10, hi: 10, forward: act, backward: act },
  { name: 'softplus', op: U.SOFTPLUS, alpha: 2, beta: 20, lo: -30, hi: 30, forward: ulp1, backward: ulp1 },
  { name: 'silu', op: U.SILU, alpha: 0, beta: 0, lo: -40, hi: 40, forward: act, backward: ulp1 },
  { name: 'clamp', op: U.CLAMP, alpha: -0.5, beta: 0.75, lo: -2, hi: 2, forward: ulp1, backward: ulp1 },
  { name: 'powScalar', op: U.POW_SCALAR, alpha: 2.5, beta: 0, lo: -1, hi: 10, forward: ulp1, backward: ulp1 },
  { name: 'affine', op: U.AFFINE, alpha: 1.5, beta: -0.25, lo: -10, hi: 10, forward: ulp1, backward: ulp1 },
];

export const SPECIALS = [0, -0, 1e-45, -1e-45, 2 ** -126, -(2 ** -126), 3.4028234663852886e38, -3.4028234663852886e38,
  Infinity, -Infinity, NaN, 8, -8, 9, -9, 10, -10, 15, 20, 88, -88, 89, -89];

function ulp32(r: number): number {
  const a = Math.abs(r);
  if (!(a >= 2 ** -126)) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** null when `got` (native float32) meets the bound against `want` (the twin in float64), else why not. */
export function mismatch(bound: Bound, got: Float32Array, want: Float64Array): string | null {
  if (bound.kind === 'exact') {
    for (let i = 0; i < got.length; i++) {
      const w = Math.fround(want[i]);
      if (!(Object.is(got[i], w) || (Number.isNaN(got[i]) && Number.isNaN(w)))) return `element ${i}: got ${got[i]}, expected exactly ${w}`;
    }
    return null;
  }
  // A reference that overflows float32 must overflow natively too (closeMismatch checks infinities exactly).
  const ref = Float64Array.from(want, (v) => (Number.isFinite(v) && !Number.isFinite(Math.fround(v)) ? Math.fround(v) : v));
  if (bound.kind === 'ulp') return closeMismatch(got, ref, (i) => bound.k * ulp32(ref[i]));
  return closeMismatch(got, ref, (i) => Math.max(EPS32, 4 * EPS32 * Math.abs(ref[i])));
}

/** Inputs for a case: n values, a quarter log-uniform magnitudes, the rest uniform on the case's domain. */
export function inputs(c: UnaryCase, n: number, r: Rng): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i % 4 === 3 ? (r.next() < 0.5 ? -1 : 1) * Math.exp(r.uniform(Math.log(1e-30), Math.log(Math.max(Math.abs(c.lo), c.hi)))) : r.uniform(c.lo, c.hi);
  }
  return x;
}

/** Runs forward and backward natively and on the twin (float64); returns the failures. */
export function compare(native: Kernels, js: Kernels, c: UnaryCase, x: Float32Array, r: Rng): string[] {
  const n = x.length;
  const errors: string[] = [];
  const y = new Float32Array(n);
  native.unary(c.op, n, x, y, c.alpha, c.beta);
  const y64 = new Float64Array(n);
  js.unary(c.op, n, Float64Array.from(x), y64, c.alpha, c.beta);
  const e1 = mismatch(c.forward, y, y64);
  if (e1) errors.push(`${c.name} forward n=${n}: ${e1}`);
  // Backward from the same float32 forward output on both sides.
  const yf = Float32Array.from(y64);
  const gy = new Float32Array(n);
  for (let i = 0; i < n; i++) gy[i] = r.uniform(-2, 2);
  const gx = new Float32Array(n);
  native.unaryBackward(c.op, n, x, yf, gy, gx, c.alpha, c.beta);
  const gx64 = new Float64Array(n);
  js.unaryBackward(c.op, n, Float64Array.from(x), Float64Array.from(yf), Float64Array.from(gy), gx64, c.alpha, c.beta);
  const e2 = mismatch(c.backward, gx, gx64);
  if (e2) errors.push(`${c.name} backward n=${n}: ${e2}`);
  return errors;
}

/** FNV-1a over the output words: compares runs across processes (ISA, thread count). */
export function fingerprint(a: Float32Array): string {
  const w = new Uint32Array(a.buffer, a.byteOffset, a.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i], 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * For a child process: every case vs the twin (n = 20000), and fingerprints of the outputs at n = 140001,
 * where the pool engages.
 */
export function isaReport(native: Kernels, js: Kernels): { errors: string[]; prints: string[] } {
  const errors: string[] = [];
  const prints: string[] = [];
  const r = new Rng(11);
  for (const c of UNARY_CASES) {
    errors.push(...compare(native, js, c, inputs(c, 20_000, r), r));
    const x = inputs(c, 140_001, r);
    const y = new Float32Array(x.length);
    native.unary(c.op, x.length, x, y, c.alpha, c.beta);
    const g = new Float32Array(x.length);
    native.unaryBackward(c.op, x.length, x, y, x, g, c.alpha, c.beta);
    prints.push(fingerprint(y) + fingerprint(g));
  }
  return { errors, prints };
}
