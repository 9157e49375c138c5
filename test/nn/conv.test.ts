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

  it('hand-computed: a 2×2 kernel over a 3×3 image, and a 1-D kernel with stride and padding', () => {
    const m = new Conv2d(1, 1, 2, { dtype: 'float64' });
    m.weight.data.set([1, 2, 3, 4]);
    m.bias!.data.set([0.5]);
    const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], { dtype: 'float64' });
    // out[i][j] = x[i][j] + 2x[i][j+1] + 3x[i+1][j] + 4x[i+1][j+1] + 0.5
    expect(m.forward(x).toArray()).toEqual([[[[37.5, 47.5], [67.5, 77.5]]]]);
    const c = new Conv1d(1, 1, 3, { stride: 2, padding: 1, bias: false, dtype: 'float64' });
    c.weight.data.set([1, -1, 2]);
    // Padded input [0, 1, 2, 3, 4, 0]: windows at 0, 2 → 0 − 1 + 4, 2 − 3 + 8.
    expect(c.forward(tensor([[[1, 2, 3, 4]]], { dtype: 'float64' })).toArray()).toEqual([[[3, 7]]]);
  });

  it('pooling options are checked in the constructor', () => {
    expect(() => new MaxPool2d(3, { padding: 2 })).toThrow(/^nodegrad\.MaxPool2d: expected padding at most half the kernel size 3, got 2/);
    expect(() => new AvgPool2d([2, 4], { padding: [1, 3] })).toThrow(RangeError);
    expect(() => new AvgPool2d(2, { countIncludePad: 1 as unknown as boolean })).toThrow(/^nodegrad\.AvgPool2d: expected countIncludePad to be a boolean/);
    expect(() => new MaxPool2d(2, { ceilMode: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => new MaxPool2d(2, { stride: 0 })).toThrow(/stride/);
    expect(() => new AdaptiveAvgPool2d(0)).toThrow(/outputSize/);
    expect(() => new Conv2d(1, 1, 3, { bias: 0 as unknown as boolean })).toThrow(/^nodegrad\.Conv2d: expected bias to be a boolean/);
  });
});
