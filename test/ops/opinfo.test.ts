/**
 * Generic suites over the op table (test/opinfo.ts): gradcheck in float64 on the JS backend, float32
 * (current backend) vs float64 JS reference for outputs and gradients, non-contiguous inputs bitwise equal (on both backends)
 * to contiguous ones, zero-size dims, repeated runs bitwise identical, NaN propagation and bad inputs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ng from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { opInfos, type OpInfo } from '../opinfo.js';
import { EPS32, expectClose } from '../helpers/close.js';
import { rng, type Rng } from '../helpers/rng.js';

const nativeAvailable = ng.nativeUnavailableReason() === null;
afterEach(() => ng.setBackend(nativeAvailable ? 'native' : 'js'));
const backends = nativeAvailable ? (['native', 'js'] as const) : (['js'] as const);

function sampleValues(info: OpInfo, shapes: number[][], r: Rng): number[][] {
  return shapes.map((s, i) => Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => Math.fround((info.value ?? ((q) => q.uniform(-2, 2)))(r, i))));
}

function diffMask(info: OpInfo, n: number): boolean[] {
  const d = info.differentiable ?? true;
  return typeof d === 'boolean' ? new Array<boolean>(n).fill(d) : d;
}

function build(info: OpInfo, shapes: number[][], values: number[][], dtype: ng.DType, grad: boolean): Tensor[] {
  const mask = diffMask(info, shapes.length);
  return shapes.map((s, i) => ng.tensor(values[i], { shape: s, dtype, requiresGrad: grad && mask[i] }));
}

/** Output and input gradients of Σ out·w for a fixed seeded w. */
function run(info: OpInfo, inputs: Tensor[], seed: number): { out: Tensor; grads: (Float32Array | Float64Array | null)[] } {
  const out = info.fn(...inputs);
  if (out.requiresGrad) {
    const r = rng(seed);
    const w = ng.tensor(Array.from({ length: out.numel }, () => Math.fround(r.uniform(-1, 1))), { shape: out.shape.slice(), dtype: out.dtype });
    ng.sum(ng.mul(out, w)).backward();
  }
  return { out, grads: inputs.map((t) => (t.grad ? t.grad.data.slice() : null)) };
}

/** The same values as a non-contiguous view: reversed-dim permutation of a transposed copy, or a step-2 slice. */
function nonContiguous(t: Tensor): Tensor {
  let v: Tensor;
  if (t.ndim >= 2) {
    const dims = t.shape.map((_, i) => t.ndim - 1 - i);
    v = ng.permute(ng.permute(t.detach(), dims).contiguous(), dims);
  } else if (t.ndim === 1) {
    v = ng.slice(ng.stack([t.detach(), ng.zerosLike(t)], 1).reshape([-1]), 0, 0, undefined, 2);
  } else {
    v = t.detach().clone();
  }
  const leaf = new ng.Tensor(v.storage, v.shape, v.strides, v.offset);
  leaf.requiresGrad = t.requiresGrad;
  return leaf;
}

function bitwise(a: ArrayLike<number>, b: ArrayLike<number>, label: string): void {
  expect(a.length, label).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) throw new Error(`${label}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

function bound(tol: number, ref: ArrayLike<number>): (i: number) => number {
  let max = 0;
  for (let i = 0; i < ref.length; i++) if (Number.isFinite(ref[i])) max = Math.max(max, Math.abs(ref[i]));
  return (i) => tol * EPS32 * (max + Math.abs(ref[i]));
}

describe.each(opInfos)('op $name', (info) => {
  it.runIf(info.differentiable !== false && info.samples.length > 0)('gradcheck in float64 on the JS backend', () => {
    ng.setBackend('js');
    info.samples.forEach((shapes, k) => {
      const inputs = build(info, shapes, sampleValues(info, shapes, rng(k)), 'float64', true);
      expect(ng.gradcheck(info.fn, inputs), `sample ${k}`).toBe(true);
    });
  });

  it.runIf(info.samples.length > 0)('float32 on the current backend matches the float64 JS reference', () => {
    info.samples.forEach((shapes, k) => {
      const values = sampleValues(info, shapes, rng(k));
      const lo = run(info, build(info, shapes, values, 'float32', true), 100 + k);
      const hi = run(info, build(info, shapes, values, 'float64', true), 100 + k);
      expect(lo.out.shape).toEqual(hi.out.shape);
      const tol = info.tol ?? 16;
      if (tol === 0) bitwise(lo.out.data, Float32Array.from(hi.out.data), `sample ${k} output`);
      else expectClose(lo.out.data, hi.out.data, bound(tol, hi.out.data), `sample ${k} output`);
      lo.grads.forEach((g, i) => {
        const ref = hi.grads[i];
        expect(g === null, `sample ${k} grad ${i} presence`).toBe(ref === null);
        if (g !== null && ref !== null) expectClose(g, ref, bound(4 * Math.max(tol, 16), ref), `sample ${k} grad ${i}`);
      });
    });
  });

  // On both backends: a user without the addon runs the JS twin, which must not depend on layout either.
  it.runIf(info.samples.length > 0).each(backends)('non-contiguous inputs give bitwise the same output and gradients (%s)', (b) => {
    ng.setBackend(b);
    info.samples.forEach((shapes, k) => {
      const values = sampleValues(info, shapes, rng(k));
      const a = run(info, build(info, shapes, values, 'float32', true), 7);
      const b = run(info, build(info, shapes, values, 'float32', true).map(nonContiguous), 7);
      bitwise(b.out.data, a.out.data, `sample ${k} output`);
      a.grads.forEach((g, i) => g && bitwise(b.grads[i]!, g, `sample ${k} grad ${i}`));
    });
  });

  it.runIf(info.samples.length > 0).each(backends)('expanded (stride-0) inputs give bitwise the same as contiguous copies (%s)', (b) => {
    ng.setBackend(b);
    info.samples.forEach((shapes, k) => {
      // Make every input constant along dim 0, then feed it once dense and once as a broadcast view.
      const values = sampleValues(info, shapes, rng(k)).map((v, i) => {
        const row = shapes[i].slice(1).reduce((a, b) => a * b, 1);
        return v.map((_, j) => v[j % row]);
      });
      const a = run(info, build(info, shapes, values, 'float32', true), 8);
      const views = build(info, shapes, values, 'float32', true).map((t) => {
        if (t.ndim === 0 || t.shape[0] < 2) return t;
        const row = ng.tensor(t.data.slice(0, t.numel / t.shape[0]), { shape: [1, ...t.shape.slice(1)] });
        const v = ng.expand(row, t.shape);
        const leaf = new ng.Tensor(v.storage, v.shape, v.strides, v.offset);
        leaf.requiresGrad = t.requiresGrad;
        return leaf;
      });
      const b = run(info, views, 8);
      bitwise(b.out.data, a.out.data, `sample ${k} output`);
      a.grads.forEach((g, i) => g && bitwise(b.grads[i]!, g, `sample ${k} grad ${i}`));
    });
  });

  it.runIf(info.samples.length > 0)('repeated runs are bitwise identical', () => {
    const shapes = info.samples[0];
    const values = sampleValues(info, shapes, rng(3));
    const a = run(info, build(info, shapes, values, 'float32', true), 9);
    const b = run(info, build(info, shapes, values, 'float32', true), 9);
    bitwise(b.out.data, a.out.data, 'output');
    a.grads.forEach((g, i) => g && bitwise(b.grads[i]!, g, `grad ${i}`));
  });

  it.runIf(info.zeroSize !== undefined)('handles zero-size dims', () => {
    const z = info.zeroSize!;
    for (const dtype of ['float32', 'float64'] as const) {
      const inputs = build(info, z.shapes, sampleValues(info, z.shapes, rng(5)), dtype, true);
      const { out, grads } = run(info, inputs, 11);
      expect(out.shape).toEqual(z.out);
      grads.forEach((g, i) => g && expect(g.length).toBe(inputs[i].numel));
    }
  });

  it.runIf(info.nanPropagates === true)('NaN in the first element gives NaN in the first output element', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const shapes = info.samples[0];
      const values = sampleValues(info, shapes, rng(6));
      values[0][0] = NaN;
      const out = info.fn(...build(info, shapes, values, dtype, false));
      expect(out.data[0]).toBeNaN();
    }
  });

  it.runIf((info.errors ?? []).length > 0)('rejects bad inputs with nodegrad.<op> messages', () => {
    for (const e of info.errors!) {
      expect(e.call).toThrow(e.cls);
      expect(e.call).toThrow(e.message);
    }
  });
});

it('the op table covers every exported differentiable op family', () => {
  const names = new Set(opInfos.map((o) => o.name));
  for (const n of ['add', 'matmul', 'linear', 'softmax', 'logSoftmax', 'gather', 'indexSelect', 'pad', 'cat']) expect(names.has(n)).toBe(true);
});
