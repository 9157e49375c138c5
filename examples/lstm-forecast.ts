/**
 * Time-series forecasting with an LSTM: a noisy sum of three sines, windows of `window` past values, the
 * model predicts the next value (LSTM(1 → hidden) over the window, then Linear(hidden → 1) on the last
 * output). Reports test MSE on a later, unseen stretch of the series against the naive forecast "next =
 * last", which any useful model must beat.
 *
 *   npm run example -- lstm-forecast [--steps 400] [--hidden 32] [--window 32]
 */
import { Generator, manualSeed, mseLoss, nn, noGrad, optim, Tensor } from '../lib/index.js';
import { isMain, parseFlags, runMain } from './common.js';

/** s(t) = sin(0.11t) + 0.5·sin(0.37t + 1) + 0.3·sin(0.031t) + N(0, noise²). */
export function series(length: number, noise: number, seed: number): Float32Array {
  const g = new Generator(seed);
  const s = new Float32Array(length);
  for (let t = 0; t < length; t++) s[t] = Math.sin(0.11 * t) + 0.5 * Math.sin(0.37 * t + 1) + 0.3 * Math.sin(0.031 * t) + noise * g.normal();
  return s;
}

/** Windows starting at `starts`: x [B, window, 1] (batch first) and the next values y [B, 1]. */
function windows(s: Float32Array, starts: ArrayLike<number>, window: number): [Tensor, Tensor] {
  const b = starts.length;
  const x = new Float32Array(b * window), y = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    x.set(s.subarray(starts[i], starts[i] + window), i * window);
    y[i] = s[starts[i] + window];
  }
  return [new Tensor(x, [b, window, 1]), new Tensor(y, [b, 1])];
}

export class Forecaster extends nn.Module {
  lstm: nn.LSTM;
  head: nn.Linear;

  constructor(hidden: number) {
    super();
    this.lstm = new nn.LSTM(1, hidden, { batchFirst: true });
    this.head = new nn.Linear(hidden, 1);
  }

  override forward(x: Tensor): Tensor {
    const [out] = this.lstm.forward(x);
    const last = out.select(1, out.shape[1] - 1);
    return this.head.forward(last);
  }
}

const flags = {
  steps: { value: 400, help: 'Adam steps' },
  batchSize: { value: 32, help: 'windows per step' },
  window: { value: 32, help: 'past values the model sees' },
  hidden: { value: 32, help: 'LSTM hidden size' },
  lr: { value: 0.01, help: 'Adam learning rate' },
  noise: { value: 0.05, help: 'standard deviation of the noise' },
  seed: { value: 0, help: 'seeds the series, the weights and the batches' },
};

export function main(argv: string[]): { mse: number; naiveMse: number; losses: number[] } {
  const o = parseFlags('lstm-forecast', flags, argv);
  const trainLen = 2000, testLen = 500;
  const s = series(trainLen + testLen, o.noise, o.seed);
  manualSeed(o.seed);
  const model = new Forecaster(o.hidden);
  const opt = new optim.Adam(model.parameters(), { lr: o.lr });
  const g = new Generator(o.seed + 1);
  const losses: number[] = [];
  for (let step = 0; step < o.steps; step++) {
    const starts = Array.from({ length: o.batchSize }, () => g.nextU32() % (trainLen - o.window));
    const [x, y] = windows(s, starts, o.window);
    opt.zeroGrad();
    const loss = mseLoss(model.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
    if ((step + 1) % 100 === 0) console.log(`step ${step + 1}: train MSE ${loss.item().toFixed(5)}`);
  }
  // Test windows lie wholly after the training stretch.
  const testStarts = Array.from({ length: testLen - o.window }, (_, i) => trainLen + i);
  const [x, y] = windows(s, testStarts, o.window);
  model.eval();
  const mse = noGrad(() => mseLoss(model.forward(x), y)).item();
  let naive = 0;
  for (let i = 0; i < testStarts.length; i++) naive += (x.data[(i + 1) * o.window - 1] - y.data[i]) ** 2;
  const naiveMse = naive / testStarts.length;
  console.log(`lstm-forecast: test MSE ${mse.toFixed(5)} vs naive last-value ${naiveMse.toFixed(5)} (noise variance ${(o.noise ** 2).toFixed(5)})`);
  return { mse, naiveMse, losses };
}

if (isMain(import.meta.url)) runMain(main);
