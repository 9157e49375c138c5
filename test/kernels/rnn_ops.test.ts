/**
 * The Tensor-level recurrent ops (lib/ops/rnn.ts): one autograd node per sequence or cell over the fused
 * kernels. PyTorch agreement end to end (forward and every gradient through `backward()`, float64 on the JS
 * twin and float32 on the native backend), gradcheck of the cells and a small stack, and shape errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradcheck, gruCell, lstmCell, rnnCell, rnnSequence, tensor, type RnnLayerWeights, type RnnMode } from '../../lib/index.js';
import { Tensor } from '../../lib/tensor.js';
import { expectClose } from '../helpers/close.js';
import { rng } from '../helpers/rng.js';

interface Fixture {
  name: string; mode: RnnMode; T: number; B: number; I: number; H: number; layers: number;
  bidirectional: boolean; batchFirst: boolean; params: Record<string, number[]>; grads: Record<string, number[]>;
  [key: string]: unknown;
}
const fixtures = JSON.parse(readFileSync(new URL('./rnn_torch_fixture.json', import.meta.url), 'utf8')) as Fixture[];
const gates = (m: RnnMode) => (m === 'lstm' ? 4 : m === 'gru' ? 3 : 1);


function leaf(values: ArrayLike<number>, shape: number[], dtype: 'float32' | 'float64'): Tensor {
  const x = new Tensor(dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values), shape);
  x.requiresGrad = true;
  return x;
}

describe('rnnSequence vs PyTorch 1.13 through autograd', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const fx of fixtures.filter((f) => f.layers > 1 || f.batchFirst)) {
      it(`${fx.name} (${dtype})`, () => {
        const D = fx.bidirectional ? 2 : 1, G = gates(fx.mode), S = [fx.layers * D, fx.B, fx.H];
        const name = (k: string, l: number, d: number) => `${k}_l${l}${d ? '_reverse' : ''}`;
        const weights: RnnLayerWeights[] = [];
        for (let l = 0; l < fx.layers; l++) for (let d = 0; d < D; d++) {
          const inL = l === 0 ? fx.I : D * fx.H;
          weights.push({
            wIh: leaf(fx.params[name('weight_ih', l, d)], [G * fx.H, inL], dtype),
            wHh: leaf(fx.params[name('weight_hh', l, d)], [G * fx.H, fx.H], dtype),
            bIh: leaf(fx.params[name('bias_ih', l, d)], [G * fx.H], dtype),
            bHh: leaf(fx.params[name('bias_hh', l, d)], [G * fx.H], dtype),
          });
        }
        const x = leaf(fx.x as number[], fx.batchFirst ? [fx.B, fx.T, fx.I] : [fx.T, fx.B, fx.I], dtype);
        const h0 = leaf(fx.h0 as number[], S, dtype);
        const c0 = fx.mode === 'lstm' ? leaf(fx.c0 as number[], S, dtype) : null;
        const r = rnnSequence(x, h0, c0, weights, { mode: fx.mode, numLayers: fx.layers, bidirectional: fx.bidirectional, batchFirst: fx.batchFirst });
        const c = (v: unknown, shape: readonly number[]) => new Tensor(dtype === 'float64' ? Float64Array.from(v as number[]) : Float32Array.from(v as number[]), shape);
        let loss = r.output.mul(c(fx.dy, r.output.shape)).sum().add(r.hN.mul(c(fx.dhN, S)).sum());
        if (r.cN) loss = loss.add(r.cN.mul(c(fx.dcN, S)).sum());
        loss.backward();
        const tol = (ref: number) => (dtype === 'float64' ? 1e-12 + 1e-10 * Math.abs(ref) : 1e-5 + 1e-4 * Math.abs(ref));
        const check = (label: string, got: ArrayLike<number>, ref: unknown) =>
          expectClose(got, ref as number[], (i) => tol((ref as number[])[i]), `${fx.name} ${label}`);
        check('output', r.output.contiguous().data, fx.y);
        check('hN', r.hN.contiguous().data, fx.hN);
        if (r.cN) check('cN', r.cN.contiguous().data, fx.cN);
        check('dx', x.grad!.data, fx.dx);
        check('dh0', h0.grad!.data, fx.dh0);
        if (c0) check('dc0', c0.grad!.data, fx.dc0);
        let i = 0;
        for (let l = 0; l < fx.layers; l++) for (let d = 0; d < D; d++, i++) {
          check(name('weight_ih', l, d), weights[i].wIh.grad!.data, fx.grads[name('weight_ih', l, d)]);
          check(name('weight_hh', l, d), weights[i].wHh.grad!.data, fx.grads[name('weight_hh', l, d)]);
          check(name('bias_ih', l, d), weights[i].bIh!.grad!.data, fx.grads[name('bias_ih', l, d)]);
          check(name('bias_hh', l, d), weights[i].bHh!.grad!.data, fx.grads[name('bias_hh', l, d)]);
        }
      });
    }
  }
});

describe('recurrent cells: gradcheck (float64)', () => {
  const r = rng(77);
  const v = (shape: number[]) => leaf(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.uniform(-1, 1)), shape, 'float64');
  const w = (G: number, I: number, H: number): RnnLayerWeights => ({ wIh: v([G * H, I]), wHh: v([G * H, H]), bIh: v([G * H]), bHh: v([G * H]) });
  it('rnnCell (tanh and relu)', () => {
    const x = v([2, 3]), h = v([2, 2]), p = w(1, 3, 2);
    gradcheck((a, b, c, d, e, f) => rnnCell(a, b, { wIh: c, wHh: d, bIh: e, bHh: f }), [x, h, p.wIh, p.wHh, p.bIh!, p.bHh!]);
    gradcheck((a, b, c, d, e, f) => rnnCell(a, b, { wIh: c, wHh: d, bIh: e, bHh: f }, 'relu'), [x, h, p.wIh, p.wHh, p.bIh!, p.bHh!]);
  });
  it('lstmCell, both outputs', () => {
    const x = v([2, 3]), h = v([2, 2]), c = v([2, 2]), p = w(4, 3, 2);
    gradcheck((a, b, cc, d, e, f, g) => lstmCell(a, b, cc, { wIh: d, wHh: e, bIh: f, bHh: g }), [x, h, c, p.wIh, p.wHh, p.bIh!, p.bHh!]);
  });
  it('gruCell without biases', () => {
    const x = v([2, 3]), h = v([2, 2]), p = w(3, 3, 2);
    gradcheck((a, b, c, d) => gruCell(a, b, { wIh: c, wHh: d }), [x, h, p.wIh, p.wHh]);
  });
  it('2-layer bidirectional LSTM sequence, zero initial state', () => {
    const x = v([3, 2, 2]), ws = [w(4, 2, 2), w(4, 2, 2), w(4, 4, 2), w(4, 4, 2)];
    const flat = ws.flatMap((p) => [p.wIh, p.wHh, p.bIh!, p.bHh!]);
    gradcheck((xx, ...p) => {
      const weights = [0, 1, 2, 3].map((i) => ({ wIh: p[4 * i], wHh: p[4 * i + 1], bIh: p[4 * i + 2], bHh: p[4 * i + 3] }));
      const out = rnnSequence(xx, null, null, weights, { mode: 'lstm', numLayers: 2, bidirectional: true });
      return [out.output, out.hN, out.cN!];
    }, [x, ...flat]);
  });
});

describe('rnnSequence shape errors', () => {
  const z = (shape: number[]) => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  const ok = () => ({ wIh: z([8, 3]), wHh: z([8, 2]), bIh: z([8]), bHh: z([8]) });
  it('names the argument and the expected vs actual shape', () => {
    expect(() => rnnSequence(z([4, 3]), null, null, [ok()], { mode: 'lstm' })).toThrow(/^nodegrad\.rnnSequence: expected x of shape \[T, B, I\], got \[4, 3\]/);
    expect(() => rnnSequence(z([4, 1, 3]), z([1, 2, 2]), null, [ok()], { mode: 'lstm' })).toThrow(/expected h0 of shape \[1, 1, 2\], got \[1, 2, 2\]/);
    expect(() => rnnSequence(z([4, 1, 3]), null, null, [{ ...ok(), wIh: z([8, 4]) }], { mode: 'lstm' })).toThrow(/expected weights\[0\]\.wIh of shape \[8, 3\], got \[8, 4\]/);
    expect(() => rnnSequence(z([4, 1, 3]), null, z([1, 1, 2]), [{ ...ok(), wIh: z([6, 3]), wHh: z([6, 2]), bIh: z([6]), bHh: z([6]) }], { mode: 'gru' })).toThrow(RangeError);
    expect(() => rnnSequence(z([4, 1, 3]), null, null, [ok()], { mode: 'lstm', numLayers: 2 })).toThrow(/expected 2 weight sets/);
  });
});
