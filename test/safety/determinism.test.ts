/**
 * T11/T12 for every binding case (cases.ts): bitwise identical results for every thread count and on
 * repeated calls, and the FP environment untouched afterwards (MXCSR/FPCR control bits, subnormals and
 * round-to-nearest-even as seen from JS).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nativeAddon } from '../../lib/backend/native.js';
import { rng } from '../helpers/rng.js';
import { type Addon, bindingCases, digest, runCase } from './cases.js';

const native = nativeAddon()!;
const addon = native as unknown as Addon;
const initialThreads = native.getNumThreads();
afterAll(() => native.setNumThreads(initialThreads));

// Values JS must not constant-fold, so the checks run on the FPU at test time.
const v = JSON.parse('{"minNormal": 2.2250738585072014e-308, "half": 0.5, "u53": 1.1102230246251565e-16, "u52": 2.220446049250313e-16, "f32min": 1.401298464324817e-45}');

/** What JS arithmetic must still do after native code ran; empty when all holds. */
function jsFloatViolations(): string[] {
  const out: string[] = [];
  if (!(v.minNormal * v.half > 0)) out.push('subnormal results are flushed to zero');
  if (!(v.minNormal * v.half * 2 === v.minNormal)) out.push('subnormal inputs are treated as zero');
  if (!(Math.fround(v.f32min) > 0)) out.push('float32 subnormals are flushed');
  if (!(1 + v.u53 === 1)) out.push('1 + 2^-53 != 1: rounding is not to nearest-even (upward?)');
  if (!(1 + 1.5 * v.u53 === 1 + v.u52)) out.push('1 + 1.5*2^-53 != 1 + 2^-52: rounding is not to nearest (down or toward zero?)');
  if (!(-1 - 1.5 * v.u53 === -1 - v.u52)) out.push('-1 - 1.5*2^-53 != -1 - 2^-52: rounding is not to nearest');
  return out;
}

describe('determinism across thread counts {1, 2, 3, 4, 8} and repeated calls', () => {
  for (const c of bindingCases) {
    it(c.label, () => {
      let ref: string | undefined;
      for (const threads of [1, 2, 3, 4, 8]) {
        native.setNumThreads(threads);
        for (let rep = 0; rep < 2; rep++) {
          const d = digest(runCase(addon, c, c.args(rng(31), true)));
          ref ??= d;
          expect(d, `threads ${threads}, repetition ${rep}`).toBe(ref);
        }
      }
    });
  }
});

describe('FP environment untouched by native calls', () => {
  it('holds before any call', () => {
    expect(jsFloatViolations()).toEqual([]);
  });
  for (const c of bindingCases) {
    it(c.label, () => {
      for (const threads of [1, 2]) {
        native.setNumThreads(threads);
        const before = native.fpControl();
        runCase(addon, c, c.args(rng(32), true));
        runCase(addon, c, c.args(rng(33), false));
        expect(native.fpControl(), `FP control bits changed (threads ${threads})`).toBe(before);
        expect(jsFloatViolations()).toEqual([]);
      }
    });
  }
  it('fpControl reports round-to-nearest with no flush-to-zero', () => {
    const bits = native.fpControl();
    if (process.arch === 'x64') {
      expect(bits & 0x8040, 'MXCSR FTZ/DAZ').toBe(0);
      expect(bits & 0x6000, 'MXCSR rounding control').toBe(0);
    } else if (process.arch === 'arm64') {
      expect(bits & (1 << 24), 'FPCR.FZ').toBe(0);
      expect(bits & (3 << 22), 'FPCR.RMode').toBe(0);
    }
  });
});
