/**
 * Loss conventions pinned against direct float64 formulas written from PyTorch's documentation (the op
 * table already checks gradients, backends, strides and errors). The crossEntropy case was also checked
 * against torch 1.13 once (0.79369973490039).
 */
import { describe, expect, it } from 'vitest';
import * as ng from '../../lib/index.js';

const f64 = { dtype: 'float64' } as const;

describe('losses', () => {
  it('crossEntropy with weights, label smoothing and ignoreIndex follows PyTorch', () => {
    const x = [[0.1, 1.2, -0.5, 2.0], [1.0, -1.0, 0.3, 0.2], [0.0, 0.5, 0.25, -2.0]];
    const t = [3, -100, 1];
    const w = [0.5, 1.5, 1, 2];
    const eps = 0.2, C = 4;
    let num = 0, den = 0;
    x.forEach((row, i) => {
      if (t[i] === -100) return;
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      const logp = row.map((v) => v - lse);
      num += -(1 - eps) * w[t[i]] * logp[t[i]] - (eps / C) * logp.reduce((s, v, c) => s + w[c] * v, 0);
      den += w[t[i]];
    });
    const got = ng.crossEntropy(ng.tensor(x, f64), ng.tensor(t, f64), { weight: ng.tensor(w, f64), labelSmoothing: eps }).item();
    expect(Math.abs(got - num / den)).toBeLessThan(1e-14);
    expect(Math.abs(got - 0.79369973490039)).toBeLessThan(1e-12);
  });

  it('reductions: sum and none agree with mean; all-ignored mean is NaN', () => {
    const x = ng.randn([4, 3], f64);
    const t = ng.tensor([0, 2, 1, 1], f64);
    const none = ng.crossEntropy(x, t, { reduction: 'none' });
    expect(none.shape).toEqual([4]);
    expect(Math.abs(ng.sum(none).item() - ng.crossEntropy(x, t, { reduction: 'sum' }).item())).toBeLessThan(1e-12);
    expect(Math.abs(ng.mean(none).item() - ng.crossEntropy(x, t).item())).toBeLessThan(1e-12);
    expect(ng.crossEntropy(x, ng.full([4], -100, f64)).item()).toBeNaN();
  });

  it('element-wise losses match their formulas', () => {
    const a = [0.3, -1.2, 2.5, 0.1], b = [1, 0.5, 0.25, 0.1];
    const A = ng.tensor(a, f64), B = ng.tensor(b, f64);
    const mean = (f: (x: number, y: number) => number) => a.reduce((s, x, i) => s + f(x, b[i]), 0) / a.length;
    const close = (got: number, ref: number) => expect(Math.abs(got - ref)).toBeLessThan(1e-14);
    close(ng.mseLoss(A, B).item(), mean((x, y) => (x - y) ** 2));
    close(ng.l1Loss(A, B).item(), mean((x, y) => Math.abs(x - y)));
    close(ng.smoothL1Loss(A, B, { beta: 0.5 }).item(), mean((x, y) => (Math.abs(x - y) < 0.5 ? (0.5 * (x - y) ** 2) / 0.5 : Math.abs(x - y) - 0.25)));
    close(ng.huberLoss(A, B, { delta: 0.5 }).item(), mean((x, y) => (Math.abs(x - y) <= 0.5 ? 0.5 * (x - y) ** 2 : 0.5 * (Math.abs(x - y) - 0.25))));
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const yb = [1, 0, 0.5, 1];
    close(ng.bceWithLogits(A, ng.tensor(yb, f64)).item(), a.reduce((s, x, i) => s - (yb[i] * Math.log(sig(x)) + (1 - yb[i]) * Math.log(1 - sig(x))), 0) / 4);
    close(ng.binaryCrossEntropy(ng.sigmoid(A), ng.tensor(yb, f64)).item(), ng.bceWithLogits(A, ng.tensor(yb, f64)).item());
    // PyTorch clamps the logs at −100: p = 0 with y = 1 costs exactly 100.
    expect(ng.binaryCrossEntropy(ng.tensor([0], f64), ng.tensor([1], f64)).item()).toBe(100);
  });

  it('regression losses broadcast a target of another shape with one warning per op and shape pair, as PyTorch', () => {
    const warnings: Error[] = [];
    const emit = process.emitWarning;
    const codes: unknown[] = [];
    process.emitWarning = ((msg: string, opts: { code?: string }) => { codes.push(opts?.code); warnings.push(new Error(msg)); }) as typeof process.emitWarning;
    try {
      const x = ng.tensor([[1], [2], [3]], f64), t = ng.tensor([1, 2, 4], f64);
      for (const loss of [ng.mseLoss, ng.l1Loss, ng.smoothL1Loss, ng.huberLoss]) {
        const before = warnings.length;
        const got = loss(x, t, { reduction: 'none' });
        expect(got.shape).toEqual([3, 3]); // broadcast, as torch does
        loss(x, t); // same shapes again: no second warning
        expect(warnings.length).toBe(before + 1);
        expect(warnings[before].message).toMatch(/target shape \[3\] differs from input shape \[3, 1\]/);
        loss(t, t); // equal shapes: no warning
        expect(warnings.length).toBe(before + 1);
      }
      expect(codes).toEqual(Array(4).fill('NODEGRAD_LOSS_BROADCAST'));
      expect(() => ng.mseLoss(ng.zeros([2, 3], f64), ng.zeros([4], f64))).toThrow(/mseLoss: expected input and target of broadcastable shapes/);
    } finally {
      process.emitWarning = emit;
    }
  });

  it('crossEntropy with probability targets: weighted, smoothed, mean over samples (not over weights)', () => {
    const x = [[0.1, 1.2, -0.5], [1.0, -1.0, 0.3]];
    const q = [[0.2, 0.5, 0.3], [0.6, 0.0, 0.4]];
    const w = [0.5, 1.5, 2];
    const eps = 0.1, C = 3;
    let total = 0;
    x.forEach((row, i) => {
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      row.forEach((v, c) => { total -= w[c] * ((1 - eps) * q[i][c] + eps / C) * (v - lse); });
    });
    const got = ng.crossEntropy(ng.tensor(x, f64), ng.tensor(q, f64), { weight: ng.tensor(w, f64), labelSmoothing: eps }).item();
    expect(Math.abs(got - total / 2)).toBeLessThan(1e-14);
  });

  it('bceWithLogits with posWeight stays finite and exact for huge logits in float32', () => {
    const x = [-1000, -100, -30, 30, 100, 1000], y = [1, 0.5, 1, 0, 0.5, 0], p = 3;
    const want = x.map((v, i) => (1 - y[i]) * v + (1 + (p - 1) * y[i]) * Math.max(-v, 0) + (1 + (p - 1) * y[i]) * Math.log1p(Math.exp(-Math.abs(v))));
    const xt = ng.tensor(x, { requiresGrad: true });
    const l = ng.bceWithLogits(xt, ng.tensor(y), { posWeight: ng.tensor([p]), reduction: 'none' });
    l.data.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(2 ** -23 * Math.max(1, want[i])));
    ng.sum(l).backward();
    // d/dx = (1 + (p − 1)y)·sigmoid(x) − p·y
    xt.grad!.data.forEach((g, i) => {
      const s = 1 / (1 + Math.exp(-x[i]));
      expect(Math.abs(g - ((1 + (p - 1) * y[i]) * s - p * y[i]))).toBeLessThanOrEqual(2 ** -22);
    });
  });

  it('dropout is seeded, scales kept elements by 1/(1 − p) and is the identity in eval', () => {
    const x = ng.ones([10000]);
    const y = ng.dropout(x, { p: 0.25, generator: new ng.Generator(3) });
    const kept = Array.from(y.data).filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.03);
    expect(Array.from(ng.dropout(x, { p: 0.25, generator: new ng.Generator(3) }).data)).toEqual(Array.from(y.data));
    expect(ng.dropout(x, { training: false })).toBe(x);
    expect(Array.from(ng.dropout(x, { p: 1 }).data).every((v) => v === 0)).toBe(true);
  });
});
