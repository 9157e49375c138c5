/**
 * Backward through time against central finite differences, on the JS twin in float64 (TESTING.md T5/T6):
 * every cell type as a single step and as short sequences (T ≤ 5), batch-first and reverse, with and
 * without initial states and biases, and 2-layer bidirectional stacks. Loss = Σ y·dy + Σ hN·dhN (+ Σ cN·dcN).
 */
import { describe, it } from 'vitest';
import { jsKernels } from '../../lib/backend/index.js';
import type { RnnMode } from '../../lib/backend/kernels/rnn.js';
import { rnnStackBackward, rnnStackForward, type RnnStackConfig, type RnnWeights } from '../../lib/ops/rnn_stack.js';
import { rng } from '../helpers/rng.js';

const gates = (m: RnnMode) => (m === 'lstm' ? 4 : m === 'gru' ? 3 : 1);

interface Problem {
  c: RnnStackConfig;
  inputs: Record<string, Float64Array | null>; // x, h0, c0, dy, dhN, dcN
  weights: RnnWeights[];
}

function makeProblem(c: RnnStackConfig, seed: number, opts: { states: boolean; bias: boolean }): Problem {
  const r = rng(seed);
  const D = c.bidirectional ? 2 : 1, G = gates(c.mode), H = c.hiddenSize, S = c.numLayers * D * c.B * H;
  const v = (n: number, lo = -1, hi = 1) => Float64Array.from(r.f32(n, lo, hi));
  const lstm = c.mode === 'lstm';
  const weights: RnnWeights[] = [];
  for (let l = 0; l < c.numLayers; l++) for (let d = 0; d < D; d++) {
    const I = l === 0 ? c.inputSize : D * H;
    weights.push({ wIh: v(G * H * I), wHh: v(G * H * H), bIh: opts.bias ? v(G * H) : null, bHh: opts.bias ? v(G * H) : null });
  }
  // relu's kink at 0 is the only non-differentiable point; with these seeds no pre-activation lies within
  // the finite-difference step of it (a failure there would name the element).
  return {
    c, weights,
    inputs: {
      x: v(c.T * c.B * c.inputSize, -2, 2),
      h0: opts.states ? v(S) : null,
      c0: opts.states && lstm ? v(S) : null,
      dy: v(c.T * c.B * D * H),
      dhN: v(S),
      dcN: lstm ? v(S) : null,
    },
  };
}

function loss(p: Problem): number {
  const { c, inputs: a } = p;
  const D = c.bidirectional ? 2 : 1, S = c.numLayers * D * c.B * c.hiddenSize;
  const y = new Float64Array(c.T * c.B * D * c.hiddenSize), hN = new Float64Array(S), cN = new Float64Array(S);
  rnnStackForward(jsKernels, c, a.x!, a.h0, a.c0, p.weights, y, hN, c.mode === 'lstm' ? cN : null);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * a.dy![i];
  for (let i = 0; i < S; i++) s += hN[i] * a.dhN![i] + (a.dcN ? cN[i] * a.dcN[i] : 0);
  return s;
}

/** Every differentiable array of the problem with its analytical gradient. */
function analytical(p: Problem): [string, Float64Array, Float64Array][] {
  const { c, inputs: a } = p;
  const D = c.bidirectional ? 2 : 1, S = c.numLayers * D * c.B * c.hiddenSize;
  const y = new Float64Array(c.T * c.B * D * c.hiddenSize), hN = new Float64Array(S), cN = new Float64Array(S);
  const saved = rnnStackForward(jsKernels, c, a.x!, a.h0, a.c0, p.weights, y, hN, c.mode === 'lstm' ? cN : null);
  const z = (t: Float64Array | null) => (t ? new Float64Array(t.length) : null);
  const grads = p.weights.map((w) => ({ wIh: z(w.wIh as Float64Array)!, wHh: z(w.wHh as Float64Array)!, bIh: z(w.bIh as Float64Array), bHh: z(w.bHh as Float64Array) }));
  const dx = z(a.x)!, dh0 = z(a.h0), dc0 = z(a.c0);
  rnnStackBackward(jsKernels, c, saved, p.weights, a.dy, a.dhN, a.dcN, dx, dh0, dc0, grads);
  const out: [string, Float64Array, Float64Array][] = [['x', a.x!, dx]];
  if (a.h0) out.push(['h0', a.h0, dh0!]);
  if (a.c0) out.push(['c0', a.c0, dc0!]);
  p.weights.forEach((w, i) => {
    for (const key of ['wIh', 'wHh', 'bIh', 'bHh'] as const) {
      if (w[key]) out.push([`${key}[${i}]`, w[key] as Float64Array, grads[i][key]!]);
    }
  });
  return out;
}

/** PyTorch gradcheck's contract: central differences, eps 1e-6, atol 1e-5, rtol 1e-3. */
function gradcheck(p: Problem): void {
  const eps = 1e-6;
  for (const [name, value, grad] of analytical(p)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      value[i] = v + eps;
      const up = loss(p);
      value[i] = v - eps;
      const down = loss(p);
      value[i] = v;
      const numeric = (up - down) / (2 * eps);
      if (!(Math.abs(numeric - grad[i]) <= 1e-5 + 1e-3 * Math.abs(numeric))) {
        throw new Error(`${name}[${i}]: analytical ${grad[i]}, numerical ${numeric}`);
      }
    }
  }
}

const MODES: RnnMode[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];

describe('rnn backward vs finite differences (JS twin, float64)', () => {
  let seed = 1;
  for (const mode of MODES) {
    const base = { mode, B: 2, inputSize: 3, hiddenSize: 2, numLayers: 1, bidirectional: false, batchFirst: false };
    it(`${mode} cell (T = 1)`, () => {
      gradcheck(makeProblem({ ...base, T: 1 }, seed++, { states: true, bias: true }));
    });
    it(`${mode} sequence T = 5, zero initial state, no bias`, () => {
      gradcheck(makeProblem({ ...base, T: 5, hiddenSize: 3 }, seed++, { states: false, bias: false }));
    });
    it(`${mode} sequence T = 4, batch-first`, () => {
      gradcheck(makeProblem({ ...base, T: 4, batchFirst: true }, seed++, { states: true, bias: true }));
    });
    it(`${mode} 2 layers, bidirectional, T = 3`, () => {
      gradcheck(makeProblem({ ...base, T: 3, numLayers: 2, bidirectional: true }, seed++, { states: true, bias: true }));
    });
    it(`${mode} 2 layers, bidirectional, batch-first, T = 3`, () => {
      gradcheck(makeProblem({ ...base, T: 3, B: 1, numLayers: 2, bidirectional: true, batchFirst: true }, seed++, { states: true, bias: true }));
    });
  }
});
