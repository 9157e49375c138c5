/**
 * Per-element comparison against a float64 reference (TESTING.md §2.0). NaN must match NaN and ±Inf must
 * match exactly; the failure message names the worst element, its bound, the ratio and the seed.
 */
import { testSeed } from './rng.js';

export type Bound = number | ((i: number) => number);

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, bound: Bound, label = ''): void {
  const message = closeMismatch(actual, expected, bound);
  if (message !== null) {
    throw new Error(`${label ? label + ': ' : ''}${message} (seed ${testSeed()}; replay with NODEGRAD_SEED)`);
  }
}

/** null when every element is within its bound, otherwise a description of the worst element. */
export function closeMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, bound: Bound): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != expected ${expected.length}`;
  let worst = -1;
  let worstRatio = 1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) return `element ${i}: got ${a}, expected ${e} (NaN must match NaN)`;
      continue;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) return `element ${i}: got ${a}, expected ${e} (infinities must match exactly)`;
      continue;
    }
    const b = typeof bound === 'number' ? bound : bound(i);
    const err = Math.abs(a - e);
    const ratio = b > 0 ? err / b : err === 0 ? 0 : Infinity;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worst < 0) return null;
  const b = typeof bound === 'number' ? bound : bound(worst);
  return `element ${worst}: got ${actual[worst]}, expected ${expected[worst]}, |error| ${Math.abs(actual[worst] - expected[worst])} > bound ${b} (ratio ${worstRatio.toExponential(3)})`;
}

/** Bitwise equality of two float arrays after rounding the reference to float32 (exact-mode tests). */
export function expectBitwise(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ''): void {
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = Math.fround(actual[i]);
    const e = Math.fround(expected[i]);
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    throw new Error(`${label ? label + ': ' : ''}element ${i}: got ${a}, expected exactly ${e} (seed ${testSeed()})`);
  }
}

/** fp32 machine epsilon 2^-23. */
export const EPS32 = 2 ** -23;
