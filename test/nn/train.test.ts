/**
 * End to end: modules + autograd + optimizers + schedulers + DataLoader learn a small problem, reproducibly.
 * The README's MNIST loop runs in readme.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DataLoader, TensorDataset } from '../../lib/data/index.js';
import { Linear, Sequential, Tanh, utils } from '../../lib/nn/index.js';
import { manualSeed, tensor } from '../../lib/ops/creation.js';
import { Adam, lrScheduler, SGD } from '../../lib/optim/index.js';
import type { Tensor } from '../../lib/tensor.js';

function trainXor(useSgd: boolean): number[] {
  manualSeed(0);
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
  const opt = useSgd ? new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }) : new Adam(model.parameters(), { lr: 0.05 });
  const sched = new lrScheduler.StepLR(opt, 100, 0.5);
  const loader = new DataLoader<Tensor[], Tensor[]>(new TensorDataset(x, y), { batchSize: 4, shuffle: true, seed: 1 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 300; epoch++) {
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      const loss = (model.forward(xb) as Tensor).sub(yb).square().mean();
      loss.backward();
      utils.clipGradNorm_(model.parameters(), 5);
      opt.step();
      losses.push(loss.item());
    }
    sched.step();
  }
  return losses;
}

describe('training', () => {
  for (const useSgd of [false, true]) {
    it(`an MLP learns XOR with ${useSgd ? 'SGD + momentum' : 'Adam'}, bitwise reproducibly`, () => {
      const losses = trainXor(useSgd);
      expect(losses[0]).toBeGreaterThan(0.1);
      expect(losses.at(-1)!).toBeLessThan(0.01);
      expect(trainXor(useSgd)).toEqual(losses);
    });
  }
});
