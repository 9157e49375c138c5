import { describe, expect, it } from 'vitest';
import { fitByHand, fitWithAutograd, main, makeProblem } from '../../examples/linear-regression.js';
import { quiet } from '../helpers/quiet.js';

describe('linear-regression example', () => {
  it('both versions reach the true parameters and agree with each other', () => {
    const { trueTheta, byHand, autograd } = quiet(() => main(['--samples', '400', '--steps', '300', '--noise', '0.05']));
    // With noise σ = 0.05 on 400 samples the least-squares estimate is within a few σ/√m ≈ 0.0025 of θ*.
    for (let j = 0; j < trueTheta.length; j++) {
      expect(Math.abs(byHand[j] - trueTheta[j])).toBeLessThan(0.02);
      // float32 tensors vs float64 arrays: the same iteration, rounding apart.
      expect(Math.abs(autograd[j] - byHand[j])).toBeLessThan(1e-4);
    }
  });

  it('autograd computes the gradient formula: one step from θ = 0 equals α·Xᵀy/m', () => {
    const p = makeProblem(50, 2, 0.1, 3);
    const lr = 0.5;
    const one = fitWithAutograd(p, lr, 1);
    for (let j = 0; j < p.cols; j++) {
      let g = 0;
      for (let i = 0; i < p.m; i++) g += p.x[i * p.cols + j] * p.y[i];
      expect(one[j]).toBeCloseTo((lr * g) / p.m, 5);
    }
    expect(fitByHand(p, lr, 1).map((v) => Number(v.toFixed(5)))).toEqual(one.map((v) => Number(v.toFixed(5))));
  });

  it('rejects unknown flags and bad values', () => {
    expect(() => main(['--stepz', '3'])).toThrow(/unknown argument '--stepz'/);
    expect(() => main(['--lr', 'fast'])).toThrow(/--lr expects a number/);
  });
});
