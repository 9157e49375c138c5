import { describe, expect, it } from 'vitest';
import { cpuInfo, jsKernels, nativeKernels, type FloatArray, type Kernels } from '../../lib/backend/index.js';
import { isaReportsPerThreadCount } from '../helpers/child.js';
import { expectClose } from '../helpers/close.js';
import { CASES, expectRelative, kernelStep, makeState, reference, threeSteps } from './optim_cases.js';

const native = nativeKernels!;

describe('optimizer kernels vs a float64 hand-written update (3 steps, relative error <= 1e-6)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const n = 4097;
      const want = reference(c, n);
      expectRelative(threeSteps(native, c, n, (m) => new Float32Array(m)), want, 1e-6, 'native');
      expectRelative(threeSteps(jsKernels, c, n, (m) => new Float32Array(m)), want, 1e-6, 'js float32');
      expectRelative(threeSteps(jsKernels, c, n, (m) => new Float64Array(m)), want, 1e-12, 'js float64');
    });
  }

  it('every length around the SIMD widths, and NaN/Inf propagate as on the JS twin', () => {
    for (const c of CASES) {
      for (const n of [0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33]) {
        expectRelative(threeSteps(native, c, n, (m) => new Float32Array(m)), reference(c, n), 1e-6, `${c.name} n=${n}`);
      }
      const n = 40;
      const run = (k: Kernels, make: (n: number) => FloatArray) => {
        const p = make(n), g = make(n);
        for (let i = 0; i < n; i++) [p[i], g[i]] = [0.5, 0.25];
        [p[3], g[5], g[17], p[20], g[33]] = [Infinity, NaN, Infinity, NaN, -Infinity];
        const s = makeState(c, n, make);
        kernelStep(k, c, p, g, s, 1);
        kernelStep(k, c, p, g, s, 2);
        return p;
      };
      const got = run(native, (m) => new Float32Array(m));
      const want = run(jsKernels, (m) => new Float64Array(m));
      expectClose(got, want, (i) => 1e-6 * Math.abs(want[i]), c.name);
    }
  });
});

describe('optimizer kernels on every ISA of this CPU, 1 and 2 threads (child processes)', () => {
  for (const isa of cpuInfo().available) {
    it(`${isa}: within 1e-6 of the float64 reference, bitwise the same on 1 and 2 threads`, () => {
      const outs = isaReportsPerThreadCount('./test/kernels/optim_cases.ts', isa);
      for (const out of outs) {
        expect(out.isa).toBe(isa);
        expect(out.errors).toEqual([]);
      }
      expect(outs[1].prints).toEqual(outs[0].prints);
    });
  }
});

describe('optimizer kernels reject bad input the same way on both backends', () => {
  const n = 8;
  const f32 = () => new Float32Array(n);
  const bad: Array<[string, (k: Kernels) => void, typeof TypeError | typeof RangeError, RegExp]> = [
    ['missing argument', (k) => (k.sgdUpdate as unknown as (...a: unknown[]) => void)(f32(), f32(), null, false, 0.1, 0, 0, 0, false),
      TypeError, /^nodegrad\.sgdUpdate: expected 10 arguments, got 9/],
    ['plain Array', (k) => k.sgdUpdate(f32(), [1, 2] as unknown as Float32Array, null, false, 0.1, 0, 0, 0, false, false),
      TypeError, /^nodegrad\.sgdUpdate: expected grad to be a Float32Array/],
    ['null parameter', (k) => k.adamUpdate(null as unknown as Float32Array, f32(), f32(), f32(), null, 1, 0.1, 0.9, 0.999, 1e-8, 0, false, false),
      TypeError, /^nodegrad\.adamUpdate: expected p to be a Float32Array/],
    ['short state', (k) => k.adamUpdate(f32(), f32(), new Float32Array(n - 1), f32(), null, 1, 0.1, 0.9, 0.999, 1e-8, 0, false, false),
      RangeError, /^nodegrad\.adamUpdate: expected m to hold 8 elements/],
    ['step 0', (k) => k.adagradUpdate(f32(), f32(), f32(), 0, 0.1, 0, 1e-10, 0, false), RangeError, /^nodegrad\.adagradUpdate: expected step to be an integer in \[1, /],
    ['step 1.5', (k) => k.adamUpdate(f32(), f32(), f32(), f32(), null, 1.5, 0.1, 0.9, 0.999, 1e-8, 0, false, false),
      RangeError, /^nodegrad\.adamUpdate: expected step to be an integer/],
    ['NaN lr', (k) => k.rmspropUpdate(f32(), f32(), f32(), null, null, NaN, 0.99, 1e-8, 0, 0, false), RangeError, /^nodegrad\.rmspropUpdate: expected lr to be finite/],
    ['string eps', (k) => k.rmspropUpdate(f32(), f32(), f32(), null, null, 0.1, 0.99, '1e-8' as unknown as number, 0, 0, false),
      TypeError, /^nodegrad\.rmspropUpdate: expected eps to be a number/],
    ['number for a boolean', (k) => k.sgdUpdate(f32(), f32(), null, 0 as unknown as boolean, 0.1, 0, 0, 0, false, false),
      TypeError, /^nodegrad\.sgdUpdate: expected first to be a boolean/],
    ['overlapping state', (k) => {
      const buf = new Float32Array(2 * n);
      k.adamUpdate(buf.subarray(0, n), f32(), buf.subarray(n - 1, 2 * n - 1), f32(), null, 1, 0.1, 0.9, 0.999, 1e-8, 0, false, false);
    }, RangeError, /^nodegrad\.adamUpdate: expected p and m not to overlap/],
    ['grad aliasing p', (k) => { const p = f32(); k.adagradUpdate(p, p, f32(), 1, 0.1, 0, 1e-10, 0, false); },
      RangeError, /^nodegrad\.adagradUpdate: expected p and grad not to overlap/],
    ['detached buffer', (k) => {
      const g = f32();
      structuredClone(g.buffer, { transfer: [g.buffer] });
      k.sgdUpdate(f32(), g, null, false, 0.1, 0, 0, 0, false, false);
    }, TypeError, /^nodegrad\.sgdUpdate: expected grad to be a Float32Array, got one whose buffer is detached/],
  ];
  for (const [name, call, cls, msg] of bad) {
    it(name, () => {
      for (const k of [native, jsKernels]) {
        expect(() => call(k), k.name).toThrow(cls);
        expect(() => call(k), k.name).toThrow(msg);
      }
      // The process survives and the next valid call is right.
      const p = new Float32Array([1, 2]);
      native.sgdUpdate(p, new Float32Array([1, 1]), null, false, 0.5, 0, 0, 0, false, false);
      expect(Array.from(p)).toEqual([0.5, 1.5]);
    });
  }

  it('Float64Array: only the JS twin takes it, and all arrays must share p\'s kind there', () => {
    const d = () => new Float64Array(n);
    expect(() => native.adagradUpdate(d(), d(), d(), 1, 0.1, 0, 1e-10, 0, false)).toThrow(/^nodegrad\.adagradUpdate: expected p to be a Float32Array, got Float64Array\(8\)/);
    expect(() => jsKernels.adagradUpdate(d(), d(), d(), 1, 0.1, 0, 1e-10, 0, false)).not.toThrow();
    expect(() => jsKernels.adagradUpdate(d(), f32(), d(), 1, 0.1, 0, 1e-10, 0, false)).toThrow(/^nodegrad\.adagradUpdate: expected grad to be a Float64Array like p, got Float32Array\(8\)/);
  });
});
