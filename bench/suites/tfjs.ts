/**
 * `npm run bench -- tfjs`: nodegrad native against TensorFlow.js 4.22 (CPU backend: plain JS; WASM backend:
 * XNNPACK, single-threaded in Node) on the workloads both have: GEMM 1024, conv-a/conv-b forward, max
 * pooling, an LSTM forward, MLP and LeNet-5 training steps. tfjs runs in NHWC, its native layout; the
 * arithmetic is the same. Cases whose nodegrad side is not available are skipped with a note.
 */
import type * as TF from '@tensorflow/tfjs';
import * as ng from '../../lib/index.js';
import { cpuInfo, type Tensor } from '../../lib/index.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';
import { BATCH, trainStep, workloads } from './train.js';

type Tf = typeof TF;

export interface Case {
  name: string;
  /** FLOPs per call, for GFLOP/s. */
  flops?: number;
  /** Samples per call, for samples/s (training). */
  samples?: number;
  nodegrad(): (() => void) | null;
  tfjs(tf: Tf): () => void;
  /** The tfjs CPU backend takes seconds per call here: time it with fewer samples. */
  slowOnCpu?: boolean;
}

const f32 = (n: number, seed: number): Float32Array => {
  const g = new ng.Generator(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.next() * 2 - 1;
  return a;
};

/** Calls fn(tf) inside tidy and waits for the result (tfjs is lazy on some backends). */
function tidyRun(tf: Tf, fn: () => TF.Tensor): () => void {
  return () => {
    const out = tf.tidy(fn);
    out.dataSync();
    out.dispose();
  };
}

interface ConvShape { n: number; c: number; hw: number; oc: number; k: number; pad: number }
const CONV_A: ConvShape = { n: 64, c: 1, hw: 28, oc: 64, k: 3, pad: 1 };
const CONV_B: ConvShape = { n: 32, c: 64, hw: 32, oc: 64, k: 3, pad: 1 };

type ConvOp = (x: Tensor, w: Tensor, b: Tensor | null, o: { stride?: number; padding?: number }) => Tensor;
type PoolOp = (x: Tensor, kernelSize: number) => Tensor;
const op = <T>(name: string): T | null => ((ng as Record<string, unknown>)[name] as T | undefined) ?? null;

function convCase(name: string, s: ConvShape): Case {
  const oh = s.hw + 2 * s.pad - s.k + 1;
  return {
    name,
    flops: 2 * s.n * s.oc * oh * oh * s.c * s.k * s.k,
    slowOnCpu: true,
    nodegrad() {
      const conv2d = op<ConvOp>('conv2d');
      if (!conv2d) return null;
      const x = ng.tensor(f32(s.n * s.c * s.hw * s.hw, 1), { shape: [s.n, s.c, s.hw, s.hw] });
      const w = ng.tensor(f32(s.oc * s.c * s.k * s.k, 2), { shape: [s.oc, s.c, s.k, s.k] });
      const b = ng.tensor(f32(s.oc, 3));
      return () => void conv2d(x, w, b, { padding: s.pad });
    },
    tfjs(tf) {
      const x = tf.tensor4d(f32(s.n * s.c * s.hw * s.hw, 1), [s.n, s.hw, s.hw, s.c]);
      const w = tf.tensor4d(f32(s.oc * s.c * s.k * s.k, 2), [s.k, s.k, s.c, s.oc]);
      const b = tf.tensor1d(f32(s.oc, 3));
      return tidyRun(tf, () => tf.add(tf.conv2d(x, w, 1, 'same'), b));
    },
  };
}

export const cases: Case[] = [
  {
    name: 'gemm 1024',
    flops: 2 * 1024 ** 3,
    nodegrad() {
      const n = 1024, a = f32(n * n, 1), b = f32(n * n, 2), c = new Float32Array(n * n);
      return () => ng.backend().gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
    },
    tfjs(tf) {
      const a = tf.tensor2d(f32(1024 * 1024, 1), [1024, 1024]);
      const b = tf.tensor2d(f32(1024 * 1024, 2), [1024, 1024]);
      return tidyRun(tf, () => tf.matMul(a, b));
    },
    slowOnCpu: true,
  },
  convCase('conv-a fwd', CONV_A),
  convCase('conv-b fwd', CONV_B),
  {
    name: 'maxpool 2x2 fwd',
    nodegrad() {
      const maxPool2d = op<PoolOp>('maxPool2d');
      if (!maxPool2d) return null;
      const x = ng.tensor(f32(64 * 64 * 28 * 28, 1), { shape: [64, 64, 28, 28] });
      return () => void ng.noGrad(() => maxPool2d(x, 2));
    },
    tfjs(tf) {
      const x = tf.tensor4d(f32(64 * 64 * 28 * 28, 1), [64, 28, 28, 64]);
      return tidyRun(tf, () => tf.maxPool(x, 2, 2, 'valid'));
    },
  },
  {
    // LSTM, input 128, hidden 256, batch 64, T 32: 2·T·B·4H·(I + H) FLOPs in the gate GEMMs.
    name: 'lstm fwd',
    flops: 2 * 32 * 64 * 4 * 256 * (128 + 256),
    slowOnCpu: true,
    nodegrad() {
      const LSTM = (ng.nn as Record<string, unknown>).LSTM as (new (i: number, h: number) => { forward(x: Tensor): unknown }) | undefined;
      if (!LSTM) return null;
      ng.manualSeed(0);
      const lstm = new LSTM(128, 256);
      const x = ng.tensor(f32(32 * 64 * 128, 1), { shape: [32, 64, 128] });
      return () => void ng.noGrad(() => lstm.forward(x));
    },
    tfjs(tf) {
      const layer = tf.layers.lstm({ units: 256, returnSequences: true, inputShape: [32, 128] });
      const model = tf.sequential({ layers: [layer] });
      const x = tf.tensor3d(f32(32 * 64 * 128, 1), [64, 32, 128]);
      return tidyRun(tf, () => model.predict(x) as TF.Tensor);
    },
  },
  ...workloads.map((w): Case => ({
    name: w.case.replace(/ b64$/, ' train b64'),
    samples: BATCH,
    slowOnCpu: true,
    nodegrad: () => trainStep(w),
    tfjs: (tf) => tfjsTrainStep(tf, w.flat),
  })),
];

/** The same model and step in tfjs layers: SGD momentum 0.9, lr 0.01, softmax cross-entropy. */
function tfjsTrainStep(tf: Tf, flat: boolean): () => void {
  const L = tf.layers;
  const layers = flat
    ? [L.dense({ units: 256, activation: 'relu', inputShape: [784] }), L.dense({ units: 10 })]
    : [
        L.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 120, activation: 'relu' }),
        L.dense({ units: 84, activation: 'relu' }),
        L.dense({ units: 10 }),
      ];
  const model = tf.sequential({ layers });
  const opt = tf.train.momentum(0.01, 0.9);
  const x = flat ? tf.randomNormal([BATCH, 784], 0, 1, 'float32', 1) : tf.randomNormal([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniformInt([BATCH], 0, 10, 2), 10);
  return () => {
    const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as TF.Tensor) as TF.Scalar, true);
    cost!.dataSync();
    cost!.dispose();
  };
}

async function loadTf(): Promise<Tf | null> {
  try {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    tf.enableProdMode(); // no debug checks and no "install tfjs-node" banner
    return tf;
  } catch {
    return null;
  }
}

function row(c: Case, backend: string, isa: string, threads: number, t: { median: number; min: number; max: number }): Row {
  const r: Row = { suite: 'tfjs', case: c.name, backend, isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max };
  if (c.flops) r.gflops = c.flops / (t.median * 1e6);
  if (c.samples) r.samples_per_s = (c.samples * 1000) / t.median;
  return r;
}

export const tfjsSuite: Suite = {
  name: 'tfjs',
  description: 'nodegrad native vs TensorFlow.js CPU and WASM backends on shared workloads',
  async run(reporter: Reporter, options: BenchOptions) {
    const tf = await loadTf();
    if (!tf) {
      reporter.note('tfjs: skipped (@tensorflow/tfjs and @tensorflow/tfjs-backend-wasm are not installed)');
      return;
    }
    const rows: Row[] = [];
    for (const c of cases) {
      const step = c.nodegrad();
      if (step === null) {
        reporter.note(`tfjs: ${c.name} skipped (nodegrad's side is not available yet)`);
        continue;
      }
      for (const threads of options.threads) rows.push(reporter.add(row(c, 'native', cpuInfo().isa, threads, withThreads(threads, () => timeit(step, options.budgetMs)))));
      for (const backend of ['wasm', 'cpu'] as const) {
        await tf.setBackend(backend);
        await tf.ready();
        try {
          const fn = c.tfjs(tf);
          const slow = backend === 'cpu' && c.slowOnCpu;
          const t = timeit(fn, slow ? 0 : options.budgetMs, slow ? 2 : 5, slow ? 2 : 200);
          rows.push(reporter.add(row(c, `tfjs-${backend}`, backend, 1, t)));
        } catch (err) {
          // e.g. the WASM backend has no Conv2DBackpropFilter kernel, so it cannot train a CNN.
          reporter.note(`tfjs: ${c.name} on tfjs-${backend} not supported (${err instanceof Error ? err.message : String(err)})`);
        } finally {
          tf.disposeVariables();
        }
      }
    }
    const best = (caseName: string, backend: string) => rows.find((r) => r.case === caseName && r.backend === backend);
    reporter.table('tfjs: nodegrad native vs TensorFlow.js (tfjs runs on one thread)', rows, [
      { header: 'vs tfjs-wasm', cell: (r) => ratio(r, best(r.case, 'tfjs-wasm')) },
      { header: 'vs tfjs-cpu', cell: (r) => ratio(r, best(r.case, 'tfjs-cpu')) },
    ]);
  },
};

function ratio(r: Row, other: Row | undefined): string {
  return r.backend === 'native' && other ? `${fmt(other.median_ms / r.median_ms)}×` : '';
}
