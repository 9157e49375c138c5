/**
 * Multi-layer and bidirectional recurrent networks composed from the single-layer kernels
 * (`rnnForward` / `rnnBackward`), on raw arrays and any backend. Layer l's input is layer l−1's output;
 * a bidirectional layer runs its forward and reverse directions into the two column halves of one
 * `[T, B, 2H]` output (PyTorch's layout). Weights, states and gradients are indexed by l·D + d.
 */
import type { RnnMode } from '../backend/kernels/rnn.js';
import type { FloatArray, Kernels } from '../backend/types.js';

export interface RnnStackConfig {
  mode: RnnMode;
  T: number;
  B: number;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
}

/** One layer and direction's parameters (biases null when the layer has none); gradients alike. */
export interface RnnWeights {
  wIh: FloatArray;
  wHh: FloatArray;
  bIh: FloatArray | null;
  bHh: FloatArray | null;
}

/** Gradient buffers of one layer and direction; null entries are not computed. */
export interface RnnGrads {
  wIh: FloatArray | null;
  wHh: FloatArray | null;
  bIh: FloatArray | null;
  bHh: FloatArray | null;
}

/** What backward needs: each layer's input and each (layer, direction)'s reserve. */
export interface RnnStackSaved {
  inputs: FloatArray[];
  reserves: FloatArray[];
}

function like(a: FloatArray, n: number): FloatArray {
  return a instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

const dirs = (c: RnnStackConfig): number => (c.bidirectional ? 2 : 1);
const layerInput = (c: RnnStackConfig, l: number): number => (l === 0 ? c.inputSize : dirs(c) * c.hiddenSize);
const part = (a: FloatArray | null, i: number, n: number): FloatArray | null => (a ? a.subarray(i * n, (i + 1) * n) : null);

/**
 * Forward: x `[T, B, I]` (or `[B, T, I]`), h0/c0/hN/cN `[L·D, B, H]`, y `[T, B, D·H]` (written).
 * Returns what `rnnStackBackward` needs.
 */
export function rnnStackForward(
  k: Kernels, c: RnnStackConfig, x: FloatArray, h0: FloatArray | null, c0: FloatArray | null,
  weights: RnnWeights[], y: FloatArray, hN: FloatArray | null, cN: FloatArray | null,
): RnnStackSaved {
  const D = dirs(c), H = c.hiddenSize, BH = c.B * H, N = c.T * c.B;
  const saved: RnnStackSaved = { inputs: [], reserves: [] };
  let input = x;
  for (let l = 0; l < c.numLayers; l++) {
    const out = l === c.numLayers - 1 ? y : like(x, N * D * H);
    saved.inputs.push(input);
    for (let d = 0; d < D; d++) {
      const i = l * D + d, w = weights[i];
      const reserve = like(x, k.rnnReserveSize(c.mode, c.T, c.B, H));
      k.rnnForward(
        c.mode, c.T, c.B, layerInput(c, l), H, c.batchFirst, d === 1, input, layerInput(c, l), part(h0, i, BH),
        part(c0, i, BH), w.wIh, w.wHh, w.bIh, w.bHh, out.subarray(d * H), D * H, part(hN, i, BH), part(cN, i, BH), reserve,
      );
      saved.reserves.push(reserve);
    }
    input = out;
  }
  return saved;
}

/**
 * Backward: accumulates into dx (`[T, B, I]`, may be null), dh0/dc0 (`[L·D, B, H]`, may be null) and every
 * entry of `grads` (null entries skipped), given dy `[T, B, D·H]` and dhN/dcN (any may be null).
 */
export function rnnStackBackward(
  k: Kernels, c: RnnStackConfig, saved: RnnStackSaved, weights: RnnWeights[], dy: FloatArray | null,
  dhN: FloatArray | null, dcN: FloatArray | null, dx: FloatArray | null, dh0: FloatArray | null,
  dc0: FloatArray | null, grads: (RnnGrads | null)[],
): void {
  const D = dirs(c), H = c.hiddenSize, BH = c.B * H, N = c.T * c.B;
  let dOut = dy;
  for (let l = c.numLayers - 1; l >= 0; l--) {
    const I = layerInput(c, l);
    const dIn = l === 0 ? dx : like(saved.inputs[l], N * I);
    for (let d = 0; d < D; d++) {
      const i = l * D + d, w = weights[i], g = grads[i];
      k.rnnBackward(
        c.mode, c.T, c.B, I, H, c.batchFirst, d === 1, saved.inputs[l], I, w.wIh, w.wHh, saved.reserves[i],
        dOut ? dOut.subarray(d * H) : null, D * H, part(dhN, i, BH), part(dcN, i, BH), dIn, I,
        part(dh0, i, BH), part(dc0, i, BH), g?.wIh ?? null, g?.wHh ?? null, g?.bIh ?? null, g?.bHh ?? null,
      );
    }
    dOut = dIn;
  }
}
