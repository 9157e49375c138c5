import { describe, expect, it } from 'vitest';
import { BinaryOp } from '../../lib/backend/kernels/elementwise.js';
import { cpuInfo, jsKernels, nativeKernels, type Kernels } from '../../lib/backend/index.js';
import { isaReportsPerThreadCount } from '../helpers/child.js';
import { Rng, testSeed } from '../helpers/rng.js';
import { BINARY_CASES, LAYOUTS, SHAPES, compareBinary, compareBinaryBackward, compareMoves } from './elementwise_binary_cases.js';

const native = nativeKernels!;

describe('native binary / binaryBackward vs the JS twin in float64', () => {
  for (const [ci, c] of BINARY_CASES.entries()) {
    it(`${c.name}: every layout pair over shapes straddling the SIMD widths`, () => {
      const r = new Rng(testSeed(ci));
      const errors: string[] = [];
      for (const shape of SHAPES) {
        for (const la of LAYOUTS) for (const lb of LAYOUTS) errors.push(...compareBinary(native, jsKernels, c, shape, la, lb, r));
      }
      expect(errors.slice(0, 5)).toEqual([]);
    });

    it(`${c.name}: backward for lengths 0..33, 1000, 4097, with ga and/or gb`, () => {
      const r = new Rng(testSeed(50 + ci));
      const errors: string[] = [];
      for (const n of [...Array.from({ length: 34 }, (_, i) => i), 1000, 4097]) {
        for (const w of ['both', 'a', 'b'] as const) errors.push(...compareBinaryBackward(native, jsKernels, c, n, r, w));
      }
      expect(errors.slice(0, 5)).toEqual([]);
    });
  }

  it('maximum/minimum: NaN wins, +0 beats -0 in maximum and -0 in minimum, at every lane', () => {
    for (let p = 0; p < 33; p++) {
      const a = new Float32Array(33).fill(0), b = new Float32Array(33).fill(-0);
      a[p] = NaN;
      const mx = new Float32Array(33), mn = new Float32Array(33);
      native.binary(BinaryOp.MAXIMUM, [33], a, 0, [1], b, 0, [1], mx, 0);
      native.binary(BinaryOp.MINIMUM, [33], b, 0, [1], a, 0, [1], mn, 0);
      expect(Number.isNaN(mx[p]) && Number.isNaN(mn[p])).toBe(true);
      for (let i = 0; i < 33; i++) {
        if (i === p) continue;
        expect(Object.is(mx[i], 0) && Object.is(mn[i], -0)).toBe(true);
      }
    }
  });

  it('works in place (out === a)', () => {
    const r = new Rng(testSeed(7));
    const a = r.f32(1001, -5, 5), b = r.f32(1001, -5, 5);
    const want = new Float32Array(1001);
    native.binary(BinaryOp.MUL, [1001], a, 0, [1], b, 0, [1], want, 1);
    native.binary(BinaryOp.MUL, [1001], a, 0, [1], b, 0, [1], a, 1);
    expect(Buffer.from(a.buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });
});

describe('native where / stridedCopy vs the JS twin: bitwise', () => {
  it('every layout pair over shapes straddling the SIMD widths', () => {
    const r = new Rng(testSeed(90));
    const errors: string[] = [];
    for (const shape of SHAPES) for (const la of LAYOUTS) for (const lb of LAYOUTS) errors.push(...compareMoves(native, jsKernels, shape, la, lb, r));
    expect(errors.slice(0, 5)).toEqual([]);
  });

  it('stridedCopy keeps NaN payloads and leaves elements outside the strided view alone', () => {
    const x = new Float32Array(new Uint32Array([0x7fc00001, 0xffc00002, 0x7f800000, 0x80000000]).buffer);
    const out = new Float32Array(9).fill(5);
    native.stridedCopy([2, 2], x, 0, [2, 1], out, 1, [4, 2]);
    const bits = new Uint32Array(out.buffer);
    expect([bits[1], bits[3], bits[5], bits[7]]).toEqual([0x7fc00001, 0xffc00002, 0x7f800000, 0x80000000]);
    expect([out[0], out[2], out[4], out[6], out[8]]).toEqual([5, 5, 5, 5, 5]);
  });
});

describe('native binary family on every ISA of this CPU, 1 and 2 threads (child processes)', () => {
  for (const isa of cpuInfo().available) {
    it(`${isa}: within bounds of the twin, bitwise the same on 1 and 2 threads`, () => {
      const outs = isaReportsPerThreadCount('./test/kernels/elementwise_binary_cases.ts', isa);
      for (const out of outs) {
        expect(out.isa).toBe(isa);
        expect(out.errors).toEqual([]);
      }
      expect(outs[1].prints).toEqual(outs[0].prints);
    });
  }
});

describe('native binary family rejects bad input as the JS twin does', () => {
  const f = (n = 4) => new Float32Array(n);
  const bin = (k: Kernels, shape: unknown, aStrides: unknown = [1], extra: Partial<{ op: unknown; a: unknown; aOffset: unknown; out: unknown; alpha: unknown }> = {}) =>
    k.binary((extra.op ?? 0) as number, shape as number[], (extra.a ?? f()) as Float32Array, (extra.aOffset ?? 0) as number, aStrides as number[], f(), 0, [1], (extra.out ?? f()) as Float32Array, (extra.alpha ?? 1) as number);
  const cases: Array<[string, (k: Kernels) => void, typeof TypeError | typeof RangeError, RegExp]> = [
    ['op out of range', (k) => bin(k, [4], [1], { op: 17 }), RangeError, /^nodegrad\.binary: expected op to be an integer in \[0, 16\], got 17/],
    ['op not a number', (k) => bin(k, [4], [1], { op: 'add' }), TypeError, /^nodegrad\.binary: expected op to be an integer op code, got a string/],
    ['shape not an Array', (k) => bin(k, new Int32Array([4])), TypeError, /^nodegrad\.binary: expected shape to be an Array of integers, got Int32Array\(1\)/],
    ['rank 9', (k) => bin(k, [1, 1, 1, 1, 1, 1, 1, 1, 4], [0, 0, 0, 0, 0, 0, 0, 0, 1]), RangeError, /^nodegrad\.binary: expected shape to have at most 8 dims, got 9/],
    ['fractional dim', (k) => bin(k, [2.5]), RangeError, /^nodegrad\.binary: expected shape\[0\] to be an integer in \[0, 9007199254740991\], got 2.5/],
    ['string dim', (k) => bin(k, ['4']), TypeError, /^nodegrad\.binary: expected shape\[0\] to be an integer, got a string/],
    ['shape product overflows', (k) => bin(k, [2 ** 31, 2 ** 31, 4], [0, 0, 0]), RangeError, /^nodegrad\.binary: product\(shape\) overflows/],
    ['strides of the wrong rank', (k) => bin(k, [2, 2], [1]), RangeError, /^nodegrad\.binary: expected aStrides to have 2 entries, got 1/],
    ['negative stride', (k) => bin(k, [4], [-1]), RangeError, /^nodegrad\.binary: expected aStrides\[0\] to be an integer/],
    ['strides not an Array', (k) => bin(k, [4], null), TypeError, /^nodegrad\.binary: expected aStrides to be an Array of integers, got null/],
    ['a too short for its strides', (k) => bin(k, [4], [2]), RangeError, /^nodegrad\.binary: expected a to hold at least 7 elements, got 4/],
    ['a too short for its offset', (k) => bin(k, [4], [1], { aOffset: 1 }), RangeError, /^nodegrad\.binary: expected a to hold at least 5 elements, got 4/],
    ['extent overflows', (k) => bin(k, [3], [2 ** 52]), RangeError, /^nodegrad\.binary: a extent overflows/],
    ['short out', (k) => bin(k, [4], [1], { out: f(3) }), RangeError, /^nodegrad\.binary: expected out to hold at least 4 elements, got 3/],
    ['string alpha', (k) => bin(k, [4], [1], { alpha: '1' }), TypeError, /^nodegrad\.binary: expected alpha to be a number/],
    ['plain Array operand', (k) => bin(k, [2], [1], { a: [1, 2] }), TypeError, /^nodegrad\.binary: expected a to be a Float/],
    ['backward: undefined ga', (k) => k.binaryBackward(2, 4, f(), f(), f(), f(), undefined as unknown as null, null, 1), TypeError, /^nodegrad\.binaryBackward: expected ga to be a Float/],
    ['backward: short gb', (k) => k.binaryBackward(2, 4, f(), f(), f(), f(), null, f(3), 1), RangeError, /^nodegrad\.binaryBackward: expected gb to hold at least 4 elements, got 3/],
    ['backward: short gy', (k) => k.binaryBackward(2, 4, f(), f(), f(), f(2), null, null, 1), RangeError, /^nodegrad\.binaryBackward: expected gy to hold at least 4 elements, got 2/],
    ['where: short cond', (k) => k.where([4], f(3), 0, [1], f(), 0, [1], f(), 0, [1], f()), RangeError, /^nodegrad\.where: expected cond to hold at least 4 elements, got 3/],
    ['where: bad bOffset', (k) => k.where([4], f(), 0, [1], f(), 0, [1], f(), -1, [1], f()), RangeError, /^nodegrad\.where: expected bOffset to be an integer/],
    ['stridedCopy: out too short', (k) => k.stridedCopy([2, 2], f(), 0, [2, 1], f(), 0, [2, 2]), RangeError, /^nodegrad\.stridedCopy: expected out to hold at least 5 elements, got 4/],
    ['stridedCopy: detached x', (k) => {
      const x = f();
      structuredClone(x.buffer, { transfer: [x.buffer] });
      k.stridedCopy([4], x, 0, [1], f(), 0, [1]);
    }, TypeError, /^nodegrad\.stridedCopy: expected x to be a Float32Array, got one whose buffer is detached/],
  ];
  for (const [name, call, cls, msg] of cases) {
    it(name, () => {
      for (const k of [native, jsKernels]) {
        expect(() => call(k), k.name).toThrow(cls);
        expect(() => call(k), k.name).toThrow(msg);
      }
    });
  }

  it('a getter in a strides Array that detaches a buffer cannot get past the checks', () => {
    const a = f();
    const strides: number[] = [];
    Object.defineProperty(strides, 0, { get: () => (structuredClone(a.buffer, { transfer: [a.buffer] }), 1), enumerable: true });
    expect(() => native.binary(0, [4], a, 0, strides, f(), 0, [1], f(), 1)).toThrow(/^nodegrad\.binary: expected a to be a Float32Array, got one whose buffer is detached/);
  });

  it('Float64Array is refused natively', () => {
    expect(() => native.binary(0, [2], new Float64Array(2), 0, [1], f(2), 0, [1], f(2), 1)).toThrow(/^nodegrad\.binary: expected a to be a Float32Array, got Float64Array\(2\)/);
  });
});
