/**
 * Gradients of the JS twin's conv and pooling backward kernels against central finite differences in
 * float64 (TESTING.md §2.1 gradcheck: eps 1e-6, atol 1e-5, rtol 1e-3). The loss is L = Σ y ⊙ r for a
 * fixed random r, so ∂L/∂y = r is what each backward kernel receives.
 */
import { describe, expect, it } from 'vitest';
import { jsKernels as k } from '../../lib/backend/index.js';
import { conv2dGeometry } from '../../lib/backend/js/conv.js';
import { pool2dGeometry } from '../../lib/backend/js/pool.js';
import { rng } from '../helpers/rng.js';

const EPS = 1e-6, ATOL = 1e-5, RTOL = 1e-3;

/** Compares analytic with numeric ∂L/∂v[i] for every i, where loss() reads v. */
function gradcheck(label: string, v: Float64Array, analytic: Float64Array, loss: () => number): void {
  for (let i = 0; i < v.length; i++) {
    const saved = v[i];
    v[i] = saved + EPS;
    const up = loss();
    v[i] = saved - EPS;
    const down = loss();
    v[i] = saved;
    const numeric = (up - down) / (2 * EPS);
    if (Math.abs(numeric - analytic[i]) > ATOL + RTOL * Math.abs(numeric)) {
      throw new Error(`${label}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
    }
  }
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const rand = (n: number, seed: number) => Float64Array.from(rng(seed).f32(n));

type G16 = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

describe('conv2d backward kernels vs finite differences (JS twin, float64)', () => {
  const cases: [string, G16][] = [
    ['3×3 pad 1', [2, 3, 5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    ['stride 2, dilation 2, asymmetric pads', [1, 2, 7, 8, 3, 2, 3, 2, 2, 0, 1, 2, 0, 2, 1, 1]],
    ['groups 2', [2, 4, 5, 5, 6, 3, 2, 1, 2, 1, 0, 0, 1, 1, 1, 2]],
    ['depthwise', [1, 3, 6, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3]],
    ['conv1d (h = 1)', [2, 3, 1, 9, 2, 1, 3, 1, 2, 0, 0, 1, 1, 1, 1, 1]],
  ];
  for (const [name, g] of cases) {
    it(name, () => {
      const s = conv2dGeometry('test', ...g);
      const x = rand(s.xLength, 1), w = rand(s.weightLength, 2), b = rand(s.oc, 3), r = rand(s.yLength, 4);
      const y = new Float64Array(s.yLength);
      const loss = () => {
        k.conv2dForward(...g, x, w, b, y);
        return dot(y, r);
      };
      const dx = new Float64Array(s.xLength), dw = new Float64Array(s.weightLength), db = new Float64Array(s.oc);
      k.conv2dBackwardData(...g, r, w, dx);
      k.conv2dBackwardWeight(...g, x, r, dw);
      k.conv2dBackwardBias(s.n, s.oc, s.oh * s.ow, r, db);
      gradcheck('dx', x, dx, loss);
      gradcheck('dw', w, dw, loss);
      gradcheck('db', b, db, loss);
    });
  }
});

describe('pooling backward kernels vs finite differences (JS twin, float64)', () => {
  type M15 = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, boolean];
  const maxCases: [string, M15][] = [
    ['max 2×2/2', [1, 2, 6, 7, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, false]],
    ['max 3×3/1 pad 1 (overlapping)', [1, 2, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false]],
    ['max 3×2/2 dilation 2 ceil', [2, 1, 7, 8, 3, 2, 2, 2, 1, 0, 1, 1, 2, 2, true]],
  ];
  for (const [name, g] of maxCases) {
    it(name, () => {
      const s = pool2dGeometry('test', true, ...g);
      // Distinct values 0.01 apart: no ties, and a ±1e-6 step never changes an argmax.
      const perm = [...Array(s.xLength).keys()].map((i) => ((i * 7919) % s.xLength) * 0.01);
      const x = Float64Array.from(perm), r = rand(s.yLength, 5);
      const y = new Float64Array(s.yLength), idx = new Int32Array(s.yLength);
      const loss = () => {
        k.maxPool2dForward(...g, x, y, idx);
        return dot(y, r);
      };
      loss();
      const dx = new Float64Array(s.xLength);
      k.maxPool2dBackward(...g, r, idx, dx);
      gradcheck('dx', x, dx, loss);
    });
  }
  type A14 = [number, number, number, number, number, number, number, number, number, number, number, number, boolean, boolean];
  const avgCases: [string, A14][] = [
    ['avg 2×2/2', [1, 2, 6, 7, 2, 2, 2, 2, 0, 0, 0, 0, false, true]],
    ['avg 3×3/2 pad 1 ceil, count_include_pad', [2, 1, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, true, true]],
    ['avg 3×3/2 pad 1 ceil, without pad', [2, 1, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, true, false]],
  ];
  for (const [name, g] of avgCases) {
    it(name, () => {
      const s = pool2dGeometry('test', false, ...g.slice(0, 13));
      const x = rand(s.xLength, 6), r = rand(s.yLength, 7), y = new Float64Array(s.yLength);
      const loss = () => {
        k.avgPool2dForward(...g, x, y);
        return dot(y, r);
      };
      const dx = new Float64Array(s.xLength);
      k.avgPool2dBackward(...g, r, dx);
      gradcheck('dx', x, dx, loss);
    });
  }
  it('adaptive avg 7×9 → 3×4', () => {
    const x = rand(2 * 7 * 9, 8), r = rand(2 * 12, 9), y = new Float64Array(24);
    const loss = () => {
      k.adaptiveAvgPool2dForward(1, 2, 7, 9, 3, 4, x, y);
      return dot(y, r);
    };
    const dx = new Float64Array(x.length);
    k.adaptiveAvgPool2dBackward(1, 2, 7, 9, 3, 4, r, dx);
    gradcheck('dx', x, dx, loss);
  });
  it('the check can fail: a wrong gradient is caught', () => {
    const g: A14 = [1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0, false, true];
    const x = rand(16, 10), r = rand(4, 11), y = new Float64Array(4);
    const dx = new Float64Array(16);
    k.avgPool2dBackward(...g, r, dx);
    dx[3] *= 1.01;
    expect(() => gradcheck('dx', x, dx, () => (k.avgPool2dForward(...g, x, y), dot(y, r)))).toThrow(/dx\[3\]/);
  });
});
