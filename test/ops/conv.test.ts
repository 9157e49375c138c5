import { describe, expect, it } from 'vitest';
import * as ng from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { rng } from '../helpers/rng.js';

const f64 = (shape: number[], seed: number) => {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return ng.tensor(Array.from({ length: n }, () => r.uniform(-1, 1)), { dtype: 'float64' }).reshape(shape).requiresGrad_();
};

describe('conv2d / conv1d ops', () => {
  it('gradcheck conv2d (stride, per-side padding, dilation, groups, bias) in float64', () => {
    const x = f64([2, 4, 5, 6], 1), w = f64([6, 2, 3, 2], 2), b = f64([6], 3);
    expect(ng.gradcheck((x, w, b) => ng.conv2d(x, w, b, { stride: [2, 1], padding: [1, 0, 0, 1], dilation: [1, 2], groups: 2 }), [x, w, b])).toBe(true);
    expect(ng.gradcheck((x, w) => ng.conv2d(x, w, null, { padding: 'same' }), [x, f64([3, 4, 3, 3], 4)])).toBe(true);
  });

  it('gradcheck conv1d in float64', () => {
    const x = f64([2, 3, 9], 5), w = f64([4, 3, 3], 6), b = f64([4], 7);
    expect(ng.gradcheck((x, w, b) => ng.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 }), [x, w, b])).toBe(true);
  });

  it('float32 (native) matches float64 (twin) forward and backward', () => {
    const x64 = f64([2, 3, 8, 7], 8), w64 = f64([5, 3, 3, 3], 9), b64 = f64([5], 10);
    const x32 = x64.to('float32').detach().requiresGrad_(), w32 = w64.to('float32').detach().requiresGrad_(), b32 = b64.to('float32').detach().requiresGrad_();
    const y64 = ng.conv2d(x64, w64, b64, { padding: 1, stride: 2 }), y32 = ng.conv2d(x32, w32, b32, { padding: 1, stride: 2 });
    expect(y32.shape).toEqual([2, 5, 4, 4]);
    ng.sum(ng.mul(y64, y64)).backward();
    ng.sum(ng.mul(y32, y32)).backward();
    const close = (a: Tensor, b: Tensor) => {
      const da = a.contiguous().storage, db = b.contiguous().storage;
      for (let i = 0; i < da.length; i++) expect(Math.abs(da[i] - db[i])).toBeLessThan(1e-4 * (1 + Math.abs(db[i])));
    };
    close(y32, y64);
    close(x32.grad!, x64.grad!);
    close(w32.grad!, w64.grad!);
    close(b32.grad!, b64.grad!);
  });

  it('bad arguments throw naming the parameter', () => {
    const x = ng.zeros([1, 2, 5, 5]), w = ng.zeros([4, 2, 3, 3]);
    expect(() => ng.conv2d(x, w, null, { stride: 0 })).toThrow(/^nodegrad\.conv2d: expected strideH/);
    expect(() => ng.conv2d(x, w, null, { padding: -1 })).toThrow(RangeError);
    expect(() => ng.conv2d(x, w, null, { groups: 2 })).toThrow(/^nodegrad\.conv2d: expected weight .*C\/groups/);
    expect(() => ng.conv2d(x, ng.zeros([4, 2, 7, 3]))).toThrow(/kernel height 7 .* padded input height 5/);
    expect(() => ng.conv2d(ng.zeros([2, 5, 5]), w)).toThrow(/expected x of shape \[N, C, H, W\]/);
    expect(() => ng.conv2d(x, w, ng.zeros([3]))).toThrow(/expected bias of shape \[4\]/);
    expect(() => ng.conv2d(x, w, null, { padding: 'full' as never })).toThrow(TypeError);
  });
});
