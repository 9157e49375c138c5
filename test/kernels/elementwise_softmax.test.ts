import { describe, expect, it } from 'vitest';
import { cpuInfo, jsKernels, nativeKernels, type Kernels } from '../../lib/backend/index.js';
import { isaReportsPerThreadCount } from '../helpers/child.js';
import { Rng, testSeed } from '../helpers/rng.js';
import { compareSoftmax, logits, SHAPES } from './elementwise_softmax_cases.js';

const native = nativeKernels!;

describe('native softmax / logSoftmax and backward vs the JS twin in float64', () => {
  it('every shape around the SIMD widths, inner 1 and > 1, empty ones', () => {
    const r = new Rng(testSeed(31));
    const errors: string[] = [];
    for (const [outer, dim, inner] of SHAPES) errors.push(...compareSoftmax(native, jsKernels, outer, dim, inner, logits(outer * dim * inner, r), r));
    expect(errors).toEqual([]);
  });

  it('NaN, +Inf or an all -Inf slice gives NaN; -Inf elements give 0 / -Inf; at every position', () => {
    const r = new Rng(testSeed(32));
    const errors: string[] = [];
    for (const inner of [1, 3]) {
      const dim = 33;
      for (const special of [NaN, Infinity, -Infinity, 1e30, -1e30]) {
        for (let p = 0; p < dim; p++) {
          const x = logits(2 * dim * inner, r);
          x[p * inner] = special;
          errors.push(...compareSoftmax(native, jsKernels, 2, dim, inner, x, r));
        }
      }
      const allNegInf = new Float32Array(2 * dim * inner).fill(-Infinity);
      errors.push(...compareSoftmax(native, jsKernels, 2, dim, inner, allNegInf, r));
    }
    expect(errors.slice(0, 5)).toEqual([]);
  });

  it('works in place (out === x, gx === gy)', () => {
    const r = new Rng(testSeed(33));
    for (const name of ['softmax', 'logSoftmax'] as const) {
      const x = logits(3 * 37, r), want = new Float32Array(x.length);
      native[name](3, 37, 1, x, want);
      native[name](3, 37, 1, x, x);
      expect(Buffer.from(x.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    }
  });
});

describe('native softmax on every ISA of this CPU, 1 and 2 threads (child processes)', () => {
  for (const isa of cpuInfo().available) {
    it(`${isa}: within bounds of the twin, bitwise the same on 1 and 2 threads`, () => {
      const outs = isaReportsPerThreadCount('./test/kernels/elementwise_softmax_cases.ts', isa);
      for (const out of outs) {
        expect(out.isa).toBe(isa);
        expect(out.errors).toEqual([]);
      }
      expect(outs[1].prints).toEqual(outs[0].prints);
    });
  }
});

describe('native softmax rejects bad input as the JS twin does', () => {
  const f = (n: number) => new Float32Array(n);
  const cases: Array<[string, (k: Kernels) => void, typeof TypeError | typeof RangeError, RegExp]> = [
    ['short x', (k) => k.softmax(2, 3, 1, f(5), f(6)), RangeError, /^nodegrad\.softmax: expected x to hold at least 6 elements, got 5/],
    ['short gx', (k) => k.logSoftmaxBackward(2, 3, 1, f(6), f(6), f(2)), RangeError, /^nodegrad\.logSoftmaxBackward: expected gx to hold at least 6 elements, got 2/],
    ['negative dim', (k) => k.logSoftmax(2, -3, 1, f(6), f(6)), RangeError, /^nodegrad\.logSoftmax: expected dim to be an integer/],
    ['overflowing sizes', (k) => k.softmax(2 ** 31, 2 ** 31, 4, f(0), f(0)), RangeError, /^nodegrad\.softmax: outer \* dim overflows/],
    ['string outer', (k) => k.softmaxBackward('2' as unknown as number, 3, 1, f(6), f(6), f(6)), TypeError, /^nodegrad\.softmaxBackward: expected outer to be an integer/],
    ['Float64Array natively', (k) => k.softmax(1, 2, 1, new Float64Array(2), k.name === 'js' ? 1 as unknown as Float32Array : f(2)), TypeError, /^nodegrad\.softmax: expected (x to be a Float32Array|out to be a Float)/],
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
