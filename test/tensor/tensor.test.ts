/** Tensor construction, views, conversion and printing. */
import { describe, expect, it } from 'vitest';
import * as ng from '../../lib/index.js';

describe('Tensor', () => {
  it('builds from nested arrays, typed arrays and numbers', () => {
    const t = ng.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(ng.tensor(Float64Array.from([1, 2, 3, 4]), { shape: [2, 2], dtype: 'float64' }).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(ng.tensor(7).item()).toBe(7);
    expect(ng.tensor(7).shape).toEqual([]);
    expect(() => ng.tensor([[1, 2], [3]])).toThrow(/^nodegrad\.tensor: expected a rectangular nested array/);
    expect(() => ng.tensor([1, 2], { shape: [3] })).toThrow(RangeError);
    expect(() => ng.tensor('x' as never)).toThrow(TypeError);
    expect(() => ng.tensor([1, 2]).item()).toThrow(/^nodegrad\.item: expected a tensor with one element/);
  });

  it('constructors: zeros, ones, full, arange, linspace, eye, *Like', () => {
    expect(ng.zeros(2, 3).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ng.ones([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(Array.from(ng.full([3], 2.5).data)).toEqual([2.5, 2.5, 2.5]);
    expect(Array.from(ng.arange(5).data)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(ng.arange(1, 2, 0.25).data)).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(ng.linspace(0, 1, 5).data)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(ng.eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    const like = ng.onesLike(ng.zeros([2, 2], { dtype: 'float64' }));
    expect(like.dtype).toBe('float64');
    expect(like.shape).toEqual([2, 2]);
    expect(() => ng.zeros([-1])).toThrow(/^nodegrad\.zeros: expected shape\[0\] >= 0/);
    expect(() => ng.arange(0, 1, 0)).toThrow(RangeError);
  });

  it('random constructors are reproducible with manualSeed and in range', () => {
    ng.manualSeed(42);
    const a = ng.randn([100]);
    const u = ng.rand(1000);
    const k = ng.randint(-2, 3, [1000]);
    ng.manualSeed(42);
    expect(Array.from(ng.randn([100]).data)).toEqual(Array.from(a.data));
    expect(Array.from(u.data).every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(k.data)).toEqual(new Set([-2, -1, 0, 1, 2]));
    const g = new ng.Generator(7);
    expect(Array.from(ng.rand([4], { generator: g }).data)).toEqual(Array.from(ng.rand([4], { generator: new ng.Generator(7) }).data));
  });

  it('views share storage; contiguous() copies only when needed', () => {
    const t = ng.arange(6).reshape(2, 3);
    const tt = t.T;
    expect(tt.storage).toBe(t.storage);
    expect(tt.isContiguous()).toBe(false);
    expect(tt.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(t.contiguous()).toBe(t);
    expect(tt.contiguous().isContiguous()).toBe(true);
    expect(t.slice(1, 0, 3, 2).toArray()).toEqual([[0, 2], [3, 5]]);
    expect(t.select(0, 1).toArray()).toEqual([3, 4, 5]);
    expect(t.unsqueeze(1).shape).toEqual([2, 1, 3]);
    expect(t.reshape(-1).shape).toEqual([6]);
    expect(ng.ones([3, 1]).expand(3, 4).strides).toEqual([1, 0]);
    expect(() => tt.view(6)).toThrow(/^nodegrad\.view: expected a contiguous tensor/);
    expect(tt.reshape(6).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(t.narrow(1, 1, 2).data).toEqual(Float32Array.from([1, 2, 4, 5]));
    ng.noGrad(() => t.select(0, 0).fill_(9));
    expect(t.toArray()).toEqual([[9, 9, 9], [3, 4, 5]]);
  });

  it('prints like PyTorch', () => {
    expect(ng.tensor([[1, 2], [3, 4]]).toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(ng.tensor([1.5, -0.25]).toString()).toBe('tensor([ 1.5000, -0.2500])');
    expect(ng.tensor([1e-5, 1]).toString()).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(ng.tensor([NaN, Infinity, 1]).toString()).toBe('tensor([nan, inf, 1.])');
    expect(ng.tensor(2, { dtype: 'float64', requiresGrad: true }).toString()).toBe('tensor(2., dtype=float64, requiresGrad=true)');
    expect(ng.mul(ng.tensor([1], { requiresGrad: true }), 2).toString()).toBe('tensor([2.], gradFn=<AffineBackward>)');
    expect(ng.zeros([0, 3]).toString()).toBe('tensor([], size=(0, 3))');
    expect(ng.arange(2000).toString()).toBe('tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.])');
  });
});

describe('matmul on plain arrays', () => {
  it('multiplies nested arrays and typed arrays like tensors', () => {
    expect(ng.matmul([[1, 2], [3, 4]], [[5], [6]]).toArray()).toEqual([[17], [39]]);
    const d = ng.matmul(Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6]));
    expect(d.dtype).toBe('float64');
    expect(d.item()).toBe(32);
  });
});

describe('oneHot, comparisons and NaN rules', () => {
  it('oneHot marks each index and infers the class count', () => {
    expect(ng.oneHot(ng.tensor([2, 0]), 4).toArray()).toEqual([[0, 0, 1, 0], [1, 0, 0, 0]]);
    expect(ng.oneHot(ng.tensor([[1], [2]])).shape).toEqual([2, 1, 3]);
    expect(() => ng.oneHot(ng.tensor([4]), 3)).toThrow(/^nodegrad\.oneHot: expected index\[0\] to be an integer in \[0, 2\], got 4/);
  });

  it('comparisons with NaN are false except ne; max/min propagate NaN', () => {
    const a = ng.tensor([NaN, 1]), b = ng.tensor([NaN, 1]);
    expect(Array.from(ng.eq(a, b).data)).toEqual([0, 1]);
    expect(Array.from(ng.ne(a, b).data)).toEqual([1, 0]);
    expect(Array.from(ng.lt(a, 2).data)).toEqual([0, 1]);
    expect(ng.maximum(a, ng.tensor([0, 0])).data[0]).toBeNaN();
    expect(ng.amax(a).item()).toBeNaN();
    expect(ng.argmax(ng.tensor([1, NaN, 3])).item()).toBe(1);
    expect(Array.from(ng.relu(ng.tensor([NaN, -0, -1])).data).map(String)).toEqual(['NaN', '0', '0']);
    expect(Array.from(ng.sigmoid(ng.tensor([-Infinity, Infinity])).data)).toEqual([0, 1]);
    expect(Array.from(ng.tanh(ng.tensor([-Infinity, Infinity])).data)).toEqual([-1, 1]);
    expect(Array.from(ng.softmax(ng.tensor([-Infinity, 0]), 0).data)).toEqual([0, 1]);
  });
});
