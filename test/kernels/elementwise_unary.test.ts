import { describe, expect, it } from 'vitest';
import { UnaryOp } from '../../lib/backend/kernels/elementwise.js';
import { cpuInfo, jsKernels, nativeKernels, type Kernels } from '../../lib/backend/index.js';
import { isaReportsPerThreadCount } from '../helpers/child.js';
import { Rng, testSeed } from '../helpers/rng.js';
import { compare, inputs, SPECIALS, UNARY_CASES } from './elementwise_unary_cases.js';

const native = nativeKernels!;

describe('native unary / unaryBackward vs the JS twin in float64', () => {
  for (const c of UNARY_CASES) {
    it(`${c.name}: every length 0..33, 1000, 4097, and a dense sweep of 30000`, () => {
      const r = new Rng(testSeed(c.op));
      const errors: string[] = [];
      for (const n of [...Array.from({ length: 34 }, (_, i) => i), 1000, 4097, 30_000]) errors.push(...compare(native, jsKernels, c, inputs(c, n, r), r));
      expect(errors).toEqual([]);
    });

    it(`${c.name}: specials at every lane of a 33-element array, bitwise the same wherever they sit`, () => {
      const r = new Rng(testSeed(100 + c.op));
      const errors: string[] = [];
      const outputs = new Map<number, Float32Array>();
      for (const [si, s] of SPECIALS.entries()) {
        for (let p = 0; p < 33; p++) {
          const x = new Float32Array(33).fill(0.375);
          x[p] = s;
          errors.push(...compare(native, jsKernels, c, x, r));
          const y = new Float32Array(33);
          native.unary(c.op, 33, x, y, c.alpha, c.beta);
          const prev = outputs.get(si);
          if (prev && !Object.is(prev[0], y[p]) && !(Number.isNaN(prev[0]) && Number.isNaN(y[p]))) errors.push(`${c.name}(${s}) differs at lane ${p}`);
          outputs.set(si, Float32Array.of(y[p]));
        }
      }
      expect(errors.slice(0, 5)).toEqual([]);
    });
  }

  it('relu(-0) = +0, relu(NaN) = NaN, relu\'(0) = 0 as documented', () => {
    const x = Float32Array.of(-0, NaN, 0, -1, 2);
    const y = new Float32Array(5);
    native.unary(UnaryOp.RELU, 5, x, y, 0, 0);
    expect(Object.is(y[0], 0)).toBe(true);
    expect(Number.isNaN(y[1])).toBe(true);
    const g = new Float32Array(5);
    native.unaryBackward(UnaryOp.RELU, 5, x, y, Float32Array.of(1, 1, 1, 1, 1), g, 0, 0);
    expect(Array.from(g)).toEqual([0, 0, 0, 0, 1]);
  });

  it('works in place (out === x, gx === gy)', () => {
    const r = new Rng(testSeed(7));
    const x = r.f32(1001, -5, 5);
    const want = new Float32Array(1001);
    native.unary(UnaryOp.TANH, 1001, x, want, 0, 0);
    native.unary(UnaryOp.TANH, 1001, x, x, 0, 0);
    expect(Buffer.from(x.buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });
});

describe('native unary on every ISA of this CPU, 1 and 2 threads (child processes)', () => {
  for (const isa of cpuInfo().available) {
    it(`${isa}: within bounds of the twin, bitwise the same on 1 and 2 threads`, () => {
      const outs = isaReportsPerThreadCount('./test/kernels/elementwise_unary_cases.ts', isa);
      for (const out of outs) {
        expect(out.isa).toBe(isa);
        expect(out.errors).toEqual([]);
      }
      expect(outs[1].prints).toEqual(outs[0].prints);
    });
  }
});

describe('native unary rejects bad input as the JS twin does', () => {
  const f = () => new Float32Array(4);
  const cases: Array<[string, (k: Kernels) => void, typeof TypeError | typeof RangeError, RegExp]> = [
    ['op out of range', (k) => k.unary(99, 4, f(), f(), 0, 0), RangeError, /^nodegrad\.unary: expected op to be an integer in \[0, 18\], got 99/],
    ['op not a number', (k) => k.unary('relu' as unknown as number, 4, f(), f(), 0, 0), TypeError, /^nodegrad\.unary: expected op to be an integer op code/],
    ['n negative', (k) => k.unary(0, -1, f(), f(), 0, 0), RangeError, /^nodegrad\.unary: expected n to be an integer/],
    ['short out', (k) => k.unary(0, 5, new Float32Array(5), f(), 0, 0), RangeError, /^nodegrad\.unary: expected out to hold at least 5 elements, got 4/],
    ['plain Array', (k) => k.unary(0, 2, [1, 2] as unknown as Float32Array, f(), 0, 0), TypeError, /^nodegrad\.unary: expected x to be a Float/],
    ['string alpha', (k) => k.unary(0, 2, f(), f(), '1' as unknown as number, 0), TypeError, /^nodegrad\.unary: expected alpha to be a number/],
    ['short gy', (k) => k.unaryBackward(7, 4, f(), f(), new Float32Array(3), f(), 0, 0), RangeError, /^nodegrad\.unaryBackward: expected gy to hold at least 4 elements, got 3/],
    ['detached x', (k) => {
      const x = f();
      structuredClone(x.buffer, { transfer: [x.buffer] });
      k.unary(0, 4, x, f(), 0, 0);
    }, TypeError, /^nodegrad\.unary: expected x to be a Float32Array, got one whose buffer is detached/],
  ];
  for (const [name, call, cls, msg] of cases) {
    it(name, () => {
      for (const k of [native, jsKernels]) {
        expect(() => call(k), k.name).toThrow(cls);
        expect(() => call(k), k.name).toThrow(msg);
      }
    });
  }
  it('Float64Array is refused natively', () => {
    expect(() => native.unary(0, 2, new Float64Array(2), new Float64Array(2), 0, 0)).toThrow(/^nodegrad\.unary: expected x to be a Float32Array, got Float64Array\(2\)/);
  });
});
