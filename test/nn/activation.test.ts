import { describe, expect, it } from 'vitest';
import {
  ELU, functional as F, GELU, LeakyReLU, LogSoftmax, type Module, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh,
} from '../../lib/nn/index.js';
import { tensor } from '../../lib/ops/creation.js';
import type { Tensor } from '../../lib/tensor.js';
import { expectBitwise, expectClose } from '../helpers/close.js';
import { rng } from '../helpers/rng.js';

/** erf by its Maclaurin series: float64-accurate to ~1e-13 for |x| ≤ 3/√2 (the largest term is ~10). */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** Elementwise modules: the module, its op, and the documented formula in float64. */
const pointwise: Array<[string, () => Module, (x: Tensor) => Tensor, (v: number) => number]> = [
  ['ReLU', () => new ReLU(), (x) => F.relu(x), (v) => Math.max(v, 0)],
  ['LeakyReLU(0.2)', () => new LeakyReLU(0.2), (x) => F.leakyRelu(x, 0.2), (v) => (v > 0 ? v : 0.2 * v)],
  ['LeakyReLU default slope 0.01', () => new LeakyReLU(), (x) => F.leakyRelu(x, 0.01), (v) => (v > 0 ? v : 0.01 * v)],
  ['ELU(1.5)', () => new ELU(1.5), (x) => F.elu(x, 1.5), (v) => (v > 0 ? v : 1.5 * Math.expm1(v))],
  ['GELU', () => new GELU(), (x) => F.gelu(x), (v) => 0.5 * v * (1 + erf(v / Math.SQRT2))],
  ['GELU tanh', () => new GELU('tanh'), (x) => F.gelu(x, { approximate: 'tanh' }),
    (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
  ['Sigmoid', () => new Sigmoid(), (x) => F.sigmoid(x), sig],
  ['Tanh', () => new Tanh(), (x) => F.tanh(x), Math.tanh],
  ['SiLU', () => new SiLU(), (x) => F.silu(x), (v) => v * sig(v)],
  ['Softplus(2, 4)', () => new Softplus(2, 4), (x) => F.softplus(x, { beta: 2, threshold: 4 }),
    (v) => (2 * v > 4 ? v : Math.log1p(Math.exp(2 * v)) / 2)],
];

describe('activation modules', () => {
  const r = rng(13);
  const values = [...r.f32(200, -3, 3), 0, -0, 1, -1, 2, 2.5];
  for (const [name, make, op, formula] of pointwise) {
    it(`${name}: the op it wraps, and the formula in float64`, () => {
      const x64 = tensor(values, { dtype: 'float64' });
      const ref = values.map(formula);
      expectClose(make().forward(x64).data, ref, (i) => 1e-12 * Math.max(1, Math.abs(ref[i])), name);
      const x32 = tensor(values);
      expectBitwise(make().forward(x32).data, op(x32).data, name);
    });
  }

  it('Softmax and LogSoftmax along dim, against the formula in float64', () => {
    const rows = [[1, 2, 3], [-1, 0, 1000], [0.5, 0.5, 0.5]];
    const x = tensor(rows, { dtype: 'float64' });
    const soft = rows.map((row) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b);
      return { p: e.map((v) => v / s), logp: row.map((v) => v - m - Math.log(s)) };
    });
    expectClose(new Softmax(1).forward(x).data, soft.flatMap((s) => s.p), 1e-15);
    expectClose(new LogSoftmax(-1).forward(x).data, soft.flatMap((s) => s.logp), (i) => 1e-13 * Math.max(1, Math.abs(soft.flatMap((s) => s.logp)[i])));
    // Along dim 0: each column sums to one.
    const cols = new Softmax(0).forward(x).data;
    for (let c = 0; c < 3; c++) expect(cols[c] + cols[3 + c] + cols[6 + c]).toBeCloseTo(1, 14);
    const x32 = tensor(rows);
    expectBitwise(new Softmax(1).forward(x32).data, F.softmax(x32, 1).data);
    expectBitwise(new LogSoftmax(0).forward(x32).data, F.logSoftmax(x32, 0).data);
  });

  it('print their options like PyTorch', () => {
    expect(new LeakyReLU(0.2).toString()).toBe('LeakyReLU(negativeSlope=0.2)');
    expect(new GELU('tanh').toString()).toBe("GELU(approximate='tanh')");
    expect(new Softmax(1).toString()).toBe('Softmax(dim=1)');
    expect(new ReLU().toString()).toBe('ReLU()');
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['LeakyReLU NaN slope', () => new LeakyReLU(NaN), /^nodegrad\.LeakyReLU: expected negativeSlope to be a finite number/],
    ['ELU string alpha', () => new ELU('1' as unknown as number), /^nodegrad\.ELU: expected alpha/],
    ['GELU unknown approximation', () => new GELU('erf' as 'none'), /^nodegrad\.GELU: expected approximate/],
    ['Softplus beta 0', () => new Softplus(0), /^nodegrad\.Softplus: expected beta to be nonzero/],
    ['Softplus infinite threshold', () => new Softplus(1, Infinity), /^nodegrad\.Softplus: expected threshold/],
    ['Softmax fractional dim', () => new Softmax(0.5), /^nodegrad\.Softmax: expected dim to be an integer/],
    ['LogSoftmax missing dim', () => new (LogSoftmax as unknown as new () => Module)(), /^nodegrad\.LogSoftmax: expected dim/],
  ];
  for (const [name, make, message] of bad) {
    it(`${name} throws RangeError naming the argument`, () => {
      expect(make).toThrow(RangeError);
      expect(make).toThrow(message);
    });
  }
});
