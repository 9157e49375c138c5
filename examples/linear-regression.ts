/**
 * Linear regression by batch gradient descent, written twice:
 *   1. by hand on plain arrays, with the gradient formula θ ← θ − α·Xᵀ(Xθ − y)/m;
 *   2. with nodegrad tensors: the loss ½·mean((Xθ − y)²), autograd for its gradient and optim.SGD
 *      for the step — the same update, with no formula written down.
 * Both start from θ = 0 on the same synthetic data y = X·θ* + noise and reach θ*.
 *
 *   npm run example -- linear-regression [--samples 200] [--features 3] [--steps 500] [--lr 0.1]
 */
import { Generator, optim, tensor, zeros } from '../lib/index.js';
import { isMain, parseFlags, runMain } from './common.js';

export interface Problem {
  /** m×(n+1) design matrix, row-major, first column all ones (the intercept). */
  x: Float64Array;
  y: Float64Array;
  m: number;
  /** n + 1 parameters: intercept first. */
  cols: number;
  trueTheta: number[];
}

/** y = θ*₀ + Σ θ*ⱼ·xⱼ + N(0, noise²), with x ~ N(0, 1) and θ* drawn from U(−2, 2). */
export function makeProblem(m: number, features: number, noise: number, seed: number): Problem {
  const g = new Generator(seed);
  const cols = features + 1;
  const trueTheta = Array.from({ length: cols }, () => Math.round((g.next() * 4 - 2) * 100) / 100);
  const x = new Float64Array(m * cols);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    x[i * cols] = 1;
    let yi = trueTheta[0];
    for (let j = 1; j < cols; j++) {
      x[i * cols + j] = g.normal();
      yi += trueTheta[j] * x[i * cols + j];
    }
    y[i] = yi + noise * g.normal();
  }
  return { x, y, m, cols, trueTheta };
}

/** Version 1: θ ← θ − α·Xᵀ(Xθ − y)/m on raw arrays, the gradient written out. */
export function fitByHand(p: Problem, lr: number, steps: number): number[] {
  const { x, y, m, cols } = p;
  const theta = new Float64Array(cols);
  const residual = new Float64Array(m);
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < m; i++) {
      let pred = 0;
      for (let j = 0; j < cols; j++) pred += x[i * cols + j] * theta[j];
      residual[i] = pred - y[i];
    }
    for (let j = 0; j < cols; j++) {
      let grad = 0;
      for (let i = 0; i < m; i++) grad += x[i * cols + j] * residual[i];
      theta[j] -= (lr * grad) / m;
    }
  }
  return Array.from(theta);
}

/** Version 2: the same model as tensors; autograd finds the gradient, SGD applies it. */
export function fitWithAutograd(p: Problem, lr: number, steps: number): number[] {
  const x = tensor(p.x, { shape: [p.m, p.cols] });
  const y = tensor(p.y, { shape: [p.m, 1] });
  const theta = zeros([p.cols, 1], { requiresGrad: true });
  const opt = new optim.SGD([theta], { lr });
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    // ½·mean(r²) has gradient Xᵀr/m: exactly version 1's update.
    const loss = x.matmul(theta).sub(y).square().mean().mul(0.5);
    loss.backward();
    opt.step();
  }
  return Array.from(theta.data);
}

const flags = {
  samples: { value: 200, help: 'number of samples m' },
  features: { value: 3, help: 'number of features n' },
  noise: { value: 0.1, help: 'standard deviation of the noise on y' },
  steps: { value: 500, help: 'gradient descent steps' },
  lr: { value: 0.1, help: 'learning rate α' },
  seed: { value: 0, help: 'seed of the synthetic data' },
};

export function main(argv: string[]): { trueTheta: number[]; byHand: number[]; autograd: number[] } {
  const o = parseFlags('linear-regression', flags, argv);
  const p = makeProblem(o.samples, o.features, o.noise, o.seed);
  const byHand = fitByHand(p, o.lr, o.steps);
  const autograd = fitWithAutograd(p, o.lr, o.steps);
  const show = (v: number[]) => `[${v.map((t) => t.toFixed(4).padStart(8)).join(' ')}]`;
  console.log(`linear regression: m = ${o.samples}, n = ${o.features}, ${o.steps} steps of α = ${o.lr}`);
  console.log(`  true θ            ${show(p.trueTheta)}`);
  console.log(`  by hand (arrays)  ${show(byHand)}`);
  console.log(`  autograd + SGD    ${show(autograd)}`);
  const gap = Math.max(...byHand.map((t, j) => Math.abs(t - autograd[j])));
  console.log(`  largest difference between the two: ${gap.toExponential(2)} (float64 arrays vs float32 tensors)`);
  return { trueTheta: p.trueTheta, byHand, autograd };
}

if (isMain(import.meta.url)) runMain(main);
