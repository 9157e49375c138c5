import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../lib/autograd/gradcheck.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../../lib/nn/index.js';
import { manualSeed, randn, tensor } from '../../lib/ops/creation.js';
import type { Tensor } from '../../lib/tensor.js';
import { expectBitwise, expectClose } from '../helpers/close.js';

const f64 = { dtype: 'float64' as const };

describe('recurrent modules', () => {
  it("have PyTorch's parameter names, shapes and init range", () => {
    const m = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const names = [...m.namedParameters()].map(([n, p]) => `${n}:${p.shape.join('x')}`);
    expect(names.slice(0, 8)).toEqual([
      'weight_ih_l0:20x3', 'weight_hh_l0:20x5', 'bias_ih_l0:20', 'bias_hh_l0:20',
      'weight_ih_l0_reverse:20x3', 'weight_hh_l0_reverse:20x5', 'bias_ih_l0_reverse:20', 'bias_hh_l0_reverse:20',
    ]);
    expect(names[8]).toBe('weight_ih_l1:20x10');
    const bound = 1 / Math.sqrt(5);
    for (const p of m.parameters()) expect(Math.max(...Array.from(p.data).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Object.keys(new GRUCell(2, 3, { bias: false }).stateDict())).toEqual(['weight_ih', 'weight_hh']);
    for (const [cell, G] of [[new LSTMCell(7, 16), 4], [new GRUCell(7, 16), 3]] as const) {
      expect(Object.fromEntries([...cell.namedParameters()].map(([n, p]) => [n, p.shape]))).toEqual({
        weight_ih: [G * 16, 7], weight_hh: [G * 16, 16], bias_ih: [G * 16], bias_hh: [G * 16],
      });
      const all = [...cell.parameters()].flatMap((p) => Array.from(p.data));
      expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...all)).toBeGreaterThan(0.24);
      expect(Math.min(...all)).toBeLessThan(-0.24);
    }
    expect(new GRU(2, 3, { numLayers: 2, batchFirst: true }).toString()).toBe('GRU(2, 3, numLayers=2, batchFirst=true)');
  });

  it('hand-computed GRU cell step (batch 1, hidden 2): the hidden bias sits inside the reset product', () => {
    const cell = new GRUCell(1, 2, f64);
    cell.weight_ih.data.set([1, -1, 0.5, 0.25, 2, -2]);
    cell.weight_hh.data.set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]);
    cell.bias_ih!.data.set([0, 0, 0, 0, 0.1, 0.2]);
    cell.bias_hh!.data.set([0, 0, 0, 0, 0.3, 0.4]);
    const x = 0.5, h = [1, -1];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const gh = (row: number) => cell.weight_hh.data[2 * row] * h[0] + cell.weight_hh.data[2 * row + 1] * h[1];
    const wi = cell.weight_ih.data;
    const r = [sig(wi[0] * x + gh(0)), sig(wi[1] * x + gh(1))];
    const z = [sig(wi[2] * x + gh(2)), sig(wi[3] * x + gh(3))];
    const n = [Math.tanh(wi[4] * x + 0.1 + r[0] * (gh(4) + 0.3)), Math.tanh(wi[5] * x + 0.2 + r[1] * (gh(5) + 0.4))];
    const want = [0, 1].map((j) => (1 - z[j]) * n[j] + z[j] * h[j]);
    expectClose(cell.forward(tensor([x], f64), tensor(h, f64)).data, want, 1e-15);
  });

  it('unbatched and batchFirst inputs agree with the batched, sequence-first form', () => {
    manualSeed(4);
    const m = new LSTM(3, 4);
    const x = randn(5, 2, 3);
    const [y] = m.forward(x);
    const [y0] = m.forward(x.select(1, 0).contiguous());
    expectBitwise(y0.data, y.select(1, 0).contiguous().data);
    const bf = new LSTM(3, 4, { batchFirst: true });
    bf.loadStateDict(m.stateDict());
    const [yb, [hb]] = bf.forward(x.transpose(0, 1).contiguous());
    expectBitwise(yb.transpose(0, 1).contiguous().data, y.data);
    expect(hb.shape).toEqual([1, 2, 4]);
    expect(() => m.forward(randn(5, 2, 4))).toThrow(/3 features/);
    expect(() => m.forward(x, [randn(2, 2, 4), randn(1, 2, 4)])).toThrow(/h0 of shape \[1, 2, 4\]/);
  });

  it('dropout applies between layers in training only', () => {
    manualSeed(5);
    const m = new RNN(2, 3, { numLayers: 2, dropout: 0.5 });
    const x = randn(4, 1, 2);
    m.eval();
    const [a] = m.forward(x);
    const [b] = m.forward(x);
    expectBitwise(a.data, b.data);
    m.train();
    const [c] = m.forward(x);
    expect(Array.from(c.data)).not.toEqual(Array.from(a.data));
  });

  for (const [name, make] of Object.entries({
    'LSTM bidirectional': () => new LSTM(2, 2, { bidirectional: true, ...f64 }),
    'GRU 2 layers': () => new GRU(2, 2, { numLayers: 2, ...f64 }),
    'RNN relu': () => new RNN(2, 2, { nonlinearity: 'relu', ...f64 }),
  })) {
    it(`${name}: gradients match finite differences (float64, T = 3)`, () => {
      manualSeed(6);
      const m = make();
      const x = randn(3, 2, 2, { ...f64, requiresGrad: true });
      const params = [...m.parameters()];
      expect(gradcheck((xx) => (m.forward(xx) as [Tensor, unknown])[0], [x])).toBe(true);
      expect(gradcheck((w) => { void w; return (m.forward(x.detach()) as [Tensor, unknown])[0]; }, [params[0]])).toBe(true);
    });
  }

  it('gradients flow from hN and cN into x, h0 and c0 (float64)', () => {
    manualSeed(7);
    const m = new LSTM(2, 2, { numLayers: 2, ...f64 });
    const x = randn(3, 1, 2, { ...f64, requiresGrad: true });
    const h0 = randn(2, 1, 2, { ...f64, requiresGrad: true });
    const c0 = randn(2, 1, 2, { ...f64, requiresGrad: true });
    expect(gradcheck((a, b, c) => m.forward(a, [b, c])[1][1], [x, h0, c0])).toBe(true);
    expect(gradcheck((a, b, c) => m.forward(a, [b, c])[1][0].mul(m.forward(a, [b, c])[0].sum()), [x, h0, c0])).toBe(true);
  });

  it('cells accept missing states (zeros) and unbatched input', () => {
    const c = new LSTMCell(3, 2);
    const [h, cc] = c.forward(randn(3));
    expect(h.shape).toEqual([2]);
    expect(cc.shape).toEqual([2]);
    expect(new RNNCell(3, 2, { nonlinearity: 'relu' }).forward(randn(4, 3)).shape).toEqual([4, 2]);
    expect(() => new RNNCell(3, 2).forward(randn(4, 2))).toThrow(/\[B, 3\]/);
    expect(() => new LSTM(0, 2)).toThrow(RangeError);
  });
});
