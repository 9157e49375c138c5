/**
 * Native softmax / logSoftmax and their backward against the JS twin in float64, with per-element bounds
 * derived from the float32 evaluation: exp(x − m) carries |x − m|·eps32 from rounding x − m, the sum
 * (dim + 2)·eps32 (GEMM-type bound with k = dim), plus a few roundings.
 */
import type { Kernels } from '../../lib/backend/index.js';
import { closeMismatch, EPS32 } from '../helpers/close.js';
import { Rng } from '../helpers/rng.js';
import { fingerprint } from './elementwise_unary_cases.js';

const TINY = 2 ** -147;

/** Per-slice float64 max and log-sum-exp of x viewed as [outer, dim, inner]. */
function sliceStats(outer: number, dim: number, inner: number, x: Float32Array): { m: Float64Array; lse: Float64Array } {
  const m = new Float64Array(outer * inner).fill(-Infinity), lse = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let mx = -Infinity;
      for (let d = 0; d < dim; d++) mx = Math.max(mx, x[(o * dim + d) * inner + i]);
      let s = 0;
      for (let d = 0; d < dim; d++) s += Math.exp(x[(o * dim + d) * inner + i] - mx);
      m[o * inner + i] = mx;
      lse[o * inner + i] = Math.log(s);
    }
  }
  return { m, lse };
}

export function compareSoftmax(native: Kernels, js: Kernels, outer: number, dim: number, inner: number, x: Float32Array, r: Rng): string[] {
  const n = outer * dim * inner;
  const errors: string[] = [];
  const slice = (j: number) => Math.floor(j / (dim * inner)) * inner + (j % inner);
  const { m, lse } = sliceStats(outer, dim, inner, x);
  const label = `[${outer}, ${dim}, ${inner}]`;
  for (const log of [false, true]) {
    const name = log ? 'logSoftmax' : 'softmax';
    const y = new Float32Array(n), ref = new Float64Array(n);
    native[name](outer, dim, inner, x, y);
    js[name](outer, dim, inner, Float64Array.from(x), ref);
    const e = closeMismatch(y, ref, (j) => {
      const spread = Math.abs(x[j] - m[slice(j)]);
      return log ? EPS32 * (dim + 4 + 2 * (spread + Math.abs(lse[slice(j)]))) : EPS32 * (dim + 4 + spread) * Math.abs(ref[j]) + TINY;
    });
    if (e) errors.push(`${name} ${label}: ${e}`);
    // Backward from the float32 forward output on both sides.
    const gy = new Float32Array(n);
    for (let j = 0; j < n; j++) gy[j] = r.uniform(-1, 1);
    const gx = new Float32Array(n), gref = new Float64Array(n);
    const bname = log ? 'logSoftmaxBackward' : 'softmaxBackward';
    native[bname](outer, dim, inner, y, gy, gx);
    js[bname](outer, dim, inner, Float64Array.from(y), Float64Array.from(gy), gref);
    const absSum = new Float64Array(outer * inner);
    for (let j = 0; j < n; j++) absSum[slice(j)] += log ? Math.abs(gy[j]) : Math.abs(gy[j] * y[j]);
    const eb = closeMismatch(gx, gref, (j) => {
      const s = absSum[slice(j)];
      return log ? EPS32 * ((dim + 8) * Math.exp(y[j]) * s + Math.abs(gy[j])) + TINY : EPS32 * (dim + 4) * Math.abs(y[j]) * (s + Math.abs(gy[j])) + TINY;
    });
    if (eb) errors.push(`${bname} ${label}: ${eb}`);
  }
  return errors;
}

export const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [3, 2, 1], [2, 3, 1], [4, 7, 1], [3, 8, 1], [3, 9, 1], [2, 15, 1], [2, 16, 1], [2, 17, 1], [2, 31, 1],
  [2, 33, 1], [5, 100, 1], [2, 1000, 1], [3, 5, 2], [2, 7, 5], [2, 3, 17], [3, 10, 33], [0, 4, 1], [2, 0, 3],
];

/** Logits with spread ~3, some far-apart slices, and the special slices of the NaN/Inf rules. */
export function logits(n: number, r: Rng): Float32Array {
  const x = new Float32Array(n);
  for (let j = 0; j < n; j++) x[j] = r.normal() * 3;
  return x;
}

/** For a child process: big shapes (the pool engages) vs the twin, plus fingerprints of the outputs. */
export function isaReport(native: Kernels, js: Kernels): { errors: string[]; prints: string[] } {
  const r = new Rng(21);
  const errors: string[] = [];
  const prints: string[] = [];
  for (const [outer, dim, inner] of [[600, 100, 1], [40, 30, 100], [3, 20_000, 1]] as const) {
    const x = logits(outer * dim * inner, r);
    errors.push(...compareSoftmax(native, js, outer, dim, inner, x, r));
    const y = new Float32Array(x.length), g = new Float32Array(x.length);
    native.logSoftmax(outer, dim, inner, x, y);
    native.softmaxBackward(outer, dim, inner, y, x, g);
    prints.push(fingerprint(y) + fingerprint(g));
  }
  return { errors, prints };
}
