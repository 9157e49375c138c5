import { describe, expect, it } from 'vitest';
import {
  BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss, functional as F,
} from '../../lib/nn/index.js';
import { randn, rand, tensor } from '../../lib/ops/creation.js';
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
  });
});
