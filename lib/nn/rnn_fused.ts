/**
 * The recurrent layers' fast path: a whole stack of layers and directions runs through the sequence kernels
 * (`rnnStackForward` / `rnnStackBackward`: one input GEMM for all T, the recurrent loop with fused gates,
 * weight gradients as GEMMs over all T) as one autograd node. The node's output packs [y | hN | cN] into
 * one buffer; the caller gets views of it, so gradients reaching any of them flow into the one backward.
 */
import { isGradEnabled } from '../autograd/grad_mode.js';
import { record, type Node } from '../autograd/engine.js';
import { backendFor } from '../backend/index.js';
import type { RnnMode } from '../backend/kernels/rnn.js';
import type { FloatArray } from '../backend/types.js';
import { alloc, dense } from '../ops/helpers.js';
import { rnnStackBackward, rnnStackForward, type RnnStackConfig, type RnnStackSaved, type RnnWeights } from '../ops/rnn_stack.js';
import { Tensor } from '../tensor.js';

export interface FusedWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

interface Saved {
  config: RnnStackConfig;
  stack: RnnStackSaved;
  weights: RnnWeights[];
  sizes: [number, number, number];
  /** Which inputs exist, in the node's input order: x, h0?, c0?, then each weight and bias present. */
  hasH0: boolean;
  hasC0: boolean;
}

/**
 * x [T, B, I] (batchFirst [B, T, I]); h0, c0 [L·D, B, H] or null (zeros); one FusedWeights per layer and
 * direction (index l·D + d). Returns y [T, B, D·H] (batchFirst [B, T, D·H]), hN and cN [L·D, B, H] (cN
 * null unless LSTM).
 */
export function fusedRecurrent(
  mode: RnnMode, x: Tensor, h0: Tensor | null, c0: Tensor | null, weights: FusedWeights[],
  numLayers: number, hiddenSize: number, bidirectional: boolean, batchFirst: boolean,
): [Tensor, Tensor, Tensor | null] {
  const [T, B] = batchFirst ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
  const config: RnnStackConfig = { mode, T, B, inputSize: x.shape[2], hiddenSize, numLayers, bidirectional, batchFirst };
  const D = bidirectional ? 2 : 1;
  const ny = T * B * D * hiddenSize;
  const nh = numLayers * D * B * hiddenSize;
  const nc = mode === 'lstm' ? nh : 0;
  const packed = alloc(x.dtype, ny + nh + nc);
  const raw: RnnWeights[] = weights.map((w) => ({ wIh: dense(w.wIh), wHh: dense(w.wHh), bIh: w.bIh ? dense(w.bIh) : null, bHh: w.bHh ? dense(w.bHh) : null }));
  const stack = rnnStackForward(
    backendFor(x.dtype), config, dense(x), h0 ? dense(h0) : null, mode === 'lstm' && c0 ? dense(c0) : null, raw,
    packed.subarray(0, ny), packed.subarray(ny, ny + nh), nc ? packed.subarray(ny + nh) : null,
  );
  const out = new Tensor(packed, [packed.length]);
  const inputs: Tensor[] = [x];
  if (h0) inputs.push(h0);
  if (c0 && mode === 'lstm') inputs.push(c0);
  for (const w of weights) for (const t of [w.wIh, w.wHh, w.bIh, w.bHh]) if (t) inputs.push(t);
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    const saved: Saved = { config, stack, weights: raw, sizes: [ny, nh, nc], hasH0: h0 !== null, hasC0: c0 !== null && mode === 'lstm' };
    record(out, 'RnnBackward', fusedBackward, inputs, saved);
  }
  const yShape = batchFirst ? [B, T, D * hiddenSize] : [T, B, D * hiddenSize];
  const y = out.narrow(0, 0, ny).reshape(yShape);
  const hN = out.narrow(0, ny, nh).reshape([numLayers * D, B, hiddenSize]);
  const cN = nc ? out.narrow(0, ny + nh, nc).reshape([numLayers * D, B, hiddenSize]) : null;
  return [y, hN, cN];
}

function fusedBackward(node: Node, gy: Tensor): Array<Tensor | null> {
  const s = node.saved as Saved;
  const [ny, nh, nc] = s.sizes;
  const g = dense(gy);
  const [x, ...rest] = node.inputs;
  const like = (t: Tensor): FloatArray | null => (t.requiresGrad ? alloc(t.dtype, t.numel) : null);
  const dx = like(x);
  let k = 0;
  const dh0 = s.hasH0 ? like(rest[k++]) : null;
  const dc0 = s.hasC0 ? like(rest[k++]) : null;
  const grads = s.weights.map((w) => {
    const next = () => like(rest[k++]);
    const wIh = next();
    const wHh = next();
    const bIh = w.bIh ? next() : null;
    const bHh = w.bHh ? next() : null;
    return { wIh, wHh, bIh, bHh } as RnnWeights;
  });
  rnnStackBackward(
    backendFor(gy.dtype), s.config, s.stack, s.weights, g.subarray(0, ny), g.subarray(ny, ny + nh),
    nc ? g.subarray(ny + nh, ny + nh + nc) : null, dx, dh0, dc0, grads,
  );
  const wrap = (a: FloatArray | null, t: Tensor) => (a ? new Tensor(a, t.shape.slice()) : null);
  const out: Array<Tensor | null> = [wrap(dx, x)];
  k = 0;
  if (s.hasH0) out.push(wrap(dh0, rest[k++]));
  if (s.hasC0) out.push(wrap(dc0, rest[k++]));
  // Weights and biases follow h0/c0 in the inputs, present ones only, in the order of `grads`.
  return [...out, ...collectWeightGrads(grads, rest.slice(k), s.weights)];
}

function collectWeightGrads(grads: RnnWeights[], inputs: Tensor[], weights: RnnWeights[]): Array<Tensor | null> {
  const out: Array<Tensor | null> = [];
  let k = 0;
  grads.forEach((g, i) => {
    const present: Array<FloatArray | null> = [g.wIh, g.wHh];
    if (weights[i].bIh) present.push(g.bIh);
    if (weights[i].bHh) present.push(g.bHh);
    for (const a of present) {
      const t = inputs[k++];
      out.push(a ? new Tensor(a, t.shape.slice()) : null);
    }
  });
  return out;
}
