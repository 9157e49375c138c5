import { describe, expect, it } from 'vitest';
import { AdaptiveAvgPool2d, AvgPool2d, Conv1d, Conv2d, MaxPool2d } from '../../lib/nn/index.js';
import { conv1d, conv2d } from '../../lib/ops/conv.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../../lib/ops/pool.js';
import { manualSeed, randn, tensor } from '../../lib/ops/creation.js';
import { expectBitwise } from '../helpers/close.js';

describe('convolution layers', () => {
  it('Conv2d is conv2d over its parameters, with PyTorch shapes and init range', () => {
    manualSeed(2);
    const m = new Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 });
    expect(m.weight.shape).toEqual([6, 2, 3, 2]);
    expect(m.bias!.shape).toEqual([6]);
    const bound = 1 / Math.sqrt(2 * 3 * 2);
    for (const p of [m.weight, m.bias!]) expect(Math.max(...Array.from(p.data).map(Math.abs))).toBeLessThanOrEqual(bound);
    const x = randn(2, 4, 7, 6);
    const want = conv2d(x, m.weight, m.bias, { stride: [2, 1], padding: [1, 1], dilation: [1, 2], groups: 2 });
    expectBitwise(m.forward(x).data, want.data);
    expect(m.toString()).toBe('Conv2d(4, 6, kernelSize=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(1, 2), groups=2)');
  });

  it("padding 'same' keeps the size; 'valid' is none; bad arguments throw", () => {
    const same = new Conv2d(1, 2, 4, { padding: 'same', dilation: 2, bias: false });
    expect(same.forward(randn(1, 1, 9, 8)).shape).toEqual([1, 2, 9, 8]);
    expect(new Conv2d(1, 1, 3, { padding: 'valid' }).forward(randn(1, 1, 5, 5)).shape).toEqual([1, 1, 3, 3]);
    expect(Object.keys(same.stateDict())).toEqual(['weight']);
    expect(() => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(/stride 1 with padding 'same'/);
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/divisible by groups/);
    expect(() => new Conv2d(1, 1, 0)).toThrow(/kernelSize/);
  });

  it('Conv1d is conv1d over its parameters', () => {
    const m = new Conv1d(2, 4, 3, { stride: 2, padding: 1, groups: 2 });
    expect(m.weight.shape).toEqual([4, 1, 3]);
    const x = randn(3, 2, 11);
    expectBitwise(m.forward(x).data, conv1d(x, m.weight, m.bias, { stride: 2, padding: 1, groups: 2 }).data);
    expect(new Conv1d(1, 1, 4, { padding: 'same' }).forward(randn(1, 1, 10)).shape).toEqual([1, 1, 10]);
  });

  it('pooling layers are the pooling ops', () => {
    const x = randn(2, 3, 9, 8);
    expectBitwise(new MaxPool2d(3, { stride: 2, padding: 1 }).forward(x).data, maxPool2d(x, 3, { stride: 2, padding: 1 }).data);
    expectBitwise(new MaxPool2d(2).forward(x).data, maxPool2d(x, 2, { stride: 2 }).data);
    expectBitwise(new AvgPool2d(2, { ceilMode: true }).forward(x).data, avgPool2d(x, 2, { stride: 2, ceilMode: true }).data);
    expectBitwise(new AdaptiveAvgPool2d([3, null]).forward(x).data, adaptiveAvgPool2d(x, [3, 8]).data);
    expect(new AdaptiveAvgPool2d(1).forward(x).shape).toEqual([2, 3, 1, 1]);
    // A hand-computed 2×2 max and mean.
    const t = tensor([[[[1, 2], [3, 4]]]]);
    expect(new MaxPool2d(2).forward(t).item()).toBe(4);
    expect(new AvgPool2d(2).forward(t).item()).toBe(2.5);
    expect(new MaxPool2d(2).toString()).toBe('MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)');
  });
});
