import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../lib/autograd/gradcheck.js';
import { Generator, manualSeed, randn, tensor, zeros } from '../../lib/ops/creation.js';
import { linear } from '../../lib/ops/linalg.js';
import { Tensor } from '../../lib/tensor.js';
import {
  BatchNorm1d, BatchNorm2d, Dropout, Embedding, Flatten, functional as F, init, LayerNorm, Linear, Parameter, utils,
} from '../../lib/nn/index.js';
import { EPS32, expectBitwise, expectClose } from '../helpers/close.js';
import { rng } from '../helpers/rng.js';

const f64 = { dtype: 'float64' as const };

describe('Linear', () => {
  it('y = x·Wᵀ + b, against a float64 loop', () => {
    const r = rng(11);
    const m = new Linear(5, 3);
    const x = tensor(r.f32(4 * 5), { shape: [4, 5] });
    const y = m.forward(x).data;
    const W = m.weight.data, b = m.bias!.data, xd = x.data;
    const ref: number[] = [];
    const bound: number[] = [];
    for (let i = 0; i < 4; i++) for (let o = 0; o < 3; o++) {
      let s = b[o], g = Math.abs(b[o]);
      for (let k = 0; k < 5; k++) { s += xd[i * 5 + k] * W[o * 5 + k]; g += Math.abs(xd[i * 5 + k] * W[o * 5 + k]); }
      ref.push(s);
      bound.push((5 + 2) * EPS32 * g);
    }
    expectClose(y, ref, (i) => bound[i]);
    expectBitwise(y, linear(x, m.weight, m.bias).data);
    expect(new Linear(5, 3, { bias: false }).forward(x).shape).toEqual([4, 3]);
    expect(m.forward(zeros(2, 7, 5)).shape).toEqual([2, 7, 3]);
  });

  it('initialises weight and bias in U(−1/√in, 1/√in), seeded', () => {
    manualSeed(3);
    const m = new Linear(64, 32);
    const bound = 1 / 8;
    for (const t of [m.weight, m.bias!]) {
      const d = Array.from(t.data);
      expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...d)).toBeGreaterThan(0.8 * bound);
      expect(Math.min(...d)).toBeLessThan(-0.8 * bound);
    }
    manualSeed(3);
    expectBitwise(new Linear(64, 32).weight.data, m.weight.data);
    expect(() => new Linear(-1, 2)).toThrow(RangeError);
  });

  it('gradients match finite differences (float64)', () => {
    const m = new Linear(3, 2, { dtype: 'float64' });
    const x = randn(4, 3, { ...f64, requiresGrad: true });
    expect(gradcheck((xx, w, b) => linear(xx, w, b), [x, m.weight, m.bias!])).toBe(true);
  });
});

/** Per-channel batch statistics of x [N, C, L] in float64. */
function channelStats(x: Float32Array | Float64Array, N: number, C: number, L: number): { mean: number[]; varB: number[] } {
  const mean: number[] = [], varB: number[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let l = 0; l < L; l++) s += x[(n * C + c) * L + l];
    const m = s / (N * L);
    let v = 0;
    for (let n = 0; n < N; n++) for (let l = 0; l < L; l++) v += (x[(n * C + c) * L + l] - m) ** 2;
    mean.push(m);
    varB.push(v / (N * L));
  }
  return { mean, varB };
}

describe('BatchNorm', () => {
  it('training: normalises with batch stats, updates running stats (unbiased var), counts batches', () => {
    const r = rng(5);
    const [N, C, H, W] = [3, 2, 2, 2];
    const bn = new BatchNorm2d(C, { momentum: 0.3 });
    bn.weight!.data.set([2, -1]);
    bn.bias!.data.set([0.5, 0]);
    const x = tensor(r.f32(N * C * H * W, -2, 2), { shape: [N, C, H, W] });
    const y = bn.forward(x).data;
    const L = H * W;
    const { mean, varB } = channelStats(x.data, N, C, L);
    const ref: number[] = [];
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let l = 0; l < L; l++) {
      ref.push(((x.data[(n * C + c) * L + l] - mean[c]) / Math.sqrt(varB[c] + 1e-5)) * [2, -1][c] + [0.5, 0][c]);
    }
    expectClose(y, ref, (i) => 1e-5 * Math.max(1, Math.abs(ref[i])));
    const count = N * L;
    expectClose(bn.runningMean!.data, mean.map((m) => 0.3 * m), 1e-7);
    expectClose(bn.runningVar!.data, varB.map((v) => 0.7 + (0.3 * v * count) / (count - 1)), 1e-6);
    expect(bn.numBatchesTracked).toBe(1);
  });

  it('eval uses the running statistics; momentum null is a cumulative average', () => {
    const bn = new BatchNorm1d(2, { momentum: null });
    bn.forward(tensor([[0, 10], [2, 14]]));
    bn.forward(tensor([[4, 10], [6, 10]]));
    expect(bn.numBatchesTracked).toBe(2);
    // Means 1, 12 then 5, 10: cumulative average 3, 11. Unbiased vars 2, 8 then 2, 0: average 2, 4.
    expectClose(bn.runningMean!.data, [3, 11], 1e-6);
    expectClose(bn.runningVar!.data, [2, 4], 1e-6);
    bn.eval();
    const y = bn.forward(tensor([[3, 13]])).data;
    expectClose(y, [0, 2 / Math.sqrt(4 + 1e-5)], 1e-6);
    expect(bn.numBatchesTracked).toBe(2);
  });

  it('BatchNorm1d over [N, C, L] normalises per channel over N and L', () => {
    const r = rng(8);
    const [N, C, L] = [4, 3, 5];
    const bn = new BatchNorm1d(C, { dtype: 'float64' });
    const x = tensor(r.f32(N * C * L, -3, 3), { shape: [N, C, L], dtype: 'float64' });
    const { mean, varB } = channelStats(x.data, N, C, L);
    const ref: number[] = [];
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let l = 0; l < L; l++) ref.push((x.data[(n * C + c) * L + l] - mean[c]) / Math.sqrt(varB[c] + 1e-5));
    expectClose(bn.forward(x).data, ref, 1e-12);
    expectClose(bn.runningVar!.data, varB.map((v) => 0.9 + (0.1 * v * N * L) / (N * L - 1)), 1e-15);
  });

  it("affine false and trackRunningStats false: PyTorch's state dict keys and batch statistics in eval", () => {
    expect(Object.keys(new BatchNorm2d(3, { affine: false }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    const free = new BatchNorm1d(2, { trackRunningStats: false, dtype: 'float64' });
    expect(Object.keys(free.stateDict())).toEqual(['weight', 'bias']);
    free.eval();
    const y = free.forward(tensor([[1, 10], [3, 30]], { dtype: 'float64' })).data;
    // Batch statistics even in eval: each column becomes ∓1/√(1 + eps/var).
    expectClose(y, [-1 / Math.sqrt(1 + 1e-5), -1 / Math.sqrt(1 + 1e-5 / 100), 1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5 / 100)], 1e-15);
    expect(free.numBatchesTracked).toBe(0);
    expect(new BatchNorm1d(2).toString()).toBe('BatchNorm1d(2, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)');
  });

  it('checks shapes and refuses one value per channel in training', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn.forward(zeros(4, 2))).toThrow(/3 channels/);
    expect(() => bn.forward(zeros(4, 3, 2, 2))).toThrow(/rank 2 or 3/);
    expect(() => bn.forward(zeros(1, 3))).toThrow(/more than 1 value per channel/);
    expect(() => new BatchNorm2d(0)).toThrow(RangeError);
    expect(() => new BatchNorm2d(2, { momentum: 1.5 })).toThrow(/momentum/);
    expect(() => new BatchNorm2d(2, { eps: 0 })).toThrow(/eps/);
  });

  it('gradients through batch statistics match finite differences (float64)', () => {
    const x = randn(4, 3, 2, { ...f64, requiresGrad: true });
    const w = randn(3, { ...f64, requiresGrad: true });
    const b = randn(3, { ...f64, requiresGrad: true });
    expect(gradcheck((xx, ww, bb) => F.batchNorm(xx, { weight: ww, bias: bb, training: true }), [x, w, b])).toBe(true);
  });
});

describe('LayerNorm, Embedding, Dropout, Flatten', () => {
  it('LayerNorm normalises the trailing dims', () => {
    const ln = new LayerNorm([2, 2]);
    ln.weight!.data.set([1, 2, 3, 4]);
    const x = tensor([[[1, 2], [3, 4]], [[0, 0], [0, 8]]]);
    const y = ln.forward(x).data;
    const ref: number[] = [];
    for (const row of [[1, 2, 3, 4], [0, 0, 0, 8]]) {
      const m = row.reduce((a, b) => a + b) / 4;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
      row.forEach((e, i) => ref.push(((e - m) / Math.sqrt(v + 1e-5)) * (i + 1)));
    }
    expectClose(y, ref, 1e-5);
    expect(() => ln.forward(zeros(2, 3))).toThrow(/trailing dims/);
    const xg = randn(2, 3, { ...f64, requiresGrad: true });
    const wg = randn(3, { ...f64, requiresGrad: true });
    expect(gradcheck((a, w) => F.layerNorm(a, [3], w, null), [xg, wg])).toBe(true);
  });

  it('Embedding looks rows up; the padding row gets no gradient', () => {
    const e = new Embedding(5, 3, { paddingIdx: 0 });
    expect(Array.from(e.weight.data.subarray(0, 3))).toEqual([0, 0, 0]);
    e.weight.data[0] = 7; // a changed padding row is still returned as is
    const idx = tensor([[1, 0], [4, 1]]);
    const y = e.forward(idx);
    expect(y.shape).toEqual([2, 2, 3]);
    expect(Array.from(y.data.subarray(3, 6))).toEqual([7, 0, 0]);
    expect(Array.from(y.data.subarray(0, 3))).toEqual(Array.from(e.weight.data.subarray(3, 6)));
    y.sum().backward();
    expect(Array.from(e.weight.grad!.data)).toEqual([0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(() => e.forward(tensor([5]))).toThrow(/\[0, 5\)/);
    expect(() => e.forward(tensor([1.5]))).toThrow(RangeError);
  });

  it('Dropout: identity in eval, inverted scaling in training, seeded', () => {
    const d = new Dropout(0.25);
    const x = tensor(new Float32Array(4000).fill(1));
    manualSeed(9);
    const y = d.forward(x).data;
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros / 4000).toBeGreaterThan(0.2);
    expect(zeros / 4000).toBeLessThan(0.3);
    expect(y.every((v) => v === 0 || v === Math.fround(1 / 0.75))).toBe(true);
    manualSeed(9);
    expectBitwise(d.forward(x).data, y);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(() => new Dropout(1.5)).toThrow(RangeError);
    expect(F.dropout(x, { p: 1 }).data.every((v) => v === 0)).toBe(true);
  });

  it('Flatten keeps the batch dim', () => {
    expect(new Flatten().forward(zeros(2, 3, 4, 5)).shape).toEqual([2, 60]);
    expect(new Flatten(0).forward(zeros(2, 3)).shape).toEqual([6]);
    expect(new Flatten(1, 2).forward(zeros(2, 3, 4, 5)).shape).toEqual([2, 12, 5]);
    expect(() => new Flatten(0.5)).toThrow(/^nodegrad\.Flatten: expected startDim and endDim to be integers/);
  });
});

describe('nn.init', () => {
  const stats = (t: Tensor) => {
    const d = Array.from(t.data);
    const m = d.reduce((a, b) => a + b) / d.length;
    return { m, sd: Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length), max: Math.max(...d.map(Math.abs)) };
  };
  const w = () => new Parameter(zeros(200, 100));

  it('uniform and normal forms have the documented bounds and spreads', () => {
    const g = new Generator(1);
    expect(stats(init.uniform_(w(), -2, 3, g)).m).toBeCloseTo(0.5, 1);
    const n = stats(init.normal_(w(), 1, 2, g));
    expect(n.m).toBeCloseTo(1, 1);
    expect(n.sd).toBeCloseTo(2, 1);
    const xb = Math.sqrt(6 / 300);
    const xu = stats(init.xavierUniform_(w(), 1, g));
    expect(xu.max).toBeLessThanOrEqual(xb);
    expect(xu.sd).toBeCloseTo(xb / Math.sqrt(3), 2);
    expect(stats(init.xavierNormal_(w(), 2, g)).sd).toBeCloseTo(2 * Math.sqrt(2 / 300), 2);
    const ku = stats(init.kaimingUniform_(w(), { nonlinearity: 'relu', generator: g }));
    expect(ku.max).toBeLessThanOrEqual(Math.sqrt(3) * Math.SQRT2 / 10);
    expect(stats(init.kaimingNormal_(w(), { mode: 'fanOut', nonlinearity: 'relu', generator: g })).sd).toBeCloseTo(Math.SQRT2 / Math.sqrt(200), 2);
  });

  it('gains, fans and the constant forms', () => {
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateFanInAndFanOut(zeros(8, 3, 5, 5))).toEqual([75, 200]);
    expect(() => init.calculateFanInAndFanOut(zeros(3))).toThrow(RangeError);
    expect(Array.from(init.eye_(zeros(2, 3)).data)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(init.constant_(zeros(2), 0.5).data)).toEqual([0.5, 0.5]);
    expect(Array.from(init.ones_(zeros(2)).data)).toEqual([1, 1]);
    expect(() => init.normal_(zeros(2), 0, -1)).toThrow(RangeError);
    expect(() => init.uniform_(3 as unknown as Tensor)).toThrow(TypeError);
    expect(() => init.uniform_(zeros(2), 1, 0)).toThrow(/^nodegrad\.init\.uniform_: expected a <= b/);
    expect(Array.from(init.zeros_(init.ones_(zeros(3))).data)).toEqual([0, 0, 0]);
  });

  it('every random initialiser is reproducible from a seeded generator', () => {
    const fills: Array<(t: Tensor, g: Generator) => Tensor> = [
      (t, g) => init.uniform_(t, -1, 1, g), (t, g) => init.normal_(t, 0, 1, g), (t, g) => init.xavierUniform_(t, 1, g),
      (t, g) => init.xavierNormal_(t, 1, g), (t, g) => init.kaimingUniform_(t, { generator: g }), (t, g) => init.kaimingNormal_(t, { generator: g }),
    ];
    for (const fill of fills) {
      const a = fill(zeros(6, 5), new Generator(42)).data;
      expectBitwise(fill(zeros(6, 5), new Generator(42)).data, a);
      expect(Array.from(fill(zeros(6, 5), new Generator(43)).data)).not.toEqual(Array.from(a));
    }
  });

  it("kaiming's defaults are PyTorch's: a = 0, fan in, leaky_relu (gain √(2/(1 + 0²)) = √2)", () => {
    const t = init.kaimingNormal_(zeros(400, 50), { generator: new Generator(5) });
    expect(stats(t).sd).toBeCloseTo(Math.SQRT2 / Math.sqrt(50), 2);
    expect(stats(init.kaimingUniform_(zeros(400, 50), { generator: new Generator(5) })).max).toBeLessThanOrEqual(Math.sqrt(3) * Math.SQRT2 / Math.sqrt(50));
  });
});

describe('gradient clipping', () => {
  const withGrad = (g: number[]) => {
    const p = new Parameter(zeros(g.length));
    p.grad = tensor(g);
    return p;
  };

  it('clipGradNorm_ scales all gradients together and returns the norm before clipping', () => {
    const a = withGrad([3, 0]);
    const b = withGrad([0, 4]);
    expect(utils.clipGradNorm_([a, b], 1)).toBeCloseTo(5, 6);
    const c = 1 / (5 + 1e-6);
    expectClose(a.grad!.data, [3 * c, 0], 1e-7);
    expectClose(b.grad!.data, [0, 4 * c], 1e-7);
    const small = withGrad([0.1, 0.1]);
    utils.clipGradNorm_(small, 1);
    expectBitwise(small.grad!.data, [0.1, 0.1]);
    expect(utils.clipGradNorm_([withGrad([-7, 2])], 1, Infinity)).toBe(7);
    expect(utils.clipGradNorm_([withGrad([1, 1])], 1, 1)).toBe(2);
    expect(() => utils.clipGradNorm_([withGrad([NaN])], 1, 2, true)).toThrow(/finite/);
    expect(() => utils.clipGradNorm_([a], -1)).toThrow(RangeError);
  });

  it('clipGradValue_ clamps each element', () => {
    const a = withGrad([-3, 0.5, 2]);
    utils.clipGradValue_([a], 1);
    expect(Array.from(a.grad!.data)).toEqual([-1, 0.5, 1]);
  });
});
