/** The buffer pool: backward temporaries are recycled, and nothing the user holds is ever overwritten. */
import { describe, expect, it, vi } from 'vitest';
import * as ng from '../../lib/index.js';
import { clearPool, poolStats } from '../../lib/autograd/pool.js';

describe('buffer pool', () => {
  it('recycles backward buffers into the next step without touching held tensors', () => {
    clearPool();
    ng.manualSeed(3);
    const w = ng.randn([64, 48], { requiresGrad: true });
    const step = (seed: number) => {
      const x = ng.randn([32, 48], { generator: new ng.Generator(seed) });
      const h = ng.tanh(ng.linear(x, w));
      const loss = ng.sum(ng.mul(h, h));
      w.grad = null;
      loss.backward();
      return { h, grad: w.grad! };
    };
    const first = step(1);
    const heldH = Array.from(first.h.data), heldG = Array.from(first.grad.data);
    const second = step(2);
    step(3);
    expect(Array.from(first.h.data)).toEqual(heldH);
    expect(Array.from(first.grad.data)).toEqual(heldG);
    expect(second.grad.storage).not.toBe(first.grad.storage);
    expect(poolStats().reused).toBeGreaterThan(0);
    // The same step recomputed from scratch gives bitwise the same gradient.
    clearPool();
    expect(Array.from(step(1).grad.data)).toEqual(heldG);
  });

  it('a fresh backward gradient becomes the leaf gradient without a copy; a pass-through one is copied', () => {
    clearPool();
    const w = ng.randn([64, 48], { requiresGrad: true });
    const b = ng.randn([48], { requiresGrad: true });
    const x = ng.randn([32, 48]);
    const clones = vi.spyOn(ng.Tensor.prototype, 'clone');
    try {
      ng.sum(ng.linear(x, w)).backward();
      expect(clones).not.toHaveBeenCalled();
      // sum's backward hands out an expanded view of its upstream gradient: the leaf must own a copy.
      ng.sum(b).backward();
      expect(clones).toHaveBeenCalledTimes(1);
    } finally {
      clones.mockRestore();
    }
    const expected = ng.noGrad(() => ng.sum(x, 0, true).expand([64, 48]).contiguous());
    // Same sums, other summation order (GEMM): float32 rounding apart.
    w.grad!.data.forEach((v, i) => expect(Math.abs(v - expected.data[i])).toBeLessThan(1e-5 * (1 + Math.abs(v))));
    expect(Array.from(b.grad!.data)).toEqual(new Array(48).fill(1));
  });
});
