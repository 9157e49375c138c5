/**
 * The rnn family against fixed references: a hand-computed single step per cell (so the gate order and GRU's
 * reset-after convention cannot drift) and PyTorch 1.13 outputs and gradients for multi-layer,
 * bidirectional and batch-first networks (rnn_torch_fixture.json, written by rnn_torch_fixture.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsKernels, nativeKernels, type Kernels } from '../../lib/backend/index.js';
import type { RnnMode } from '../../lib/backend/kernels/rnn.js';
import { rnnStackBackward, rnnStackForward, type RnnStackConfig, type RnnWeights } from '../../lib/ops/rnn_stack.js';
import { expectClose } from '../helpers/close.js';

const gates = (m: RnnMode) => (m === 'lstm' ? 4 : m === 'gru' ? 3 : 1);

// Batch 1, input 1, hidden 2: x = 0.5, h = (0.1, −0.2), c = (0.3, −0.4); weight row r (of 2G) has
// W_ih[r] = 0.1·(r+1)·(−1)^r, W_hh[r] = (0.05·(r+1), −0.1·(r mod 3)), b_ih[r] = 0.01·r, b_hh[r] = −0.02·r.
// Expected values evaluate the gate formulas by hand (in double precision, from the formulas in
// shared INTEROP.md §2), e.g. rnn_tanh h_0 = tanh(0.05 + 0.1·0.05 + 0) = tanh(0.055) = 0.054944608689.
const HAND: Record<RnnMode, { h: number[]; c?: number[] }> = {
  rnn_tanh: { h: [0.054944608689, -0.079829769111] },
  rnn_relu: { h: [0.055, 0] },
  lstm: { h: [0.1648984005, -0.119874920853], c: [0.292073349897, -0.310074183966] },
  gru: { h: [0.175118469543, -0.232258467778] },
};

function handWeights(G: number) {
  const wIh = new Float64Array(2 * G), wHh = new Float64Array(4 * G), bIh = new Float64Array(2 * G), bHh = new Float64Array(2 * G);
  for (let r = 0; r < 2 * G; r++) {
    wIh[r] = 0.1 * (r + 1) * (r % 2 === 0 ? 1 : -1);
    wHh[2 * r] = 0.05 * (r + 1);
    wHh[2 * r + 1] = -0.1 * (r % 3);
    bIh[r] = 0.01 * r;
    bHh[r] = -0.02 * r;
  }
  return { wIh, wHh, bIh, bHh };
}

function f32(a: Float64Array | null): Float32Array | null {
  return a === null ? null : Float32Array.from(a);
}

const backends: [string, Kernels, boolean][] = [['js float64', jsKernels, true]];
if (nativeKernels) backends.push(['native', nativeKernels, false]);

describe('rnn: hand-computed single step (batch 1, hidden 2)', () => {
  for (const [name, k, f64] of backends) {
    for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as RnnMode[]) {
      it(`${mode} on ${name}`, () => {
        const w = handWeights(gates(mode));
        const cv = (a: Float64Array | null) => (f64 ? a : f32(a));
        const lstm = mode === 'lstm';
        const y = cv(new Float64Array(2))!, hN = cv(new Float64Array(2))!, cN = cv(new Float64Array(2))!;
        const reserve = cv(new Float64Array(k.rnnReserveSize(mode, 1, 1, 2)))!;
        k.rnnForward(mode, 1, 1, 1, 2, false, false, cv(Float64Array.of(0.5))!, 1, cv(Float64Array.of(0.1, -0.2)),
          lstm ? cv(Float64Array.of(0.3, -0.4)) : null, cv(w.wIh)!, cv(w.wHh)!, cv(w.bIh), cv(w.bHh), y, 2, hN, lstm ? cN : null, reserve);
        expectClose(y, HAND[mode].h, 1e-6, 'y');
        expectClose(hN, HAND[mode].h, 1e-6, 'hN');
        if (lstm) expectClose(cN, HAND[mode].c!, 1e-6, 'cN');
      });
    }
  }
});

interface Fixture {
  name: string; mode: RnnMode; T: number; B: number; I: number; H: number; layers: number;
  bidirectional: boolean; batchFirst: boolean; params: Record<string, number[]>; grads: Record<string, number[]>;
  [key: string]: unknown;
}

const fixtures = JSON.parse(readFileSync(new URL('./rnn_torch_fixture.json', import.meta.url), 'utf8')) as Fixture[];

function paramName(kind: string, l: number, d: number): string {
  return `${kind}_l${l}${d === 1 ? '_reverse' : ''}`;
}

describe('rnn: agreement with PyTorch 1.13 (fixture)', () => {
  it('has the fixture cases', () => expect(fixtures.length).toBeGreaterThan(8));
  for (const [name, k, f64] of backends) {
    for (const fx of fixtures) {
      it(`${fx.name} on ${name}`, () => {
        const cv = (a: number[] | undefined) => (a === undefined ? null : f64 ? Float64Array.from(a) : Float32Array.from(a));
        const z = (n: number) => (f64 ? new Float64Array(n) : new Float32Array(n));
        const D = fx.bidirectional ? 2 : 1, lstm = fx.mode === 'lstm';
        const c: RnnStackConfig = {
          mode: fx.mode, T: fx.T, B: fx.B, inputSize: fx.I, hiddenSize: fx.H, numLayers: fx.layers,
          bidirectional: fx.bidirectional, batchFirst: fx.batchFirst,
        };
        const weights: RnnWeights[] = [], grads: RnnWeights[] = [];
        for (let l = 0; l < fx.layers; l++) for (let d = 0; d < D; d++) {
          const p = (kind: string) => cv(fx.params[paramName(kind, l, d)])!;
          weights.push({ wIh: p('weight_ih'), wHh: p('weight_hh'), bIh: p('bias_ih'), bHh: p('bias_hh') });
          const g = (kind: string) => z(fx.params[paramName(kind, l, d)].length);
          grads.push({ wIh: g('weight_ih'), wHh: g('weight_hh'), bIh: g('bias_ih'), bHh: g('bias_hh') });
        }
        const n = fx.T * fx.B, S = fx.layers * D * fx.B * fx.H;
        const y = z(n * D * fx.H), hN = z(S), cN = lstm ? z(S) : null;
        const x = cv(fx.x as number[])!;
        const saved = rnnStackForward(k, c, x, cv(fx.h0 as number[]), cv(fx.c0 as number[] | undefined), weights, y, hN, cN);
        const dx = z(n * fx.I), dh0 = z(S), dc0 = lstm ? z(S) : null;
        rnnStackBackward(k, c, saved, weights, cv(fx.dy as number[]), cv(fx.dhN as number[]), cv(fx.dcN as number[] | undefined),
          dx, dh0, dc0, grads);
        // float64 must agree to rounding; float32 within the unrolled cell bound.
        const tol = (ref: number) => (f64 ? 1e-12 + 1e-10 * Math.abs(ref) : 1e-5 + 1e-4 * Math.abs(ref));
        const check = (label: string, got: ArrayLike<number>, ref: number[]) => expectClose(got, ref, (i) => tol(ref[i]), `${fx.name} ${label}`);
        check('y', y, fx.y as number[]);
        check('hN', hN, fx.hN as number[]);
        if (lstm) check('cN', cN!, fx.cN as number[]);
        check('dx', dx, fx.dx as number[]);
        check('dh0', dh0, fx.dh0 as number[]);
        if (lstm) check('dc0', dc0!, fx.dc0 as number[]);
        let i = 0;
        for (let l = 0; l < fx.layers; l++) for (let d = 0; d < D; d++, i++) {
          check(paramName('weight_ih', l, d), grads[i].wIh, fx.grads[paramName('weight_ih', l, d)]);
          check(paramName('weight_hh', l, d), grads[i].wHh, fx.grads[paramName('weight_hh', l, d)]);
          check(paramName('bias_ih', l, d), grads[i].bIh!, fx.grads[paramName('bias_ih', l, d)]);
          check(paramName('bias_hh', l, d), grads[i].bHh!, fx.grads[paramName('bias_hh', l, d)]);
        }
      });
    }
  }
});
