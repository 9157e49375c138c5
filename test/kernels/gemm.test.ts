import { describe, expect, it } from 'vitest';
import { jsKernels, nativeKernels } from '../../lib/backend/index.js';
import { EPS32, expectClose } from '../helpers/close.js';
import { rng, toF64 } from '../helpers/rng.js';

describe('gemm (native vs JS float64)', () => {
  it('loads the addon', () => {
    expect(nativeKernels).not.toBeNull();
  });

  it('matches the float64 reference on a small random case', () => {
    const r = rng(1);
    const m = 7, n = 9, k = 5;
    const a = r.f32(m * k), b = r.f32(k * n);
    const c = new Float32Array(m * n);
    nativeKernels!.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
    const ref = new Float64Array(m * n);
    jsKernels.gemm(false, false, m, n, k, 1, toF64(a), k, toF64(b), n, 0, ref, n);
    const g = new Float64Array(m * n);
    const absA = toF64(a).map(Math.abs), absB = toF64(b).map(Math.abs);
    jsKernels.gemm(false, false, m, n, k, 1, absA, k, absB, n, 0, g, n);
    expectClose(c, ref, (i) => (k + 2) * EPS32 * g[i] + 1e-30);
  });
});
