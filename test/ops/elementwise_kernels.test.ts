/**
 * The JS twin of the elementwise kernel family checked against itself in float64: every fused backward
 * against central differences of its forward, erf against a numerical integral, and the argument checks.
 */
import { describe, expect, it } from 'vitest';
import { BinaryOp, ReduceOp, UnaryOp, UNARY_OP_COUNT, BINARY_OP_COUNT } from '../../lib/backend/kernels/elementwise.js';
import { elementwiseJs as k, erf, erfc } from '../../lib/backend/js/elementwise.js';
import { expectClose } from '../helpers/close.js';
import { rng } from '../helpers/rng.js';

const h = 1e-6;

function unaryParams(op: number): [number, number] {
  if (op === UnaryOp.LEAKY_RELU) return [0.1, 0];
  if (op === UnaryOp.ELU) return [1.3, 0];
  if (op === UnaryOp.SOFTPLUS) return [1.5, 20];
  if (op === UnaryOp.CLAMP) return [-0.5, 0.7];
  if (op === UnaryOp.POW_SCALAR) return [2.5, 0];
  if (op === UnaryOp.AFFINE) return [1.7, -0.3];
  return [0, 0];
}

describe('elementwise JS twin', () => {
  it('erf matches a numerical integral of the normal density', () => {
    for (const x of [-4, -1.3, -0.2, 0, 0.5, 1, 2.4, 2.6, 3.5, 5]) {
      // Simpson's rule on [0, x] with 20000 panels: error far below 1e-12 for these x.
      const n = 20000;
      const step = x / n;
      let s = 0;
      for (let i = 0; i <= n; i++) {
        const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
        s += w * Math.exp(-((i * step) ** 2));
      }
      const ref = ((s * step) / 3) * (2 / Math.sqrt(Math.PI));
      expect(Math.abs(erf(x) - ref)).toBeLessThan(1e-12);
      expect(Math.abs(erfc(x) - (1 - ref))).toBeLessThan(1e-12);
    }
  });

  it('unaryBackward matches central differences of unary for every op', () => {
    const r = rng(1);
    for (let op = 0; op < UNARY_OP_COUNT; op++) {
      const [a, b] = unaryParams(op);
      const n = 64;
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let v = r.uniform(-3, 3);
        if (op === UnaryOp.LOG || op === UnaryOp.SQRT || op === UnaryOp.POW_SCALAR) v = Math.abs(v) + 0.1;
        if (Math.abs(v) < 0.01 || Math.abs(v - a) < 0.01 || Math.abs(v - b) < 0.01) v += 0.05;
        x[i] = v;
      }
      const y = new Float64Array(n);
      k.unary(op, n, x, y, a, b);
      const gy = Float64Array.from({ length: n }, () => r.uniform());
      const gx = new Float64Array(n);
      k.unaryBackward(op, n, x, y, gy, gx, a, b);
      const xp = x.map((v) => v + h), xm = x.map((v) => v - h);
      const yp = new Float64Array(n), ym = new Float64Array(n);
      k.unary(op, n, xp, yp, a, b);
      k.unary(op, n, xm, ym, a, b);
      const num = yp.map((v, i) => ((v - ym[i]) / (2 * h)) * gy[i]);
      expectClose(gx, num, (i) => 1e-5 + 1e-4 * Math.abs(num[i]), `unary op ${op}`);
    }
  });

  it('binaryBackward matches central differences of binary for every differentiable op', () => {
    const r = rng(2);
    for (let op = 0; op < BINARY_OP_COUNT; op++) {
      if (op >= BinaryOp.EQ && op <= BinaryOp.GE) continue;
      const n = 40;
      const a = new Float64Array(n), b = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        a[i] = r.uniform(-2, 2);
        b[i] = r.uniform(-2, 2);
        if (op === BinaryOp.POW) a[i] = Math.abs(a[i]) + 0.2;
        // Keep away from the kinks (ties, |a − b| = β) by at least 0.05.
        if (Math.abs(a[i] - b[i]) < 0.05 || Math.abs(Math.abs(a[i] - b[i]) - 0.8) < 0.05) a[i] += 0.2;
        if (op === BinaryOp.BCE) { a[i] = r.uniform(0.05, 0.95); b[i] = r.uniform(0, 1); }
        if (op === BinaryOp.DIV && Math.abs(b[i]) < 0.1) b[i] += 0.5;
      }
      const p = op === BinaryOp.ADD ? 1.5 : 0.8;
      const out = new Float64Array(n);
      k.binary(op, [n], a, 0, [1], b, 0, [1], out, p);
      const gy = Float64Array.from({ length: n }, () => r.uniform());
      const ga = new Float64Array(n), gb = new Float64Array(n);
      k.binaryBackward(op, n, a, b, out, gy, ga, gb, p);
      for (const [which, g] of [[0, ga], [1, gb]] as const) {
        const num = new Float64Array(n);
        const o1 = new Float64Array(n), o2 = new Float64Array(n);
        const shift = (d: number) => (which === 0 ? [a.map((v) => v + d), b] : [a, b.map((v) => v + d)]);
        const [a1, b1] = shift(h), [a2, b2] = shift(-h);
        k.binary(op, [n], a1, 0, [1], b1, 0, [1], o1, p);
        k.binary(op, [n], a2, 0, [1], b2, 0, [1], o2, p);
        for (let i = 0; i < n; i++) num[i] = ((o1[i] - o2[i]) / (2 * h)) * gy[i];
        expectClose(g, num, (i) => 1e-5 + 1e-4 * Math.abs(num[i]), `binary op ${op} operand ${which}`);
      }
    }
  });

  it('binary broadcasts through strides and offsets', () => {
    const a = Float64Array.from([9, 1, 2, 3]); // offset 1: a column [1, 2, 3]
    const b = Float64Array.from([10, 20]);
    const out = new Float64Array(6);
    k.binary(BinaryOp.ADD, [3, 2], a, 1, [1, 0], b, 0, [0, 1], out, 1);
    expect(Array.from(out)).toEqual([11, 21, 12, 22, 13, 23]);
  });

  it('softmax and log-softmax backward match central differences', () => {
    const r = rng(3);
    const [outer, dim, inner] = [2, 5, 3];
    const n = outer * dim * inner;
    const x = Float64Array.from({ length: n }, () => r.uniform(-3, 3));
    const gy = Float64Array.from({ length: n }, () => r.uniform());
    for (const log of [false, true]) {
      const fwd = log ? k.logSoftmax : k.softmax;
      const bwd = log ? k.logSoftmaxBackward : k.softmaxBackward;
      const y = new Float64Array(n), gx = new Float64Array(n);
      fwd(outer, dim, inner, x, y);
      bwd(outer, dim, inner, y, gy, gx);
      const num = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const xp = x.slice(), xm = x.slice();
        xp[j] += h;
        xm[j] -= h;
        const yp = new Float64Array(n), ym = new Float64Array(n);
        fwd(outer, dim, inner, xp, yp);
        fwd(outer, dim, inner, xm, ym);
        for (let i = 0; i < n; i++) num[j] += ((yp[i] - ym[i]) / (2 * h)) * gy[i];
      }
      expectClose(gx, num, (i) => 1e-6 + 1e-5 * Math.abs(num[i]), log ? 'logSoftmax' : 'softmax');
    }
  });

  it('nllLossBackward matches central differences of nllLoss (weights, smoothing, ignoreIndex)', () => {
    const r = rng(4);
    const [outer, classes, inner] = [3, 4, 2];
    const n = outer * classes * inner;
    const logp = Float64Array.from({ length: n }, () => r.uniform(-3, 0));
    const target = Int32Array.from([0, 3, -100, 2, 1, 1]);
    const weight = Float64Array.from([0.5, 1, 2, 1.5]);
    const gloss = Float64Array.from({ length: outer * inner }, () => r.uniform());
    const g = new Float64Array(n);
    k.nllLossBackward(outer, classes, inner, target, weight, -100, 0.1, gloss, g);
    const total = (lp: Float64Array) => {
      const loss = new Float64Array(outer * inner), w = new Float64Array(outer * inner);
      k.nllLoss(outer, classes, inner, lp, target, weight, -100, 0.1, loss, w);
      return loss.reduce((s, v, i) => s + v * gloss[i], 0);
    };
    const num = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const p = logp.slice(), m = logp.slice();
      p[j] += h;
      m[j] -= h;
      num[j] = (total(p) - total(m)) / (2 * h);
    }
    expectClose(g, num, (i) => 1e-6 + 1e-5 * Math.abs(num[i]), 'nllLoss');
  });

  it('reductions propagate NaN and pick the first extreme index', () => {
    const x = Float64Array.from([1, 5, 5, NaN, 2, 3]);
    const v = new Float64Array(2), idx = new Int32Array(2);
    k.argReduce(ReduceOp.MAX, 2, 3, 1, x, v, idx);
    expect(Array.from(idx)).toEqual([1, 0]);
    expect(v[0]).toBe(5);
    expect(v[1]).toBeNaN();
    const out = new Float64Array(2);
    k.reduce(ReduceOp.MIN, 2, 3, 1, x, out);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeNaN();
    k.reduce(ReduceOp.LOGSUMEXP, 1, 3, 1, Float64Array.from([-Infinity, -Infinity, -Infinity]), out);
    expect(out[0]).toBe(-Infinity);
  });

  it('rejects bad arguments with nodegrad.<kernel> messages', () => {
    const f = new Float32Array(4);
    expect(() => k.unary(99, 4, f, f, 0, 0)).toThrow(/^nodegrad\.unary: expected op/);
    expect(() => k.unary(0, 5, f, f, 0, 0)).toThrow(RangeError);
    expect(() => k.unary(0, 4, new Int32Array(4) as never, f, 0, 0)).toThrow(/^nodegrad\.unary: expected x/);
    expect(() => k.binary(0, [2, 3], f, 0, [3, 1], f, 0, [0, 1], f, 1)).toThrow(/^nodegrad\.binary: expected a to hold/);
    expect(() => k.stridedCopy([2], f, 0, [1, 1], f, 0, [1])).toThrow(/xStrides/);
    expect(() => k.reduce(ReduceOp.MAX, 1, 0, 1, f, f)).toThrow(RangeError);
    expect(() => k.nllLoss(1, 2, 1, f, Int32Array.from([5]), null, -100, 0, f, f)).toThrow(/target\[0\]/);
  });
});
