/**
 * Softmax regression on MNIST: the classic first TensorFlow tutorial (a 784 → 10 linear layer, softmax
 * cross-entropy, plain mini-batch gradient descent) rewritten in nodegrad. W and b are bare tensors with
 * requiresGrad; the loss is written out as −mean(log softmax(xW + b)[label]); optim.SGD without momentum
 * applies w ← w − lr·∂loss/∂w.
 *
 *   npm run example -- softmax-regression [--steps 2000] [--batch-size 100] [--lr 0.01]
 */
import { logSoftmax, manualSeed, noGrad, optim, zeros } from '../lib/index.js';
import { isMain, parseFlags, runMain } from './common.js';
import { batchOf, loadNormalisedMnist, shuffled } from './mnist/train.js';

const flags = {
  steps: { value: 2000, help: 'gradient descent steps (600 steps of 100 images = one epoch)' },
  batchSize: { value: 100, help: 'images per step' },
  lr: { value: 0.01, help: 'learning rate' },
  seed: { value: 0, help: 'seeds the sample order' },
  testLimit: { value: 0, help: 'evaluate on the first N test images only (0 = all 10,000)' },
};

export function main(argv: string[]): { accuracy: number; losses: number[] } {
  const o = parseFlags('softmax-regression', flags, argv);
  manualSeed(o.seed);
  const { train, test } = loadNormalisedMnist();
  // The tutorial starts from zeros: the loss is convex, so no symmetry needs breaking.
  const w = zeros([784, 10], { requiresGrad: true });
  const b = zeros([10], { requiresGrad: true });
  const opt = new optim.SGD([w, b], { lr: o.lr });
  const losses: number[] = [];
  let order = shuffled(train.length, o.seed);
  for (let step = 0, pos = 0; step < o.steps; step++, pos += o.batchSize) {
    if (pos + o.batchSize > train.length) {
      order = shuffled(train.length, o.seed + step);
      pos = 0;
    }
    const [x, y] = batchOf(train, order.subarray(pos, pos + o.batchSize), true);
    opt.zeroGrad();
    const logp = logSoftmax(x.matmul(w).add(b), 1);
    const loss = logp.gather(1, y.unsqueeze(1)).mean().neg();
    loss.backward();
    opt.step();
    losses.push(loss.item());
    if ((step + 1) % 500 === 0 || step + 1 === o.steps) console.log(`step ${step + 1}: loss ${loss.item().toFixed(4)}`);
  }
  const n = o.testLimit > 0 ? Math.min(o.testLimit, test.length) : test.length;
  const [x, y] = batchOf(test, Int32Array.from({ length: n }, (_, i) => i), true);
  const pred = noGrad(() => x.matmul(w).add(b).argmax(1)).data;
  let correct = 0;
  for (let i = 0; i < n; i++) if (pred[i] === y.data[i]) correct++;
  const accuracy = correct / n;
  console.log(`softmax regression: test accuracy ${(100 * accuracy).toFixed(2)}% on ${n} images after ${o.steps} steps`);
  return { accuracy, losses };
}

if (isMain(import.meta.url)) runMain(main);
