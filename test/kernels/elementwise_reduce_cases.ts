/**
 * Native `reduce` / `argReduce` / `nllLoss` / `nllLossBackward` against the JS twin run in float64.
 * Bounds: sums within (dim + 2)·eps32·Σ|x| (the GEMM-type bound with k = dim); max/min/argmax/argmin and the
 * NLL core (evaluated in double natively, as by the twin) bitwise; logsumexp within the error of float32
 * exp(x − m) (|x − m|·eps32 from rounding x − m, a few ulp from vexp), the float32 sum and the final log.
 */
import { ReduceOp } from '../../lib/backend/kernels/elementwise.js';
import type { Kernels } from '../../lib/backend/index.js';
import { closeMismatch, EPS32 } from '../helpers/close.js';
import { Rng } from '../helpers/rng.js';
import { fingerprint, mismatch } from './elementwise_unary_cases.js';

const TINY = 2 ** -140;
export const REDUCE_OPS: [string, number][] = [['sum', ReduceOp.SUM], ['mean', ReduceOp.MEAN], ['max', ReduceOp.MAX], ['min', ReduceOp.MIN], ['logsumexp', ReduceOp.LOGSUMEXP]];

export const SHAPES: Array<[number, number, number]> = [
  ...Array.from({ length: 34 }, (_, d) => [3, d, 1] as [number, number, number]),
  [2, 64, 1], [2, 100, 1], [2, 1000, 1], [1, 4097, 1], [0, 5, 1], [3, 0, 4], [4, 5, 0],
  ...[2, 3, 7, 8, 9, 15, 16, 17, 33, 100].map((inner) => [2, 5, inner] as [number, number, number]),
  [1, 1, 9], [2, 33, 17], [1, 300, 7],
];

/** Values with ties (small integers, ±0) and, in some slices, NaN / ±Inf at one position. */
export function reduceInput(outer: number, dim: number, inner: number, r: Rng, specials = true): Float32Array {
  const x = new Float32Array(outer * dim * inner);
  for (let j = 0; j < x.length; j++) {
    const u = r.next();
    x[j] = u < 0.2 ? r.int(-2, 2) || (r.next() < 0.5 ? -0 : 0) : r.normal() * 3;
  }
  if (specials && dim > 0) {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const u = r.next();
        if (u > 0.3) continue;
        const v = u < 0.1 ? NaN : u < 0.2 ? Infinity : -Infinity;
        x[(o * dim + r.int(0, dim - 1)) * inner + i] = v;
      }
    }
  }
  return x;
}

function stats(outer: number, dim: number, inner: number, x: Float32Array) {
  const abs = new Float64Array(outer * inner), spread = new Float64Array(outer * inner), lse = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let m = -Infinity;
      for (let d = 0; d < dim; d++) m = Math.max(m, x[(o * dim + d) * inner + i]);
      let s = 0, a = 0, sp = 0;
      for (let d = 0; d < dim; d++) {
        const v = x[(o * dim + d) * inner + i];
        a += Math.abs(v);
        sp = Math.max(sp, Math.abs(v - m));
        s += Math.exp(v - m);
      }
      abs[o * inner + i] = a;
      spread[o * inner + i] = sp;
      lse[o * inner + i] = Math.log(s);
    }
  }
  return { abs, spread, lse };
}

export function compareReduce(native: Kernels, js: Kernels, outer: number, dim: number, inner: number, x: Float32Array): string[] {
  const errors: string[] = [];
  const label = `[${outer}, ${dim}, ${inner}]`;
  const { abs, spread, lse } = stats(outer, dim, inner, x);
  for (const [name, op] of REDUCE_OPS) {
    if (dim === 0 && (op === ReduceOp.MAX || op === ReduceOp.MIN)) continue;
    const out = new Float32Array(outer * inner).fill(12345), ref = new Float64Array(outer * inner);
    native.reduce(op, outer, dim, inner, x, out);
    js.reduce(op, outer, dim, inner, Float64Array.from(x), ref);
    let e: string | null;
    if (op === ReduceOp.MAX || op === ReduceOp.MIN) e = mismatch({ kind: 'exact' }, out, ref);
    else if (op === ReduceOp.LOGSUMEXP) e = closeMismatch(out, ref, (j) => EPS32 * (dim + 8 + spread[j] + 4 * Math.abs(lse[j]) + 2 * Math.abs(ref[j])));
    else e = closeMismatch(out, ref, (j) => (EPS32 * (dim + 3) * abs[j]) / (op === ReduceOp.MEAN ? dim : 1) + EPS32 * Math.abs(ref[j]) + TINY);
    if (e) errors.push(`reduce ${name} ${label}: ${e}`);
  }
  if (dim > 0) {
    for (const [name, op] of [['argmax', ReduceOp.MAX], ['argmin', ReduceOp.MIN]] as const) {
      const v = new Float32Array(outer * inner), idx = new Int32Array(outer * inner).fill(-7);
      const v64 = new Float64Array(outer * inner), idx64 = new Int32Array(outer * inner);
      native.argReduce(op, outer, dim, inner, x, v, idx);
      js.argReduce(op, outer, dim, inner, Float64Array.from(x), v64, idx64);
      const e = mismatch({ kind: 'exact' }, v, v64);
      if (e) errors.push(`${name} values ${label}: ${e}`);
      const k = idx.findIndex((a, j) => a !== idx64[j]);
      if (k >= 0) errors.push(`${name} indices ${label}: element ${k}: got ${idx[k]}, expected ${idx64[k]}`);
    }
  }
  return errors;
}

export interface NllCase { outer: number; classes: number; inner: number; weighted: boolean; smoothing: number; ignoreIndex: number }

export const NLL_CASES: NllCase[] = [];
for (const [outer, classes, inner] of [[0, 3, 1], [1, 1, 1], [5, 2, 1], [64, 10, 1], [7, 17, 3], [3, 33, 2]]) {
  for (const weighted of [false, true]) {
    for (const smoothing of [0, 0.1]) NLL_CASES.push({ outer, classes, inner, weighted, smoothing, ignoreIndex: classes > 1 ? 1 : -100 });
  }
}
NLL_CASES.push({ outer: 9, classes: 5, inner: 2, weighted: true, smoothing: 0.3, ignoreIndex: -100 });

/** Forward and backward of one case, native vs the twin in float64: bitwise (both evaluate in double). */
export function compareNll(native: Kernels, js: Kernels, c: NllCase, r: Rng): string[] {
  const { outer, classes, inner, smoothing, ignoreIndex } = c;
  const n = outer * classes * inner, samples = outer * inner;
  const logp = Float32Array.from({ length: n }, () => -Math.abs(r.normal()) * 3);
  const target = Int32Array.from({ length: samples }, () => (r.next() < 0.15 ? ignoreIndex : r.int(0, classes - 1)));
  const weight = c.weighted ? Float32Array.from({ length: classes }, () => r.uniform(0.1, 2)) : null;
  const f = Float64Array.from.bind(Float64Array);
  const label = `nll [${outer}, ${classes}, ${inner}] w=${c.weighted} eps=${smoothing} ignore=${ignoreIndex}`;
  const errors: string[] = [];
  const loss = new Float32Array(samples).fill(NaN), wsum = new Float32Array(samples).fill(NaN);
  const loss64 = new Float64Array(samples), wsum64 = new Float64Array(samples);
  native.nllLoss(outer, classes, inner, logp, target, weight, ignoreIndex, smoothing, loss, wsum);
  js.nllLoss(outer, classes, inner, f(logp), target, weight && f(weight), ignoreIndex, smoothing, loss64, wsum64);
  const el = mismatch({ kind: 'exact' }, loss, loss64) ?? mismatch({ kind: 'exact' }, wsum, wsum64);
  if (el) errors.push(`${label}: ${el}`);
  const gloss = Float32Array.from({ length: samples }, () => r.uniform(-2, 2));
  const g = new Float32Array(n).fill(NaN), g64 = new Float64Array(n);
  native.nllLossBackward(outer, classes, inner, target, weight, ignoreIndex, smoothing, gloss, g);
  js.nllLossBackward(outer, classes, inner, target, weight && f(weight), ignoreIndex, smoothing, f(gloss), g64);
  const eg = mismatch({ kind: 'exact' }, g, g64);
  if (eg) errors.push(`${label} backward: ${eg}`);
  return errors;
}

/** For a child process: shapes where the pool engages, vs the twin, plus fingerprints of native outputs. */
export function isaReport(native: Kernels, js: Kernels): { errors: string[]; prints: string[] } {
  const r = new Rng(41);
  const errors: string[] = [];
  const prints: string[] = [];
  for (const [outer, dim, inner] of [[1500, 100, 1], [40, 30, 500], [3, 60_000, 1], [1, 300, 700]] as const) {
    const x = reduceInput(outer, dim, inner, r);
    errors.push(...compareReduce(native, js, outer, dim, inner, x));
    for (const [, op] of REDUCE_OPS) {
      const out = new Float32Array(outer * inner);
      native.reduce(op, outer, dim, inner, x, out);
      prints.push(fingerprint(out));
    }
    const v = new Float32Array(outer * inner), idx = new Int32Array(outer * inner);
    native.argReduce(ReduceOp.MAX, outer, dim, inner, x, v, idx);
    prints.push(fingerprint(v) + fingerprint(new Float32Array(idx.buffer)));
  }
  errors.push(...compareNll(native, js, { outer: 20_000, classes: 10, inner: 1, weighted: true, smoothing: 0.1, ignoreIndex: 3 }, r));
  return { errors, prints };
}
