/**
 * npm run test:soak: T9's leak soak. 10,000 iterations of forward + backward + optimizer step for an MLP,
 * a CNN and an LSTM (native backend). After a forced GC at iteration 1,000 and at the end, each of these
 * must have grown by less than 5%:
 * - the V8 heap in use less compiled code and bytecode (heapUsed minus getHeapCodeStatistics()'s code and
 *   bytecode sizes): JIT tiers keep compiling the training loop for the first ~5,000 steps, which adds
 *   ~0.3 MiB of code (3-4% of heapUsed) without any data being retained;
 * - external memory (process.memoryUsage().external, which includes ArrayBuffer contents, so every
 *   tensor's storage);
 * - RSS, less the growth of the V8 heap's resident pages. V8 sizes its heap to the allocation rate, not to
 *   what is live: a training loop allocates many short-lived tensors, and V8 doubles its young generation
 *   once, anywhere from step ~2,500 to never, adding 8 MiB of pages and ~5 MiB of malloc'd bookkeeping
 *   (13% of the MLP's RSS) with heapUsed flat. So the soak pins the semi-spaces (--min-semi-space-size=16
 *   --max-semi-space-size=16) and subtracts the young generation's pages as they are first touched; a
 *   leak in native code (workspace, malloc) still shows here, and one in retained JS objects in the heap
 *   term. Raw RSS is printed too.
 * Every model first runs 1,000 unmeasured steps, so the process's one-time costs are paid before any model
 * is measured. One JSON line per model; exits 1 on any failure. SOAK_ITERATIONS overrides the count (the
 * first sample and the warm-up stay at 1/10).
 */
import v8 from 'node:v8';
import { getBackend, randint, randn, manualSeed, type Tensor } from '../lib/index.js';
import { Conv2d, CrossEntropyLoss, Flatten, Linear, LSTM, MaxPool2d, MSELoss, ReLU, Sequential } from '../lib/nn/index.js';
import { SGD } from '../lib/optim/index.js';

const iterations = Number(process.env.SOAK_ITERATIONS ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
const flags = ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'];
if (!gc || flags.some((f) => !process.execArgv.includes(f))) throw new Error(`run with node ${flags.join(' ')} (npm run test:soak)`);

interface Sample { rss: number; heapResident: number; heapUsed: number; heapData: number; external: number }

function sample(): Sample {
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  const code = v8.getHeapCodeStatistics();
  return {
    rss: m.rss, heapResident: v8.getHeapStatistics().total_physical_size, heapUsed: m.heapUsed,
    heapData: m.heapUsed - code.code_and_metadata_size - code.bytecode_and_metadata_size, external: m.external,
  };
}

/** One training step per call; returns the loss (read, so nothing is optimised away). */
type Step = () => number;

/** SGD with momentum on a classifier over one fixed batch. */
function classifier(model: Sequential, x: Tensor, y: Tensor): Step {
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const loss = new CrossEntropyLoss();
  return () => {
    opt.zeroGrad();
    const l = loss.forward(model.forward(x) as Tensor, y);
    l.backward();
    opt.step();
    return l.item();
  };
}

const mlp = (): Step =>
  classifier(new Sequential(new Linear(32, 64), new ReLU(), new Linear(64, 10)), randn([16, 32]), randint(0, 10, [16]));

const cnn = (): Step =>
  classifier(
    new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 5 * 5, 10)),
    randn([8, 1, 12, 12]),
    randint(0, 10, [8]),
  );

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

const mib = (bytes: number) => +(bytes / 2 ** 20).toFixed(2);

manualSeed(0);
const models = [['mlp', mlp], ['cnn', cnn], ['lstm', lstm]] as const;
// The process's own first-time costs (JIT compiler zones on V8's threads, allocator arenas, lazily loaded
// modules) land in whichever model runs first, ~8 MiB within its first second: pay them before measuring.
for (const [, make] of models) {
  const step = make();
  for (let i = 0; i < Math.floor(iterations / 10); i++) step();
}
let failed = false;
for (const [name, make] of models) {
  const step = make();
  const warm = Math.floor(iterations / 10);
  let first: Sample | null = null, last = 0;
  const t0 = performance.now();
  for (let i = 1; i <= iterations; i++) {
    last = step();
    if (i === warm) first = sample();
  }
  const end = sample();
  const f = first!;
  const growth = {
    rss: end.rss / f.rss - 1,
    rssLessV8Heap: (end.rss - f.rss - (end.heapResident - f.heapResident)) / f.rss,
    heapUsed: end.heapUsed / f.heapUsed - 1,
    heapLessCode: end.heapData / f.heapData - 1,
    external: end.external / f.external - 1,
  };
  const ok = growth.rssLessV8Heap < 0.05 && growth.heapLessCode < 0.05 && growth.external < 0.05 && Number.isFinite(last);
  failed ||= !ok;
  console.log(JSON.stringify({
    model: name, backend: getBackend(), iterations, ok, seconds: +((performance.now() - t0) / 1000).toFixed(1),
    rssMiB: [f.rss, end.rss].map(mib), v8HeapResidentMiB: [f.heapResident, end.heapResident].map(mib),
    heapUsedMiB: [f.heapUsed, end.heapUsed].map(mib), heapLessCodeMiB: [f.heapData, end.heapData].map(mib),
    externalMiB: [f.external, end.external].map(mib),
    growthPercent: Object.fromEntries(Object.entries(growth).map(([k, v]) => [k, +(v * 100).toFixed(2)])),
    finalLoss: last,
  }));
}
process.exit(failed ? 1 : 0);
