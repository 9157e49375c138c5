/**
 * npm run test:soak: T9's leak soak. 10,000 iterations of forward + backward + optimizer step for an MLP,
 * a CNN and an LSTM (native backend); after a forced GC at iteration 1,000 and at the end, RSS and
 * external memory (external + arrayBuffers) must have grown by less than 5%. Prints one JSON line per
 * model and exits 1 on any failure. SOAK_ITERATIONS overrides the count (the first sample stays at 1/10).
 */
import { getBackend, randint, randn, manualSeed, type Tensor } from '../lib/index.js';
import { Conv2d, CrossEntropyLoss, Flatten, Linear, LSTM, MaxPool2d, MSELoss, ReLU, Sequential } from '../lib/nn/index.js';
import { SGD } from '../lib/optim/index.js';

const iterations = Number(process.env.SOAK_ITERATIONS ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

interface Sample { rss: number; external: number }

function sample(): Sample {
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  return { rss: m.rss, external: m.external + m.arrayBuffers };
}

/** One training step per call; returns the loss (read, so nothing is optimised away). */
type Step = () => number;

function mlp(): Step {
  const model = new Sequential(new Linear(32, 64), new ReLU(), new Linear(64, 10));
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const loss = new CrossEntropyLoss();
  const x = randn([16, 32]), y = randint(0, 10, [16]);
  return () => {
    opt.zeroGrad();
    const l = loss.forward(model.forward(x) as Tensor, y);
    l.backward();
    opt.step();
    return l.item();
  };
}

function cnn(): Step {
  const model = new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 5 * 5, 10));
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const loss = new CrossEntropyLoss();
  const x = randn([8, 1, 12, 12]), y = randint(0, 10, [8]);
  return () => {
    opt.zeroGrad();
    const l = loss.forward(model.forward(x) as Tensor, y);
    l.backward();
    opt.step();
    return l.item();
  };
}

function lstm(): Step {
  const rnn = new LSTM(8, 16), head = new Linear(16, 1);
  const opt = new SGD([...rnn.parameters(), ...head.parameters()], { lr: 0.01 });
  const loss = new MSELoss();
  const x = randn([5, 4, 8]), y = randn([5, 4, 1]);
  return () => {
    opt.zeroGrad();
    const [out] = rnn.forward(x);
    const l = loss.forward(head.forward(out), y);
    l.backward();
    opt.step();
    return l.item();
  };
}

manualSeed(0);
let failed = false;
for (const [name, make] of [['mlp', mlp], ['cnn', cnn], ['lstm', lstm]] as const) {
  const step = make();
  const warm = Math.floor(iterations / 10);
  let first: Sample | null = null, last = 0;
  const t0 = performance.now();
  for (let i = 1; i <= iterations; i++) {
    last = step();
    if (i === warm) first = sample();
  }
  const end = sample();
  const growth = { rss: end.rss / first!.rss - 1, external: end.external / first!.external - 1 };
  const ok = growth.rss < 0.05 && growth.external < 0.05 && Number.isFinite(last);
  failed ||= !ok;
  console.log(JSON.stringify({
    model: name, backend: getBackend(), iterations, ok, seconds: +((performance.now() - t0) / 1000).toFixed(1),
    rssMiB: [first!.rss, end.rss].map((b) => +(b / 2 ** 20).toFixed(1)),
    externalMiB: [first!.external, end.external].map((b) => +(b / 2 ** 20).toFixed(2)),
    growthPercent: { rss: +(growth.rss * 100).toFixed(2), external: +(growth.external * 100).toFixed(2) },
    finalLoss: last,
  }));
}
process.exit(failed ? 1 : 0);
