/**
 * The training loop shared by the MNIST examples and the `train` bench suite: shuffled mini-batches with a
 * seeded order, forward, cross-entropy, backward, optimizer step; then accuracy on a held-out set.
 */
import { Generator, loadMnist, type MnistDataset, noGrad, type optim, Tensor } from '../../lib/index.js';
import { Progress } from './progress.js';

/** What the loop needs of a model: nn.Module has all of it. */
export interface Model {
  forward(x: Tensor): unknown;
  train(mode?: boolean): unknown;
  eval(): unknown;
}

export type LossFn = (logits: Tensor, labels: Tensor) => Tensor;

export interface EpochOptions {
  batchSize: number;
  /** Seeds this epoch's sample order. */
  seed: number;
  /** Use only the first `limit` samples of the split (after shuffling the whole split). */
  limit?: number;
  /** Flatten images to [B, 784] (MLPs) instead of [B, 1, 28, 28]. */
  flat?: boolean;
  progress?: Progress | null;
  /** Called after every step with the step's loss and the fraction of the batch classified correctly. */
  onStep?: (step: number, loss: number, accuracy: number) => void;
  /** Runs between batches (e.g. a per-step LR scheduler). */
  afterStep?: () => void;
}

export interface EpochResult {
  meanLoss: number;
  samples: number;
  seconds: number;
}

/** A permutation of 0..n−1 (Fisher–Yates) from a seeded generator. */
export function shuffled(n: number, seed: number): Int32Array {
  const g = new Generator(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextU32() % (i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** A normalised batch: images [B, 1, 28, 28] (or [B, 784] when `flat`) and labels [B]. */
export function batchOf(data: MnistDataset, indices: ArrayLike<number>, flat = false): [Tensor, Tensor] {
  const [x, y] = data.getBatch(indices);
  return [flat ? x.reshape([indices.length, -1]) : x, y];
}

/** The MNIST training and test sets, normalised with MNIST's mean and std. */
export function loadNormalisedMnist(dir?: string): { train: MnistDataset; test: MnistDataset } {
  return loadMnist(dir, { normalize: true });
}

export function trainEpoch(model: Model, opt: optim.Optimizer, loss: LossFn, data: MnistDataset, o: EpochOptions): EpochResult {
  model.train();
  const order = shuffled(data.length, o.seed);
  const n = Math.min(data.length, o.limit ?? data.length);
  const start = performance.now();
  let sum = 0;
  let steps = 0;
  for (let b = 0; b < n; b += o.batchSize) {
    const [x, y] = batchOf(data, order.subarray(b, Math.min(n, b + o.batchSize)), o.flat);
    opt.zeroGrad();
    const logits = model.forward(x) as Tensor;
    const l = loss(logits, y);
    l.backward();
    opt.step();
    o.afterStep?.();
    const v = l.item();
    sum += v;
    if (o.onStep) o.onStep(steps, v, countCorrect(logits, y) / y.numel);
    steps++;
    o.progress?.update(Math.min(n, b + o.batchSize), sum / steps);
  }
  o.progress?.finish();
  return { meanLoss: steps > 0 ? sum / steps : NaN, samples: n, seconds: (performance.now() - start) / 1000 };
}

/** Fraction of correctly classified samples (argmax of the logits) and the mean loss. */
export function evaluate(model: Model, loss: LossFn, data: MnistDataset, o: { batchSize?: number; flat?: boolean; limit?: number } = {}): { accuracy: number; loss: number } {
  model.eval();
  const n = Math.min(data.length, o.limit ?? data.length);
  const bs = o.batchSize ?? 1000;
  let correct = 0;
  let lossSum = 0;
  noGrad(() => {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < n; b += bs) {
      const idx = all.subarray(b, Math.min(n, b + bs));
      const [x, y] = batchOf(data, idx, o.flat);
      const logits = model.forward(x) as Tensor;
      lossSum += loss(logits, y).item() * idx.length;
      correct += countCorrect(logits, y);
    }
  });
  model.train();
  return { accuracy: n > 0 ? correct / n : NaN, loss: n > 0 ? lossSum / n : NaN };
}

/** How many rows of logits [B, classes] have their largest value at the label's index. */
export function countCorrect(logits: Tensor, labels: Tensor): number {
  const pred = logits.detach().argmax(1).data;
  const y = labels.data;
  let correct = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) correct++;
  return correct;
}
