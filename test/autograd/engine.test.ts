/** T6 graph cases for the autograd engine (float64 on the JS backend unless stated). */
import { describe, expect, it } from 'vitest';
import * as ng from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';

const opts = { dtype: 'float64', requiresGrad: true } as const;
const arr = (t: Tensor | null) => Array.from(t!.data);

describe('autograd engine', () => {
  it('a tensor used twice gets both contributions (x*x, x+x)', () => {
    const x = ng.tensor([1.5, -2], opts);
    ng.sum(ng.mul(x, x)).backward();
    expect(arr(x.grad)).toEqual([3, -4]);
    const y = ng.tensor([1, 2], opts);
    ng.sum(ng.add(y, y)).backward();
    expect(arr(y.grad)).toEqual([2, 2]);
  });

  it('a diamond graph sums both paths', () => {
    const x = ng.tensor([0.5, 2], opts);
    const a = ng.mul(x, 3);
    const b = ng.exp(a);
    const c = ng.mul(a, a);
    ng.sum(ng.add(b, c)).backward();
    const expected = [0.5, 2].map((v) => 3 * Math.exp(3 * v) + 18 * v);
    arr(x.grad).forEach((g, i) => expect(g).toBeCloseTo(expected[i], 9));
  });

  it('an unused input keeps grad null; detach and noGrad cut the graph', () => {
    const x = ng.tensor([1, 2], opts);
    const unused = ng.tensor([3], opts);
    const d = ng.tensor([4, 5], opts);
    ng.sum(ng.add(ng.mul(x, 2), ng.mul(d.detach(), x))).backward();
    expect(unused.grad).toBeNull();
    expect(d.grad).toBeNull();
    expect(arr(x.grad)).toEqual([6, 7]);
    const y = ng.noGrad(() => ng.mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(ng.enableGrad(() => ng.noGrad(() => ng.enableGrad(() => ng.mul(x, 2)))).requiresGrad).toBe(true);
    expect(ng.isGradEnabled()).toBe(true);
  });

  it('accumulates over two backward calls, and zero_ resets under noGrad', () => {
    const x = ng.tensor([1, 2, 3], opts);
    const loss = ng.sum(ng.mul(x, x));
    loss.backward();
    loss.backward();
    expect(arr(x.grad)).toEqual([4, 8, 12]);
    ng.noGrad(() => x.grad!.zero_());
    expect(arr(x.grad)).toEqual([0, 0, 0]);
  });

  it('grads never alias each other (a + b gives two owned buffers)', () => {
    const a = ng.tensor([1, 2], opts), b = ng.tensor([3, 4], opts);
    ng.sum(ng.add(a, b)).backward();
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
  });

  it('non-scalar backward without a gradient throws; with one it works', () => {
    const x = ng.tensor([1, 2], opts);
    const y = ng.mul(x, 2);
    expect(() => y.backward()).toThrow(/^nodegrad\.backward: expected a gradient argument for a non-scalar tensor of shape \[2\]/);
    y.backward(ng.tensor([1, 10], { dtype: 'float64' }));
    expect(arr(x.grad)).toEqual([2, 20]);
    expect(() => ng.tensor([1]).backward()).toThrow(/^nodegrad\.backward: expected a tensor that requires grad/);
  });

  it('gradient dtype and shape equal the input, also through broadcasting', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const a = ng.ones([3, 1], { dtype, requiresGrad: true });
      const b = ng.ones([4], { dtype, requiresGrad: true });
      ng.sum(ng.mul(a, b)).backward();
      expect(a.grad!.shape).toEqual([3, 1]);
      expect(b.grad!.shape).toEqual([4]);
      expect(a.grad!.dtype).toBe(dtype);
      expect(arr(a.grad)).toEqual([4, 4, 4]);
      expect(arr(b.grad)).toEqual([3, 3, 3, 3]);
    }
  });

  it('leaf vs non-leaf: retainGrad keeps a non-leaf gradient', () => {
    const x = ng.tensor([1, 2], opts);
    const y = ng.mul(x, 3);
    y.retainGrad();
    const z = ng.mul(x, 4);
    ng.sum(ng.add(y, z)).backward();
    expect(x.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(arr(y.grad)).toEqual([1, 1]);
    expect(z.grad).toBeNull();
    expect(() => y.requiresGrad_(false)).toThrow(/^nodegrad\.requiresGrad_/);
    expect(ng.tensor([1]).requiresGrad_().requiresGrad).toBe(true);
  });

  it('in-place updates of a tensor requiring grad are refused outside noGrad', () => {
    const x = ng.tensor([1, 2], opts);
    expect(() => x.fill_(0)).toThrow(/^nodegrad\.fill_: expected a tensor that does not require grad/);
    ng.noGrad(() => x.fill_(3));
    expect(arr(x)).toEqual([3, 3]);
  });

  it('a 100,000-op chain backpropagates without overflowing the stack', () => {
    const x = ng.tensor([1], { requiresGrad: true, dtype: 'float64' });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = ng.mul(y, 1);
    y.backward();
    expect(arr(x.grad)).toEqual([1]);
  });

  it('a zero upstream gives zero gradients exactly; scaling by 2 scales exactly', () => {
    const x = ng.tensor([0.3, -1.2, 2.5], opts);
    const f = () => ng.tanh(ng.mul(ng.exp(x), x));
    f().backward(ng.zeros([3], { dtype: 'float64' }));
    expect(arr(x.grad)).toEqual([0, 0, 0]);
    x.grad = null;
    f().backward(ng.ones([3], { dtype: 'float64' }));
    const g1 = arr(x.grad);
    x.grad = null;
    f().backward(ng.full([3], 2, { dtype: 'float64' }));
    expect(arr(x.grad)).toEqual(g1.map((v) => 2 * v));
  });

  it('gradcheck reports a wrong backward', () => {
    const x = ng.tensor([0.5, 1.5], opts);
    // A function whose forward and gradient disagree: the output is detached and re-attached via mul by 0.
    const wrong = (t: Tensor) => ng.add(ng.mul(t, 0), ng.exp(t.detach()));
    expect(() => ng.gradcheck(wrong, [x])).toThrow(/^nodegrad\.gradcheck: Jacobian mismatch/);
    expect(ng.gradcheck(wrong, [x], { raiseException: false })).toBe(false);
    expect(ng.gradcheck((t) => ng.exp(t), [x])).toBe(true);
  });
});
