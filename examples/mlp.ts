/**
 * A 784-256-10 MLP on MNIST with Adam and a cosine learning-rate schedule (stepped every batch, from lr
 * down to 0 over the whole run), written as PyTorch users would: nn.Sequential, nn.functional-style loss,
 * optim.Adam, optim.lrScheduler.CosineAnnealingLR.
 *
 *   npm run example -- mlp [--epochs 2] [--batch-size 64] [--lr 0.001]
 */
import { crossEntropy, manualSeed, optim, type Tensor } from '../lib/index.js';
import { isMain, parseFlags, runMain } from './common.js';
import { mlp } from './mnist/models.js';
import { Progress } from './mnist/progress.js';
import { evaluate, loadNormalisedMnist, trainEpoch } from './mnist/train.js';

const flags = {
  epochs: { value: 2, help: 'passes over the training set' },
  batchSize: { value: 64, help: 'mini-batch size' },
  lr: { value: 0.001, help: 'initial learning rate (Adam)' },
  hidden: { value: 256, help: 'hidden units' },
  seed: { value: 0, help: 'seeds the weights and the sample order' },
  limit: { value: 0, help: 'train on the first N shuffled images per epoch only (0 = all)' },
  testLimit: { value: 0, help: 'evaluate on the first N test images only (0 = all)' },
};

export function main(argv: string[]): { accuracy: number; losses: number[]; lrs: number[] } {
  const o = parseFlags('mlp', flags, argv);
  const { train, test } = loadNormalisedMnist();
  manualSeed(o.seed);
  const model = mlp(o.hidden);
  const opt = new optim.Adam(model.parameters(), { lr: o.lr });
  const n = o.limit > 0 ? Math.min(o.limit, train.length) : train.length;
  const totalSteps = o.epochs * Math.ceil(n / o.batchSize);
  const schedule = new optim.lrScheduler.CosineAnnealingLR(opt, totalSteps);
  const loss = (logits: Tensor, y: Tensor) => crossEntropy(logits, y);
  const losses: number[] = [], lrs: number[] = [];
  let accuracy = NaN;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const progress = new Progress({ label: `epoch ${epoch + 1}/${o.epochs}`, total: n });
    trainEpoch(model, opt, loss, train, {
      batchSize: o.batchSize, seed: o.seed * 1000 + epoch, limit: n, flat: true, progress,
      onStep: (_, l) => {
        losses.push(l);
        lrs.push(opt.paramGroups[0].lr);
      },
      afterStep: () => schedule.step(),
    });
    const r = evaluate(model, loss, test, { flat: true, limit: o.testLimit || undefined });
    accuracy = r.accuracy;
    console.log(`epoch ${epoch + 1}: test loss ${r.loss.toFixed(4)}, test accuracy ${(100 * r.accuracy).toFixed(2)}%, lr now ${opt.paramGroups[0].lr.toExponential(2)}`);
  }
  return { accuracy, losses, lrs };
}

if (isMain(import.meta.url)) runMain(main);
