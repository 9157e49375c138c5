import { describe, expect, it } from 'vitest';
import * as ng from '../../lib/index.js';
import { rng } from '../helpers/rng.js';

const f64 = (shape: number[], seed: number, distinct = false) => {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  // Distinct values 0.01 apart keep max pooling away from ties (its non-differentiable points).
  const v = Array.from({ length: n }, (_, i) => (distinct ? ((i * 7919) % n) * 0.01 : r.uniform(-1, 1)));
  return ng.tensor(v, { dtype: 'float64' }).reshape(shape).requiresGrad_();
};

describe('pooling ops', () => {
  it('gradcheck maxPool2d (padding, dilation, ceil mode) in float64', () => {
    expect(ng.gradcheck((x) => ng.maxPool2d(x, 2), [f64([2, 2, 4, 6], 1, true)])).toBe(true);
    expect(ng.gradcheck((x) => ng.maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }), [f64([1, 2, 7, 8], 2, true)])).toBe(true);
  });

  it('gradcheck avgPool2d and adaptiveAvgPool2d in float64', () => {
    const x = f64([2, 2, 6, 5], 3);
    expect(ng.gradcheck((x) => ng.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x])).toBe(true);
    expect(ng.gradcheck((x) => ng.avgPool2d(x, [2, 3], { padding: 'same' }), [x])).toBe(true);
    expect(ng.gradcheck((x) => ng.adaptiveAvgPool2d(x, [4, 3]), [x])).toBe(true);
    expect(ng.gradcheck((x) => ng.adaptiveAvgPool2d(x, 1), [f64([2, 5, 3], 4)])).toBe(true);
  });

  it('shapes: batched and unbatched, TF SAME', () => {
    expect(ng.maxPool2d(ng.zeros([2, 3, 28, 28]), 2, { padding: 'same' }).shape).toEqual([2, 3, 14, 14]);
    expect(ng.maxPool2d(ng.zeros([3, 27, 27]), 2, { padding: 'same' }).shape).toEqual([3, 14, 14]);
    expect(ng.avgPool2d(ng.zeros([1, 1, 5, 5]), 2, { ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
    expect(ng.adaptiveAvgPool2d(ng.zeros([2, 4, 7, 7]), 1).shape).toEqual([2, 4, 1, 1]);
  });

  it('bad arguments throw naming the parameter', () => {
    const x = ng.zeros([1, 1, 4, 4]);
    expect(() => ng.maxPool2d(x, 2, { padding: 2 })).toThrow(/^nodegrad\.maxPool2d: expected padTop <= kh\/2/);
    expect(() => ng.maxPool2d(x, 0)).toThrow(/\bkh\b/);
    expect(() => ng.avgPool2d(x, 2, { stride: 0 })).toThrow(/strideH/);
    expect(() => ng.adaptiveAvgPool2d(x, 0)).toThrow(/outputSize/);
    expect(() => ng.maxPool2d(ng.zeros([4, 4]), 2)).toThrow(/expected x of shape/);
  });
});
