/**
 * `npm run bench -- train`: training samples/s at batch 64 on real MNIST batches — the 784-256-10 MLP and
 * LeNet-5 of examples/mnist, SGD with momentum, one step = zeroGrad, forward, cross-entropy, backward,
 * optimizer step. Native at 1 and all threads, and the JS twin.
 */
import { cpuInfo, crossEntropy, manualSeed, type MnistDataset, optim, setBackend, type Tensor } from '../../lib/index.js';
import * as models from '../../examples/mnist/models.js';
import { batchOf, loadNormalisedMnist, shuffled } from '../../examples/mnist/train.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';

export const BATCH = 64;

export interface TrainWorkload {
  case: string;
  /** PyTorch code building the same model (for the vs-pytorch suite). */
  pytorch: string;
  /** Input per sample: flat 784 or [1, 28, 28]. */
  flat: boolean;
  /** A fresh seeded model, or null when its layers are not available yet. */
  build(): { forward(x: Tensor): unknown; parameters(): Iterable<Tensor> } | null;
}

export const workloads: TrainWorkload[] = [
  {
    case: 'mlp 784-256-10 b64',
    pytorch: 'nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))',
    flat: true,
    build: () => models.mlp(),
  },
  {
    case: 'lenet5 b64',
    pytorch: `nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))`,
    flat: false,
    build: () => ('lenet5' in models ? (models as unknown as { lenet5(): ReturnType<TrainWorkload['build']> }).lenet5() : null),
  },
];

let mnist: MnistDataset | null = null;

/** Sixteen fixed training batches (a shuffled slice of MNIST), so every backend sees the same data. */
export function batches(flat: boolean): [Tensor, Tensor][] {
  mnist ??= loadNormalisedMnist().train;
  const order = shuffled(mnist.length, 0);
  return Array.from({ length: 16 }, (_, b) => batchOf(mnist!, order.subarray(b * BATCH, (b + 1) * BATCH), flat));
}

/** One training step per call, cycling through the batches; null when the model is unavailable. */
export function trainStep(w: TrainWorkload): (() => void) | null {
  manualSeed(0);
  const model = w.build();
  if (model === null) return null;
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const data = batches(w.flat);
  let i = 0;
  return () => {
    const [x, y] = data[i++ % data.length];
    opt.zeroGrad();
    crossEntropy(model.forward(x) as Tensor, y).backward();
    opt.step();
  };
}

export function trainRow(suite: string, w: TrainWorkload, backend: string, isa: string, threads: number, t: { median: number; min: number; max: number }): Row {
  return { suite, case: w.case, backend, isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max, samples_per_s: (BATCH * 1000) / t.median };
}

export const trainSuite: Suite = {
  name: 'train',
  description: 'MLP and LeNet-5 training samples/s at batch 64, native (1 and all threads) vs the JS twin',
  run(reporter: Reporter, options: BenchOptions) {
    const rows: Row[] = [];
    for (const w of workloads) {
      const nativeStep = trainStep(w);
      if (nativeStep === null) {
        reporter.note(`train: ${w.case} skipped (its layers are not available)`);
        continue;
      }
      for (const threads of options.threads) {
        const t = withThreads(threads, () => timeit(nativeStep, options.budgetMs));
        rows.push(reporter.add(trainRow('train', w, 'native', cpuInfo().isa, threads, t)));
      }
      setBackend('js');
      try {
        const jsStep = trainStep(w)!;
        rows.push(reporter.add(trainRow('train', w, 'js', 'js', 1, timeit(jsStep, options.budgetMs, 3))));
      } finally {
        setBackend('native');
      }
    }
    const js = new Map(rows.filter((r) => r.backend === 'js').map((r) => [r.case, r]));
    reporter.table('train: samples/s at batch 64 (real MNIST batches, SGD momentum 0.9)', rows, [
      { header: 'vs js', cell: (r) => (r.backend === 'native' && js.has(r.case) ? `${fmt(js.get(r.case)!.median_ms / r.median_ms)}×` : '') },
    ]);
  },
};
