/**
 * JS twin of the elementwise family's reductions over [outer, dim, inner], softmax / log-softmax and the
 * NLL loss core, plus the argument checks shared with elementwise.ts. Semantics: ../kernels/elementwise.ts.
 */
import { MAX_RANK, ReduceOp, type ElementwiseKernels } from '../kernels/elementwise.js';
import type { FloatArray } from '../types.js';
import {
  checkFloatArray, checkLength, checkNumber, checkSize, checkedMul, describe, rangeError, typeError,
} from './check.js';

/** An op code in [0, count). */
export function opCode(k: string, op: unknown, count: number): number {
  if (typeof op !== 'number') throw typeError(k, 'op to be an integer op code', op);
  if (!Number.isInteger(op) || op < 0 || op >= count) {
    throw rangeError(k, `expected op to be an integer in [0, ${count - 1}], got ${op}`);
  }
  return op;
}

function checkDims(k: string, name: string, v: unknown, rank: number): readonly number[] {
  if (!Array.isArray(v)) throw typeError(k, `${name} to be an Array of integers`, v);
  if (v.length !== rank) throw rangeError(k, `expected ${name} to have ${rank} entries, got ${v.length}`);
  for (let d = 0; d < rank; d++) checkSize(k, `${name}[${d}]`, v[d]);
  return v;
}

/**
 * Checks a shape and each operand's (array, offset, strides) against it; returns product(shape).
 * Mirrors the binding: the extent offset + Σ(shape[d] − 1)·strides[d] + 1 must fit in the array.
 */
export function checkStrided(
  k: string, shape: unknown, operands: [string, unknown, unknown, unknown][],
): number {
  if (!Array.isArray(shape)) throw typeError(k, 'shape to be an Array of integers', shape);
  if (shape.length > MAX_RANK) throw rangeError(k, `expected shape to have at most ${MAX_RANK} dims, got ${shape.length}`);
  const rank = shape.length;
  checkDims(k, 'shape', shape, rank);
  let total = 1;
  for (let d = 0; d < rank; d++) total = checkedMul(k, total, shape[d], 'product(shape)');
  for (const [name, arr, offset, strides] of operands) {
    const a = checkFloatArray(k, name, arr);
    const off = checkSize(k, `${name}Offset`, offset);
    const st = checkDims(k, `${name}Strides`, strides, rank);
    if (total === 0) continue;
    let extent = off + 1;
    for (let d = 0; d < rank; d++) extent += checkedMul(k, shape[d] - 1, st[d], `${name} extent`);
    if (extent > Number.MAX_SAFE_INTEGER) throw rangeError(k, `${name} extent overflows`);
    checkLength(k, name, a, extent);
  }
  return total;
}

/** Checks outer/dim/inner and returns outer·dim·inner. */
function checkOdi(k: string, outer: unknown, dim: unknown, inner: unknown): number {
  const o = checkSize(k, 'outer', outer);
  const d = checkSize(k, 'dim', dim);
  const i = checkSize(k, 'inner', inner);
  return checkedMul(k, checkedMul(k, o, d, 'outer * dim'), i, 'outer * dim * inner');
}

function checkArrays(k: string, n: number, arrays: [string, unknown][]): void {
  for (const [name, a] of arrays) checkLength(k, name, checkFloatArray(k, name, a), n);
}

function reduce(op: number, outer: number, dim: number, inner: number, x: FloatArray, out: FloatArray): void {
  const k = 'reduce';
  opCode(k, op, 5);
  const n = checkOdi(k, outer, dim, inner);
  checkArrays(k, n, [['x', x]]);
  checkArrays(k, outer * inner, [['out', out]]);
  if (dim === 0 && (op === ReduceOp.MAX || op === ReduceOp.MIN)) {
    throw rangeError(k, 'expected dim >= 1 for max/min (a reduction over an empty axis has no identity)');
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let r: number;
      if (op === ReduceOp.SUM || op === ReduceOp.MEAN) {
        r = 0;
        for (let d = 0; d < dim; d++) r += x[base + d * inner];
        if (op === ReduceOp.MEAN) r /= dim;
      } else if (op === ReduceOp.MAX || op === ReduceOp.MIN) {
        r = x[base];
        const isMax = op === ReduceOp.MAX;
        for (let d = 1; d < dim && r === r; d++) {
          const v = x[base + d * inner];
          if (v !== v || (isMax ? v > r : v < r)) r = v;
        }
      } else {
        r = logSumExpSlice(x, base, dim, inner);
      }
      out[o * inner + i] = r;
    }
  }
}

function sliceMax(x: FloatArray, base: number, dim: number, inner: number): number {
  let m = -Infinity;
  for (let d = 0; d < dim; d++) {
    const v = x[base + d * inner];
    if (v !== v) return v;
    if (v > m) m = v;
  }
  return m;
}

function logSumExpSlice(x: FloatArray, base: number, dim: number, inner: number): number {
  const m = sliceMax(x, base, dim, inner);
  if (m !== m || m === Infinity || m === -Infinity) return m;
  let s = 0;
  for (let d = 0; d < dim; d++) s += Math.exp(x[base + d * inner] - m);
  return m + Math.log(s);
}

function argReduce(
  op: number, outer: number, dim: number, inner: number, x: FloatArray, values: FloatArray, indices: Int32Array,
): void {
  const k = 'argReduce';
  opCode(k, op, 4);
  if (op !== ReduceOp.MAX && op !== ReduceOp.MIN) throw rangeError(k, `expected op to be MAX (2) or MIN (3), got ${op}`);
  const n = checkOdi(k, outer, dim, inner);
  if (dim < 1) throw rangeError(k, 'expected dim >= 1, got 0');
  if (dim > 2147483647) throw rangeError(k, `expected dim <= 2147483647 (indices are int32), got ${dim}`);
  checkArrays(k, n, [['x', x]]);
  checkArrays(k, outer * inner, [['values', values]]);
  if (!(indices instanceof Int32Array)) throw typeError(k, 'indices to be an Int32Array', indices);
  checkLength(k, 'indices', indices, outer * inner);
  const isMax = op === ReduceOp.MAX;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let best = x[base];
      let at = 0;
      for (let d = 1; d < dim && best === best; d++) {
        const v = x[base + d * inner];
        if (v !== v || (isMax ? v > best : v < best)) {
          best = v;
          at = d;
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = at;
    }
  }
}

function softmaxLike(k: string, log: boolean, outer: number, dim: number, inner: number, x: FloatArray, out: FloatArray): void {
  const n = checkOdi(k, outer, dim, inner);
  checkArrays(k, n, [['x', x], ['out', out]]);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let m = -Infinity;
      for (let d = 0; d < dim; d++) {
        const v = x[base + d * inner];
        if (v > m || v !== v) m = v;
      }
      let s = 0;
      for (let d = 0; d < dim; d++) s += Math.exp(x[base + d * inner] - m);
      if (log) {
        const lse = Math.log(s);
        for (let d = 0; d < dim; d++) out[base + d * inner] = x[base + d * inner] - m - lse;
      } else {
        for (let d = 0; d < dim; d++) out[base + d * inner] = Math.exp(x[base + d * inner] - m) / s;
      }
    }
  }
}

function softmaxBackwardLike(
  k: string, log: boolean, outer: number, dim: number, inner: number, y: FloatArray, gy: FloatArray, gx: FloatArray,
): void {
  const n = checkOdi(k, outer, dim, inner);
  checkArrays(k, n, [['y', y], ['gy', gy], ['gx', gx]]);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let s = 0;
      if (log) for (let d = 0; d < dim; d++) s += gy[base + d * inner];
      else for (let d = 0; d < dim; d++) s += gy[base + d * inner] * y[base + d * inner];
      for (let d = 0; d < dim; d++) {
        const j = base + d * inner;
        gx[j] = log ? gy[j] - Math.exp(y[j]) * s : y[j] * (gy[j] - s);
      }
    }
  }
}

function checkNll(
  k: string, outer: number, classes: number, inner: number, target: Int32Array, weight: FloatArray | null,
  ignoreIndex: number, smoothing: number,
): number {
  const n = checkOdi(k, outer, classes, inner);
  if (classes < 1) throw rangeError(k, 'expected classes >= 1, got 0');
  if (!(target instanceof Int32Array)) throw typeError(k, 'target to be an Int32Array', target);
  checkLength(k, 'target', target, outer * inner);
  if (weight !== null) checkLength(k, 'weight', checkFloatArray(k, 'weight', weight), classes);
  if (typeof ignoreIndex !== 'number' || !Number.isInteger(ignoreIndex)) throw typeError(k, 'ignoreIndex to be an integer', ignoreIndex);
  checkNumber(k, 'smoothing', smoothing);
  if (!(smoothing >= 0 && smoothing <= 1)) throw rangeError(k, `expected smoothing in [0, 1], got ${describe(smoothing)}`);
  for (let s = 0; s < outer * inner; s++) {
    const t = target[s];
    if (t !== ignoreIndex && (t < 0 || t >= classes)) {
      throw rangeError(k, `expected target[${s}] in [0, ${classes - 1}] or ignoreIndex ${ignoreIndex}, got ${t}`);
    }
  }
  return n;
}

function nllLoss(
  outer: number, classes: number, inner: number, logp: FloatArray, target: Int32Array, weight: FloatArray | null,
  ignoreIndex: number, smoothing: number, loss: FloatArray, wsum: FloatArray,
): void {
  const k = 'nllLoss';
  const n = checkNll(k, outer, classes, inner, target, weight, ignoreIndex, smoothing);
  checkArrays(k, n, [['logp', logp]]);
  checkArrays(k, outer * inner, [['loss', loss], ['wsum', wsum]]);
  const eps = smoothing / classes;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const s = o * inner + i;
      const t = target[s];
      if (t === ignoreIndex) {
        loss[s] = 0;
        wsum[s] = 0;
        continue;
      }
      const base = o * classes * inner + i;
      const wt = weight === null ? 1 : weight[t];
      let l = -(1 - smoothing) * wt * logp[base + t * inner];
      if (smoothing !== 0) {
        let acc = 0;
        for (let c = 0; c < classes; c++) acc += (weight === null ? 1 : weight[c]) * logp[base + c * inner];
        l -= eps * acc;
      }
      loss[s] = l;
      wsum[s] = wt;
    }
  }
}

function nllLossBackward(
  outer: number, classes: number, inner: number, target: Int32Array, weight: FloatArray | null,
  ignoreIndex: number, smoothing: number, gloss: FloatArray, glogp: FloatArray,
): void {
  const k = 'nllLossBackward';
  const n = checkNll(k, outer, classes, inner, target, weight, ignoreIndex, smoothing);
  checkArrays(k, outer * inner, [['gloss', gloss]]);
  checkArrays(k, n, [['glogp', glogp]]);
  const eps = smoothing / classes;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const s = o * inner + i;
      const t = target[s];
      const base = o * classes * inner + i;
      const g = gloss[s];
      for (let c = 0; c < classes; c++) {
        const wc = weight === null ? 1 : weight[c];
        glogp[base + c * inner] = t === ignoreIndex ? 0 : -g * ((c === t ? (1 - smoothing) * wc : 0) + eps * wc);
      }
    }
  }
}

export const reduceKernels: Pick<
  ElementwiseKernels,
  'reduce' | 'argReduce' | 'softmax' | 'logSoftmax' | 'softmaxBackward' | 'logSoftmaxBackward' | 'nllLoss' | 'nllLossBackward'
> = {
  reduce,
  argReduce,
  softmax: (outer, dim, inner, x, out) => softmaxLike('softmax', false, outer, dim, inner, x, out),
  logSoftmax: (outer, dim, inner, x, out) => softmaxLike('logSoftmax', true, outer, dim, inner, x, out),
  softmaxBackward: (outer, dim, inner, y, gy, gx) => softmaxBackwardLike('softmaxBackward', false, outer, dim, inner, y, gy, gx),
  logSoftmaxBackward: (outer, dim, inner, y, gy, gx) =>
    softmaxBackwardLike('logSoftmaxBackward', true, outer, dim, inner, y, gy, gx),
  nllLoss,
  nllLossBackward,
};
