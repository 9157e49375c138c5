/**
 * Functional forms of the layers that have no kernel of their own: composed from Tensor ops, so autograd
 * differentiates them and they run on either backend. The ops that have their own kernels (linear, conv,
 * pooling, dropout, losses, ...) are re-exported here so `nn.functional` holds them all, as in PyTorch.
 */
import { noGrad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor.js';

function checkTensor(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`nodegrad.${op}: expected ${name} to be a Tensor, got ${v === null ? 'null' : typeof v}`);
  return v;
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export interface BatchNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  /** Running-average factor; null means a cumulative average over `numBatchesTracked` batches. */
  momentum?: number | null;
  eps?: number;
  /** For a cumulative average (momentum null): the batch count including this one. */
  numBatchesTracked?: number;
}

/**
 * Batch normalisation over x [N, C, ...]: y = (x − mean)/√(var + eps)·weight + bias per channel. Training
 * uses the batch's mean and biased variance and updates the running statistics in place (running_var takes
 * the unbiased variance, as PyTorch); evaluation uses the running statistics.
 */
export function batchNorm(x: Tensor, options: BatchNormOptions = {}): Tensor {
  checkTensor('batchNorm', 'x', x);
  const { runningMean = null, runningVar = null, weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (x.ndim < 2) throw new RangeError(`nodegrad.batchNorm: expected x of rank >= 2 ([N, C, ...]), got shape ${fmt(x.shape)}`);
  const C = x.shape[1];
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t !== null && (!(t instanceof Tensor) || t.ndim !== 1 || t.shape[0] !== C)) {
      throw new RangeError(`nodegrad.batchNorm: expected ${name} of shape [${C}], got ${t instanceof Tensor ? fmt(t.shape) : typeof t}`);
    }
  }
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  let mean: Tensor;
  let variance: Tensor;
  if (training || runningMean === null || runningVar === null) {
    const count = x.numel / Math.max(C, 1);
    if (training && count <= 1) throw new RangeError(`nodegrad.batchNorm: expected more than 1 value per channel when training, got input shape ${fmt(x.shape)}`);
    mean = x.mean(dims, true);
    const centered = x.sub(mean);
    variance = centered.square().mean(dims, true);
    if (training && runningMean !== null && runningVar !== null) {
      const factor = momentum === null ? 1 / Math.max(1, options.numBatchesTracked ?? 1) : momentum;
      noGrad(() => {
        const m = mean.detach().reshape([C]).data;
        const v = variance.detach().reshape([C]).data;
        const rm = runningMean.data;
        const rv = runningVar.data;
        const unbias = count / (count - 1);
        for (let c = 0; c < C; c++) {
          rm[c] = (1 - factor) * rm[c] + factor * m[c];
          rv[c] = (1 - factor) * rv[c] + factor * v[c] * unbias;
        }
      });
    }
    let y = centered.div(variance.add(eps).sqrt());
    if (weight) y = y.mul(weight.reshape(bshape));
    if (bias) y = y.add(bias.reshape(bshape));
    return y;
  }
  mean = runningMean.reshape(bshape);
  variance = runningVar.reshape(bshape);
  let y = x.sub(mean).div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  return y;
}

/**
 * Layer normalisation over the trailing dims given by normalizedShape: y = (x − mean)/√(var + eps)·weight
 * + bias, with the biased variance.
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  checkTensor('layerNorm', 'x', x);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || k > x.ndim || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new RangeError(`nodegrad.layerNorm: expected x's trailing dims to be ${fmt(normalizedShape)}, got shape ${fmt(x.shape)}`);
  }
  const dims = tail.map((_, i) => x.ndim - k + i);
  const mean = x.mean(dims, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(dims, true);
  let y = centered.div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/**
 * Rows of weight [num, dim] picked by integer-valued indices of any shape → [...indices.shape, dim].
 * Rows equal to paddingIdx get no gradient.
 */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  checkTensor('embedding', 'indices', indices);
  checkTensor('embedding', 'weight', weight);
  if (weight.ndim !== 2) throw new RangeError(`nodegrad.embedding: expected weight of shape [num, dim], got ${fmt(weight.shape)}`);
  const idx = indices.data;
  const n = weight.shape[0];
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new RangeError(`nodegrad.embedding: expected indices to be integers in [0, ${n}), got ${v} at position ${i}`);
  }
  let rows = weight.indexSelect(0, idx);
  if (paddingIdx !== null && weight.requiresGrad) {
    const A = weight.dtype === 'float64' ? Float64Array : Float32Array;
    const keep = new A(idx.length);
    const drop = new A(idx.length);
    for (let i = 0; i < idx.length; i++) {
      keep[i] = idx[i] === paddingIdx ? 0 : 1;
      drop[i] = 1 - keep[i];
    }
    // Same values; the padding rows' copies come from a detached tensor, so they pass no gradient.
    rows = rows.mul(new Tensor(keep, [idx.length, 1])).add(rows.detach().mul(new Tensor(drop, [idx.length, 1])));
  }
  return rows.reshape([...indices.shape, weight.shape[1]]);
}

export { dropout } from '../ops/dropout.js';
export { linear } from '../ops/linalg.js';
export { elu, gelu, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, softplus, tanh } from '../ops/activation.js';
export { bceWithLogits, binaryCrossEntropy, crossEntropy, huberLoss, l1Loss, mseLoss, nllLoss, smoothL1Loss } from '../ops/loss.js';
export { klDiv, poissonNllLoss } from '../ops/loss_prob.js';
export { cosineEmbeddingLoss, marginRankingLoss } from '../ops/loss_pairs.js';
