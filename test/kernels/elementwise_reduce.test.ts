import { describe, expect, it } from 'vitest';
import { ReduceOp } from '../../lib/backend/kernels/elementwise.js';
import { cpuInfo, jsKernels, nativeKernels, type Kernels } from '../../lib/backend/index.js';
import { isaReportsPerThreadCount } from '../helpers/child.js';
import { Rng, testSeed } from '../helpers/rng.js';
import { NLL_CASES, SHAPES, compareNll, compareReduce, reduceInput } from './elementwise_reduce_cases.js';

const native = nativeKernels!;

describe('native reduce / argReduce vs the JS twin in float64', () => {
  for (const [outer, dim, inner] of SHAPES) {
    it(`[${outer}, ${dim}, ${inner}]: finite values with ties, then NaN/±Inf slices`, () => {
      const r = new Rng(testSeed(outer * 1000 + dim * 10 + inner));
      const errors = [
        ...compareReduce(native, jsKernels, outer, dim, inner, reduceInput(outer, dim, inner, r, false)),
        ...compareReduce(native, jsKernels, outer, dim, inner, reduceInput(outer, dim, inner, r, true)),
      ];
      expect(errors.slice(0, 5)).toEqual([]);
    });
  }

  it('max/argmax: a NaN at every lane of a row wins, the first of several NaNs is the index', () => {
    for (const dim of [33, 70]) {
      for (let p = 0; p < dim; p++) {
        const x = new Float32Array(dim).fill(1);
        x[p] = NaN;
        if (p + 5 < dim) x[p + 5] = NaN;
        const v = new Float32Array(1), idx = new Int32Array(1), m = new Float32Array(1);
        native.argReduce(ReduceOp.MAX, 1, dim, 1, x, v, idx);
        native.reduce(ReduceOp.MIN, 1, dim, 1, x, m);
        expect([Number.isNaN(v[0]), idx[0], Number.isNaN(m[0])]).toEqual([true, p, true]);
      }
    }
  });

  it('ties keep the first element: max(-0, +0) = -0, argmax of a constant row is 0', () => {
    for (const [outer, dim, inner] of [[1, 40, 1], [1, 40, 9]]) {
      const x = new Float32Array(dim * inner).fill(0);
      for (let i = 0; i < inner; i++) x[i] = -0;
      const v = new Float32Array(inner), idx = new Int32Array(inner), m = new Float32Array(inner);
      native.argReduce(ReduceOp.MAX, outer, dim, inner, x, v, idx);
      native.reduce(ReduceOp.MAX, outer, dim, inner, x, m);
      expect(Array.from(idx)).toEqual(new Array(inner).fill(0));
      expect(Array.from(v).every((a) => Object.is(a, -0)) && Array.from(m).every((a) => Object.is(a, -0))).toBe(true);
    }
  });
});

describe('native nllLoss / nllLossBackward vs the JS twin in float64: bitwise', () => {
  for (const [ci, c] of NLL_CASES.entries()) {
    it(`[${c.outer}, ${c.classes}, ${c.inner}] weighted=${c.weighted} smoothing=${c.smoothing} ignoreIndex=${c.ignoreIndex}`, () => {
      expect(compareNll(native, jsKernels, c, new Rng(testSeed(200 + ci)))).toEqual([]);
    });
  }
});

describe('native reductions and NLL on every ISA of this CPU, 1 and 2 threads (child processes)', () => {
  for (const isa of cpuInfo().available) {
    it(`${isa}: within bounds of the twin, bitwise the same on 1 and 2 threads`, () => {
      const outs = isaReportsPerThreadCount('./test/kernels/elementwise_reduce_cases.ts', isa);
      for (const out of outs) {
        expect(out.isa).toBe(isa);
        expect(out.errors).toEqual([]);
      }
      expect(outs[1].prints).toEqual(outs[0].prints);
    });
  }
});

describe('native reductions and NLL reject bad input as the JS twin does', () => {
  const f = (n = 6) => new Float32Array(n);
  const t = (...v: number[]) => Int32Array.from(v);
  const cases: Array<[string, (k: Kernels) => void, typeof TypeError | typeof RangeError, RegExp]> = [
    ['reduce: op out of range', (k) => k.reduce(5, 1, 6, 1, f(), f()), RangeError, /^nodegrad\.reduce: expected op to be an integer in \[0, 4\], got 5/],
    ['reduce: dim not an integer', (k) => k.reduce(0, 1, 1.5, 1, f(), f()), RangeError, /^nodegrad\.reduce: expected dim to be an integer in/],
    ['reduce: overflowing sizes', (k) => k.reduce(0, 2 ** 20, 2 ** 20, 2 ** 20, f(), f()), RangeError, /^nodegrad\.reduce: outer \* dim \* inner overflows/],
    ['reduce: short x', (k) => k.reduce(0, 2, 4, 1, f(), f()), RangeError, /^nodegrad\.reduce: expected x to hold at least 8 elements, got 6/],
    ['reduce: short out', (k) => k.reduce(0, 3, 2, 1, f(), f(2)), RangeError, /^nodegrad\.reduce: expected out to hold at least 3 elements, got 2/],
    ['reduce: max over dim 0', (k) => k.reduce(ReduceOp.MAX, 2, 0, 1, f(), f()), RangeError, /^nodegrad\.reduce: expected dim >= 1 for max\/min/],
    ['argReduce: sum is not an arg op', (k) => k.argReduce(0, 1, 6, 1, f(), f(), new Int32Array(1)), RangeError, /^nodegrad\.argReduce: expected op to be MAX \(2\) or MIN \(3\), got 0/],
    ['argReduce: dim 0', (k) => k.argReduce(2, 1, 0, 1, f(), f(), new Int32Array(1)), RangeError, /^nodegrad\.argReduce: expected dim >= 1, got 0/],
    ['argReduce: Float32Array indices', (k) => k.argReduce(2, 1, 6, 1, f(), f(), f() as unknown as Int32Array), TypeError, /^nodegrad\.argReduce: expected indices to be an Int32Array, got Float32Array\(6\)/],
    ['argReduce: short indices', (k) => k.argReduce(2, 2, 3, 1, f(), f(), new Int32Array(1)), RangeError, /^nodegrad\.argReduce: expected indices to hold at least 2 elements, got 1/],
    ['nllLoss: classes 0', (k) => k.nllLoss(1, 0, 1, f(), t(0), null, -100, 0, f(), f()), RangeError, /^nodegrad\.nllLoss: expected classes >= 1, got 0/],
    ['nllLoss: target out of range', (k) => k.nllLoss(2, 3, 1, f(), t(1, 3), null, -100, 0, f(), f()), RangeError, /^nodegrad\.nllLoss: expected target\[1\] in \[0, 2\] or ignoreIndex -100, got 3/],
    ['nllLoss: Float32Array target', (k) => k.nllLoss(2, 3, 1, f(), f(2) as unknown as Int32Array, null, -100, 0, f(), f()), TypeError, /^nodegrad\.nllLoss: expected target to be an Int32Array/],
    ['nllLoss: short target', (k) => k.nllLoss(2, 3, 1, f(), t(0), null, -100, 0, f(), f()), RangeError, /^nodegrad\.nllLoss: expected target to hold at least 2 elements, got 1/],
    ['nllLoss: short weight', (k) => k.nllLoss(2, 3, 1, f(), t(0, 1), f(2), -100, 0, f(), f()), RangeError, /^nodegrad\.nllLoss: expected weight to hold at least 3 elements, got 2/],
    ['nllLoss: undefined weight', (k) => k.nllLoss(2, 3, 1, f(), t(0, 1), undefined as unknown as null, -100, 0, f(), f()), TypeError, /^nodegrad\.nllLoss: expected weight to be a Float/],
    ['nllLoss: fractional ignoreIndex', (k) => k.nllLoss(2, 3, 1, f(), t(0, 1), null, 0.5, 0, f(), f()), TypeError, /^nodegrad\.nllLoss: expected ignoreIndex to be an integer, got 0.5/],
    ['nllLoss: infinite ignoreIndex', (k) => k.nllLoss(2, 3, 1, f(), t(0, 1), null, Infinity, 0, f(), f()), TypeError, /^nodegrad\.nllLoss: expected ignoreIndex to be an integer, got Infinity/],
    ['nllLoss: smoothing 1.5', (k) => k.nllLoss(2, 3, 1, f(), t(0, 1), null, -100, 1.5, f(), f()), RangeError, /^nodegrad\.nllLoss: expected smoothing in \[0, 1\], got 1.5/],
    ['nllLoss: smoothing NaN', (k) => k.nllLoss(2, 3, 1, f(), t(0, 1), null, -100, NaN, f(), f()), RangeError, /^nodegrad\.nllLoss: expected smoothing in \[0, 1\], got NaN/],
    ['nllLoss: short logp', (k) => k.nllLoss(2, 3, 1, f(5), t(0, 1), null, -100, 0, f(), f()), RangeError, /^nodegrad\.nllLoss: expected logp to hold at least 6 elements, got 5/],
    ['nllLoss: short wsum', (k) => k.nllLoss(2, 3, 1, f(), t(0, 1), null, -100, 0, f(), f(1)), RangeError, /^nodegrad\.nllLoss: expected wsum to hold at least 2 elements, got 1/],
    ['nllLossBackward: short glogp', (k) => k.nllLossBackward(2, 3, 1, t(0, 1), null, -100, 0, f(2), f(5)), RangeError, /^nodegrad\.nllLossBackward: expected glogp to hold at least 6 elements, got 5/],
    ['nllLossBackward: target out of range', (k) => k.nllLossBackward(2, 3, 1, t(-1, 1), null, -100, 0, f(2), f()), RangeError, /^nodegrad\.nllLossBackward: expected target\[0\] in \[0, 2\] or ignoreIndex -100, got -1/],
  ];
  for (const [name, call, cls, msg] of cases) {
    it(name, () => {
      for (const k of [native, jsKernels]) {
        expect(() => call(k), k.name).toThrow(cls);
        expect(() => call(k), k.name).toThrow(msg);
      }
    });
  }
});
