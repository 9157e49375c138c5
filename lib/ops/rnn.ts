/**
 * Recurrent ops on Tensors, each a single autograd node over the fused kernels (rnnForward/rnnBackward,
 * composed over layers and directions by rnn_stack.ts): `rnnSequence` for whole multi-layer, optionally
 * bidirectional sequences, and `rnnCell`, `lstmCell`, `gruCell` for one step. Formulas and weight layouts
 * are PyTorch's (INTEROP.md §2): gate rows LSTM i, f, g, o; GRU r, z, n with
 * n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)).
 *
 * The node's output packs y, h_n (and c_n) into one buffer; the returned tensors are views of it, so the
 * gradients reaching any of them meet in one backward call.
 */
import { backendFor } from '../backend/index.js';
import type { RnnMode } from '../backend/kernels/rnn.js';
import type { FloatArray } from '../backend/types.js';
import { isGradEnabled } from '../autograd/grad_mode.js';
import { record, type Node } from '../autograd/engine.js';
import { Tensor } from '../tensor.js';
import { alloc, checkTensor, dense, fmtShape, rangeErr, typeErr } from './helpers.js';
import { rnnStackBackward, rnnStackForward, type RnnGrads, type RnnStackConfig, type RnnStackSaved, type RnnWeights } from './rnn_stack.js';
import { narrow, reshape } from './shape.js';

export type { RnnMode } from '../backend/kernels/rnn.js';

/** One layer and direction's parameters: wIh `[G·H, in]`, wHh `[G·H, H]`, bIh and bHh `[G·H]` or null. */
export interface RnnLayerWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh?: Tensor | null;
  bHh?: Tensor | null;
}

export interface RnnSequenceOptions {
  mode: RnnMode;
  /** Default 1. `weights` then holds numLayers·D entries, layer-major, forward direction first. */
  numLayers?: number;
  bidirectional?: boolean;
  /** x and the output as `[B, T, ·]` instead of `[T, B, ·]`. */
  batchFirst?: boolean;
}

export interface RnnSequenceResult {
  /** `[T, B, D·H]` (batchFirst `[B, T, D·H]`): the last layer's h at every step, directions side by side. */
  output: Tensor;
  /** `[L·D, B, H]`: every layer and direction's final h. */
  hN: Tensor;
  /** `[L·D, B, H]` for LSTM, else null. */
  cN: Tensor | null;
}

const GATES: Record<RnnMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

function expectShape(op: string, name: string, t: Tensor, shape: number[], dtype: string): void {
  checkTensor(op, name, t);
  if (t.dtype !== dtype) throw typeErr(op, `expected ${name} to be ${dtype} like x, got ${t.dtype}`);
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw rangeErr(op, `expected ${name} of shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
  }
}

interface Saved {
  cfg: RnnStackConfig;
  stack: RnnStackSaved;
  weights: RnnWeights[];
  slots: { h0: number; c0: number; weights: number[][] }; // input index of each tensor, -1 when absent
  sizes: { y: number; s: number };
}

/**
 * Runs a (multi-layer, optionally bidirectional) RNN, LSTM or GRU over a sequence.
 * x: `[T, B, I]` (batchFirst `[B, T, I]`); h0, c0: `[L·D, B, H]` or null for zeros (c0 LSTM only).
 * Differentiable in x, h0, c0 and every weight.
 */
export function rnnSequence(
  x: Tensor, h0: Tensor | null, c0: Tensor | null, weights: readonly RnnLayerWeights[], options: RnnSequenceOptions,
): RnnSequenceResult {
  const op = 'rnnSequence';
  checkTensor(op, 'x', x);
  const mode = options.mode;
  if (!(mode in GATES)) throw rangeErr(op, `expected mode 'rnn_tanh', 'rnn_relu', 'lstm' or 'gru', got ${String(mode)}`);
  const L = options.numLayers ?? 1, D = options.bidirectional ? 2 : 1, bf = options.batchFirst ?? false;
  if (!Number.isInteger(L) || L < 1) throw rangeErr(op, `expected numLayers to be an integer >= 1, got ${L}`);
  if (x.ndim !== 3) throw rangeErr(op, `expected x of shape [T, B, I]${bf ? ' (batchFirst: [B, T, I])' : ''}, got ${fmtShape(x.shape)}`);
  if (!Array.isArray(weights) || weights.length !== L * D) throw rangeErr(op, `expected ${L * D} weight sets (numLayers × directions), got ${Array.isArray(weights) ? weights.length : String(weights)}`);
  const [T, B, I] = bf ? [x.shape[1], x.shape[0], x.shape[2]] : x.shape;
  const H = weights[0].wHh?.shape?.[1];
  if (!(weights[0].wHh instanceof Tensor) || weights[0].wHh.ndim !== 2) throw typeErr(op, 'expected weights[0].wHh to be a [G·H, H] Tensor');
  const G = GATES[mode], S = L * D * B * H, dt = x.dtype;
  const inputs: Tensor[] = [x];
  const slot = (t: Tensor | null | undefined) => (t ? inputs.push(t) - 1 : -1);
  if (h0) expectShape(op, 'h0', h0, [L * D, B, H], dt);
  if (c0 && mode !== 'lstm') throw rangeErr(op, `expected c0 to be null for mode '${mode}' (it is LSTM-only)`);
  if (c0) expectShape(op, 'c0', c0, [L * D, B, H], dt);
  const slots = { h0: slot(h0), c0: slot(c0), weights: [] as number[][] };
  const dw: RnnWeights[] = [];
  weights.forEach((w, i) => {
    const inL = i < D ? I : D * H, n = `weights[${i}]`;
    expectShape(op, `${n}.wIh`, w.wIh, [G * H, inL], dt);
    expectShape(op, `${n}.wHh`, w.wHh, [G * H, H], dt);
    if (w.bIh) expectShape(op, `${n}.bIh`, w.bIh, [G * H], dt);
    if (w.bHh) expectShape(op, `${n}.bHh`, w.bHh, [G * H], dt);
    slots.weights.push([slot(w.wIh), slot(w.wHh), slot(w.bIh), slot(w.bHh)]);
    dw.push({ wIh: dense(w.wIh), wHh: dense(w.wHh), bIh: w.bIh ? dense(w.bIh) : null, bHh: w.bHh ? dense(w.bHh) : null });
  });
  const cfg: RnnStackConfig = { mode, T, B, inputSize: I, hiddenSize: H, numLayers: L, bidirectional: D === 2, batchFirst: bf };
  const ny = T * B * D * H, packed = alloc(dt, ny + (mode === 'lstm' ? 2 : 1) * S);
  const y = packed.subarray(0, ny), hN = packed.subarray(ny, ny + S), cN = mode === 'lstm' ? packed.subarray(ny + S) : null;
  const stack = rnnStackForward(backendFor(dt), cfg, dense(x), h0 ? dense(h0) : null, c0 ? dense(c0) : null, dw, y, hN, cN);
  const out = new Tensor(packed, [packed.length]);
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    const saved: Saved = { cfg, stack, weights: dw, slots, sizes: { y: ny, s: S } };
    record(out, 'RnnSequenceBackward', rnnSequenceBackward, inputs, saved);
  }
  return {
    output: reshape(narrow(out, 0, 0, ny), bf ? [B, T, D * H] : [T, B, D * H]),
    hN: reshape(narrow(out, 0, ny, S), [L * D, B, H]),
    cN: cN ? reshape(narrow(out, 0, ny + S, S), [L * D, B, H]) : null,
  };
}

function rnnSequenceBackward(node: Node, gPacked: Tensor): (Tensor | null)[] {
  const s = node.saved as Saved;
  const g = dense(gPacked), { y: ny, s: S } = s.sizes;
  const grads: (Tensor | null)[] = node.inputs.map(() => null);
  const want = (i: number): FloatArray | null => {
    if (i < 0 || !node.inputs[i].requiresGrad) return null;
    const t = node.inputs[i];
    grads[i] = new Tensor(alloc(t.dtype, t.numel), t.shape);
    return grads[i]!.storage;
  };
  const dx = want(0), dh0 = want(s.slots.h0), dc0 = want(s.slots.c0);
  const dw: RnnGrads[] = s.slots.weights.map(([a, b, c, d]) => ({ wIh: want(a), wHh: want(b), bIh: want(c), bHh: want(d) }));
  rnnStackBackward(backendFor(gPacked.dtype), s.cfg, s.stack, s.weights, g.subarray(0, ny), g.subarray(ny, ny + S),
    s.cfg.mode === 'lstm' ? g.subarray(ny + S) : null, dx, dh0, dc0, dw);
  return grads;
}

/** One step as a length-1 sequence: x `[B, I]`, h and c `[B, H]`; returns h' (and c' for LSTM) `[B, H]`. */
function cell(mode: RnnMode, x: Tensor, h: Tensor | null, c: Tensor | null, w: RnnLayerWeights): [Tensor, Tensor | null] {
  checkTensor(`${mode}Cell`, 'x', x);
  if (x.ndim !== 2) throw rangeErr(`${mode}Cell`, `expected x of shape [B, I], got ${fmtShape(x.shape)}`);
  const [B, I] = x.shape;
  const lift = (t: Tensor | null) => (t ? reshape(t, [1, ...t.shape]) : null);
  const r = rnnSequence(reshape(x, [1, B, I]), lift(h), lift(c), [w], { mode });
  const H = r.hN.shape[2];
  return [reshape(r.hN, [B, H]), r.cN ? reshape(r.cN, [B, H]) : null];
}

/** Elman cell: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh (default) or relu. x `[B, I]`, h `[B, H]`. */
export function rnnCell(x: Tensor, h: Tensor | null, w: RnnLayerWeights, nonlinearity: 'tanh' | 'relu' = 'tanh'): Tensor {
  return cell(nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh', x, h, null, w)[0];
}

/** LSTM cell (gates i, f, g, o): c' = f⊙c + i⊙g, h' = o⊙tanh(c'). Returns [h', c'], each `[B, H]`. */
export function lstmCell(x: Tensor, h: Tensor | null, c: Tensor | null, w: RnnLayerWeights): [Tensor, Tensor] {
  const [h2, c2] = cell('lstm', x, h, c, w);
  return [h2, c2!];
}

/** GRU cell (gates r, z, n; PyTorch's n with b_hn inside the reset product): h' = (1 − z)⊙n + z⊙h. */
export function gruCell(x: Tensor, h: Tensor | null, w: RnnLayerWeights): Tensor {
  return cell('gru', x, h, null, w)[0];
}
