import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWithMetadata } from '../../lib/io/state.js';
import * as nn from '../../lib/nn/index.js';
import {
  BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MarginRankingLoss, MSELoss, NLLLoss,
  PoissonNLLLoss, SmoothL1Loss, functional as F,
} from '../../lib/nn/index.js';
import { randn, rand, tensor } from '../../lib/ops/creation.js';
import type { Tensor } from '../../lib/tensor.js';
import { repoRoot } from '../helpers/child.js';
import { expectBitwise, expectClose } from '../helpers/close.js';

describe('loss modules', () => {
  it('equal the functional losses, bitwise, with their options', () => {
    const logits = randn(4, 3);
    const cls = tensor([0, 2, 1, 2]);
    const w = tensor([1, 2, 0.5]);
    const x = randn(4, 3);
    const y = randn(4, 3);
    const p = rand(4, 3);
    const t = rand(4, 3);
    const cases: Array<[string, () => number[] | Float32Array | Float64Array, () => ArrayLike<number>]> = [
      ['CrossEntropyLoss', () => new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 }).forward(logits, cls).data,
        () => F.crossEntropy(logits, cls, { weight: w, labelSmoothing: 0.1 }).data],
      ['NLLLoss', () => new NLLLoss({ ignoreIndex: 2, reduction: 'sum' }).forward(logits.logSoftmax(1), cls).data,
        () => F.nllLoss(logits.logSoftmax(1), cls, { ignoreIndex: 2, reduction: 'sum' }).data],
      ['MSELoss', () => new MSELoss({ reduction: 'none' }).forward(x, y).data, () => F.mseLoss(x, y, { reduction: 'none' }).data],
      ['L1Loss', () => new L1Loss().forward(x, y).data, () => F.l1Loss(x, y).data],
      ['SmoothL1Loss', () => new SmoothL1Loss({ beta: 0.5 }).forward(x, y).data, () => F.smoothL1Loss(x, y, { beta: 0.5 }).data],
      ['HuberLoss', () => new HuberLoss({ delta: 2 }).forward(x, y).data, () => F.huberLoss(x, y, { delta: 2 }).data],
      ['BCELoss', () => new BCELoss().forward(p, t).data, () => F.binaryCrossEntropy(p, t).data],
      ['BCEWithLogitsLoss', () => new BCEWithLogitsLoss({ weight: tensor([1, 2, 3]) }).forward(x, t).data,
        () => F.bceWithLogits(x, t, { weight: tensor([1, 2, 3]) }).data],
      ['CrossEntropyLoss probabilities', () => new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1, reduction: 'none' }).forward(logits, t).data,
        () => F.crossEntropy(logits, t, { weight: w, labelSmoothing: 0.1, reduction: 'none' }).data],
      ['BCEWithLogitsLoss posWeight', () => new BCEWithLogitsLoss({ posWeight: tensor([2, 0.5, 3]), reduction: 'sum' }).forward(x, t).data,
        () => F.bceWithLogits(x, t, { posWeight: tensor([2, 0.5, 3]), reduction: 'sum' }).data],
      ['KLDivLoss', () => new KLDivLoss({ reduction: 'batchmean', logTarget: true }).forward(logits.logSoftmax(1), x).data,
        () => F.klDiv(logits.logSoftmax(1), x, { reduction: 'batchmean', logTarget: true }).data],
      ['PoissonNLLLoss', () => new PoissonNLLLoss({ logInput: false, full: true, eps: 0.1 }).forward(p, t.mul(4)).data,
        () => F.poissonNllLoss(p, t.mul(4), { logInput: false, full: true, eps: 0.1 }).data],
      ['MarginRankingLoss', () => new MarginRankingLoss({ margin: 0.2, reduction: 'none' }).forward(x, y, tensor([[1], [-1], [1], [1]])).data,
        () => F.marginRankingLoss(x, y, tensor([[1], [-1], [1], [1]]), { margin: 0.2, reduction: 'none' }).data],
      ['CosineEmbeddingLoss', () => new CosineEmbeddingLoss({ margin: 0.1, reduction: 'sum' }).forward(x, y, tensor([1, -1, -1, 1])).data,
        () => F.cosineEmbeddingLoss(x, y, tensor([1, -1, -1, 1]), { margin: 0.1, reduction: 'sum' }).data],
    ];
    for (const [name, mod, fn] of cases) expectBitwise(mod(), fn(), name);
  });

  it('hand-computed: cross-entropy of two samples and mean squared error', () => {
    const logits = tensor([[1, 2, 3], [0, 0, 0]], { dtype: 'float64' });
    const loss = new CrossEntropyLoss().forward(logits, tensor([2, 0], { dtype: 'float64' }));
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expectClose([loss.item()], [((lse - 3) + Math.log(3)) / 2], 1e-15);
    expect(new MSELoss({ reduction: 'sum' }).forward(tensor([1, 2]), tensor([0, 4])).item()).toBe(5);
  });

  it('class weights are a buffer in stateDict; reduction is validated', () => {
    const m = new CrossEntropyLoss({ weight: tensor([1, 2]) });
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    expect(() => new MSELoss({ reduction: 'avg' as 'mean' })).toThrow(/reduction/);
    expect(new L1Loss({ reduction: 'sum' }).toString()).toBe("L1Loss(reduction='sum')");
    expect(Object.keys(new BCEWithLogitsLoss({ posWeight: tensor([3]) }).stateDict())).toEqual(['pos_weight']);
    expect(new KLDivLoss({ reduction: 'batchmean', logTarget: true }).toString()).toBe("KLDivLoss(reduction='batchmean', logTarget=true)");
    expect(new KLDivLoss().toString()).toBe('KLDivLoss()');
  });

  it('CrossEntropyLoss with probability targets refuses a non-negative ignoreIndex, as PyTorch', () => {
    const m = new CrossEntropyLoss({ ignoreIndex: 1 });
    expect(() => m.forward(randn(2, 3), rand(2, 3))).toThrow(/^nodegrad\.crossEntropy: expected ignoreIndex < 0 with probability targets/);
    expect(m.forward(randn(2, 3), tensor([0, 1])).shape).toEqual([]);
  });
});

describe('loss modules reproduce PyTorch (float64 values and input gradients, scripts/make_fixtures.py)', () => {
  const file = path.join(repoRoot, 'test', 'fixtures', 'losses.safetensors');
  const { dict: io, metadata } = loadWithMetadata(file);
  const configs = JSON.parse(metadata!.configs) as Record<string, [string, Record<string, unknown>, string, string]>;
  const camel = (k: string) => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  for (const [name, [cls, opts, input, target]] of Object.entries(configs)) {
    it(`${name}: ${cls}(${JSON.stringify(opts)})`, () => {
      const options = Object.fromEntries(Object.entries(opts).map(([k, v]) => [camel(k), k === 'weight' ? io[v as string] : v]));
      const Loss = (nn as unknown as Record<string, new (o: object) => { forward(a: Tensor, b: Tensor): Tensor }>)[cls];
      const x = io[input].detach().requiresGrad_();
      const out = new Loss(options).forward(x, io[target]);
      const want = io[name];
      expect(out.shape).toEqual(want.shape);
      expectClose(out.data, want.data, (i) => 1e-13 * Math.max(1, Math.abs(want.data[i])), name);
      out.sum().backward();
      const g = io[`${name}.grad`];
      expectClose(x.grad!.data, g.data, (i) => 1e-13 * Math.max(1, Math.abs(g.data[i])), `${name} grad`);
    });
  }
});

describe.each([
  ['losses_extra', 'probability targets, posWeight, KLDivLoss'],
  ['losses_more', 'PoissonNLLLoss, MarginRankingLoss, CosineEmbeddingLoss'],
])('loss modules reproduce PyTorch: %s.safetensors (%s)', (fixture) => {
  const file = path.join(repoRoot, 'test', 'fixtures', `${fixture}.safetensors`);
  const { dict: io, metadata } = loadWithMetadata(file);
  const configs = JSON.parse(metadata!.configs) as Record<string, [string, Record<string, unknown>, string[], number[]]>;
  const camel = (k: string) => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  const bound = (want: Tensor) => (i: number) => 1e-13 * Math.max(1, Math.abs(want.data[i]));
  for (const [name, [cls, opts, args, grads]] of Object.entries(configs)) {
    it(`${name}: ${cls}(${JSON.stringify(opts)})`, () => {
      const options = Object.fromEntries(Object.entries(opts).map(([k, v]) => [camel(k), k === 'weight' || k === 'pos_weight' ? io[v as string] : v]));
      const Loss = (nn as unknown as Record<string, new (o: object) => { forward(...xs: Tensor[]): Tensor }>)[cls];
      const xs = args.map((a, i) => (grads.includes(i) ? io[a].detach().requiresGrad_() : io[a]));
      const out = new Loss(options).forward(...xs);
      const want = io[name];
      expect(out.shape).toEqual(want.shape);
      expectClose(out.data, want.data, bound(want), name);
      out.sum().backward();
      for (const i of grads) expectClose(xs[i].grad!.data, io[`${name}.grad${i}`].data, bound(io[`${name}.grad${i}`]), `${name} grad of ${args[i]}`);
    });
  }
});

describe('loss module options are checked in the constructor', () => {
  const bad: Array<[string, () => unknown, typeof RangeError, RegExp]> = [
    ['labelSmoothing 1.5', () => new CrossEntropyLoss({ labelSmoothing: 1.5 }), RangeError, /^nodegrad\.CrossEntropyLoss: expected labelSmoothing in \[0, 1\]/],
    ['ignoreIndex 0.5', () => new NLLLoss({ ignoreIndex: 0.5 }), RangeError, /^nodegrad\.NLLLoss: expected ignoreIndex to be an integer/],
    ['negative beta', () => new SmoothL1Loss({ beta: -1 }), RangeError, /^nodegrad\.SmoothL1Loss: expected beta >= 0/],
    ['delta 0', () => new HuberLoss({ delta: 0 }), RangeError, /^nodegrad\.HuberLoss: expected delta > 0/],
    ['weight not a tensor', () => new BCELoss({ weight: [1, 2] as unknown as Tensor }), TypeError, /^nodegrad\.BCELoss: expected weight to be a Tensor/],
    ['posWeight not a tensor', () => new BCEWithLogitsLoss({ posWeight: 2 as unknown as Tensor }), TypeError, /^nodegrad\.BCEWithLogitsLoss: expected posWeight to be a Tensor or null/],
    ['KLDivLoss reduction', () => new KLDivLoss({ reduction: 'avg' as 'mean' }), RangeError, /^nodegrad\.KLDivLoss: expected reduction 'mean', 'batchmean', 'sum' or 'none', got avg/],
    ['PoissonNLLLoss eps', () => new PoissonNLLLoss({ eps: -1 }), RangeError, /^nodegrad\.PoissonNLLLoss: expected eps >= 0, got -1/],
    ['PoissonNLLLoss full', () => new PoissonNLLLoss({ full: 1 as unknown as boolean }), TypeError, /^nodegrad\.PoissonNLLLoss: expected full to be a boolean/],
    ['MarginRankingLoss margin', () => new MarginRankingLoss({ margin: NaN }), RangeError, /^nodegrad\.MarginRankingLoss: expected margin to be a finite number, got NaN/],
    ['CosineEmbeddingLoss reduction', () => new CosineEmbeddingLoss({ reduction: 'avg' as 'mean' }), RangeError, /^nodegrad\.CosineEmbeddingLoss: expected reduction/],
    ['KLDivLoss logTarget', () => new KLDivLoss({ logTarget: 'yes' as unknown as boolean }), TypeError, /^nodegrad\.KLDivLoss: expected logTarget to be a boolean/],
  ];
  for (const [name, make, cls, message] of bad) {
    it(name, () => {
      expect(make).toThrow(cls);
      expect(make).toThrow(message);
    });
  }
});
