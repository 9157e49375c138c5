/** End to end: modules + autograd + optimizers + schedulers + DataLoader learn a small problem, reproducibly. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { noGrad } from '../../lib/autograd/grad_mode.js';
import { DataLoader, loadMnist, mnistDataDir, randomSplit, Subset, TensorDataset } from '../../lib/data/index.js';
import { CrossEntropyLoss, Flatten, Linear, ReLU, Sequential, Tanh, utils } from '../../lib/nn/index.js';
import { Generator, manualSeed, tensor } from '../../lib/ops/creation.js';
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

describe('MNIST, the README loop on a subset', () => {
  const hasData = mnistDataDir() !== null && fs.existsSync(path.join(mnistDataDir()!, 't10k-images-idx3-ubyte'));
  it.runIf(hasData)('an MLP trained on 3,000 images for 2 epochs classifies 1,000 held-out ones above 85%', () => {
    manualSeed(0);
    const { test } = loadMnist(undefined, { normalize: true });
    const [trainSet, heldOut] = randomSplit(new Subset(test, Array.from({ length: 4000 }, (_, i) => i)), [3000, 1000], new Generator(1));
    const model = new Sequential(new Flatten(), new Linear(784, 64), new ReLU(), new Linear(64, 10));
    const lossFn = new CrossEntropyLoss();
    const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    for (let epoch = 0; epoch < 2; epoch++) {
      model.train();
      for (const [x, y] of new DataLoader(trainSet, { batchSize: 64, shuffle: true, seed: epoch })) {
        optimizer.zeroGrad();
        const loss = lossFn.forward(model.forward(x), y);
        loss.backward();
        optimizer.step();
      }
    }
    model.eval();
    let correct = 0;
    noGrad(() => {
      for (const [x, y] of new DataLoader(heldOut, { batchSize: 500 })) correct += model.forward(x).argmax(1).eq(y).sum().item();
    });
    expect(correct / 1000).toBeGreaterThan(0.85);
  });
});
