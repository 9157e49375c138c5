/**
 * Loss functions, PyTorch semantics and defaults; reduction 'mean' (default) | 'sum' | 'none'.
 * crossEntropy = logSoftmax over the class dim + the NLL kernel (class weights, label smoothing,
 * ignoreIndex); the element-wise losses run as fused binary kernels (SMOOTH_L1, HUBER, BCE, BCE_LOGITS).
 */
import { backendFor } from '../backend/index.js';
import { BinaryOp } from '../backend/kernels/elementwise.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { Tensor, shapeSize } from '../tensor.js';
import { alloc, checkNum, checkSameDtype, checkTensor, dense, fmtShape, rangeErr } from './helpers.js';
import { logSoftmax } from './activation.js';
import { abs, binaryOp, mul, square, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  const r = reduction ?? 'mean';
  if (r === 'mean') return mean(loss);
  if (r === 'sum') return sum(loss);
  if (r === 'none') return loss;
  throw rangeErr(op, `expected reduction 'mean', 'sum' or 'none', got ${String(r)}`);
}

export interface NllOptions {
  /** Per-class weights [C]. */
  weight?: Tensor | null;
  /** Target value whose samples contribute nothing (default −100). */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllOptions {
  /** ε in [0, 1]: the target distribution is (1 − ε)·onehot + ε/C (default 0). */
  labelSmoothing?: number;
}

interface NllSaved { outer: number; classes: number; inner: number; target: Int32Array; weight: Float32Array | Float64Array | null;
  ignoreIndex: number; smoothing: number; reduction: Reduction; wsum: number }

/** NLL over log-probabilities [N, C, ...] (or [C]) with class-index targets [N, ...] (or []). */
function nllCore(op: string, logp: Tensor, target: Tensor, o: CrossEntropyOptions): Tensor {
  checkTensor(op, 'target', target);
  const reduction = o.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw rangeErr(op, `expected reduction 'mean', 'sum' or 'none', got ${String(reduction)}`);
  }
  const x = logp.ndim === 1 ? reshape(logp, [1, logp.shape[0]]) : logp;
  const expectedTarget = logp.ndim === 1 ? [] : [x.shape[0], ...x.shape.slice(2)];
  if (x.ndim < 2 || target.ndim !== expectedTarget.length || target.shape.some((n, i) => n !== expectedTarget[i])) {
    throw rangeErr(op, `expected input [N, C, ...] and target [N, ...], got ${fmtShape(logp.shape)} and ${fmtShape(target.shape)}`);
  }
  const classes = x.shape[1], outer = x.shape[0], inner = shapeSize(x.shape.slice(2));
  const ignoreIndex = o.ignoreIndex ?? -100;
  const smoothing = checkNum(op, 'labelSmoothing', o.labelSmoothing ?? 0);
  const td = dense(target);
  const t = new Int32Array(td.length);
  for (let i = 0; i < td.length; i++) {
    const v = td[i];
    if (!Number.isInteger(v) || (v !== ignoreIndex && (v < 0 || v >= classes))) {
      throw rangeErr(op, `expected target[${i}] to be a class index in [0, ${classes - 1}] or ignoreIndex ${ignoreIndex}, got ${v}`);
    }
    t[i] = td[i];
  }
  let weight: Float32Array | Float64Array | null = null;
  if (o.weight != null) {
    checkTensor(op, 'weight', o.weight);
    checkSameDtype(op, logp, o.weight);
    if (o.weight.ndim !== 1 || o.weight.shape[0] !== classes) throw rangeErr(op, `expected weight of shape [${classes}], got ${fmtShape(o.weight.shape)}`);
    weight = dense(o.weight);
  }
  const n = outer * inner;
  const loss = alloc(logp.dtype, n), w = alloc(logp.dtype, n);
  backendFor(logp.dtype).nllLoss(outer, classes, inner, dense(x), t, weight, ignoreIndex, smoothing, loss, w);
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += w[i];
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(loss, target.shape.slice());
  else {
    let s = 0;
    for (let i = 0; i < n; i++) s += loss[i];
    out = new Tensor(alloc(logp.dtype, 1), []);
    out.storage[0] = reduction === 'sum' ? s : s / wsum;
  }
  if (!needsGrad(logp)) return out;
  const saved: NllSaved = { outer, classes, inner, target: t, weight, ignoreIndex, smoothing, reduction, wsum };
  return record(out, 'NllLossBackward', nllBackward, [logp], saved);
}

function nllBackward(node: Node, gy: Tensor): Tensor[] {
  const s = node.saved as NllSaved;
  const n = s.outer * s.inner;
  let gloss: Float32Array | Float64Array;
  if (s.reduction === 'none') gloss = dense(gy);
  else {
    gloss = alloc(gy.dtype, n);
    gloss.fill(s.reduction === 'sum' ? gy.item() : gy.item() / s.wsum);
  }
  const g = alloc(gy.dtype, node.inputs[0].numel);
  backendFor(gy.dtype).nllLossBackward(s.outer, s.classes, s.inner, s.target, s.weight, s.ignoreIndex, s.smoothing, gloss, g);
  return [new Tensor(g, node.inputs[0].shape.slice())];
}

/** Negative log-likelihood of log-probabilities `input` [N, C, ...] at class indices `target` [N, ...]. */
export function nllLoss(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  checkTensor('nllLoss', 'input', input);
  return nllCore('nllLoss', input, target, options);
}

/**
 * Cross-entropy of logits `input` [N, C, ...] (or [C]) against class indices `target` [N, ...]:
 * loss_i = −(1 − ε)·w_t·logp_t − (ε/C)·Σ_c w_c·logp_c, logp = logSoftmax(input, 1); 'mean' divides by
 * Σ_i w_{t_i} over non-ignored samples, as PyTorch.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkTensor('crossEntropy', 'input', input);
  if (input.ndim === 0) throw rangeErr('crossEntropy', 'expected input [N, C, ...] or [C], got a 0-d tensor');
  return nllCore('crossEntropy', logSoftmax(input, input.ndim === 1 ? 0 : 1), target, options);
}

export interface ReductionOptions { reduction?: Reduction }

/** mean((input − target)²). */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return reduce('mseLoss', square(sub(checkTensor('mseLoss', 'input', input), checkTensor('mseLoss', 'target', target))), options.reduction);
}

/** mean(|input − target|). */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return reduce('l1Loss', abs(sub(checkTensor('l1Loss', 'input', input), checkTensor('l1Loss', 'target', target))), options.reduction);
}

/** |d| < β ? ½d²/β : |d| − ½β with d = input − target (β = 1 default; β = 0 is L1). */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  const beta = checkNum('smoothL1Loss', 'beta', options.beta ?? 1);
  if (beta < 0) throw rangeErr('smoothL1Loss', `expected beta >= 0, got ${beta}`);
  return reduce('smoothL1Loss', binaryOp('smoothL1Loss', BinaryOp.SMOOTH_L1, input, target, beta), options.reduction);
}

/** |d| ≤ δ ? ½d² : δ(|d| − ½δ) with d = input − target (δ = 1 default). */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  const delta = checkNum('huberLoss', 'delta', options.delta ?? 1);
  if (!(delta > 0)) throw rangeErr('huberLoss', `expected delta > 0, got ${delta}`);
  return reduce('huberLoss', binaryOp('huberLoss', BinaryOp.HUBER, input, target, delta), options.reduction);
}

export interface BceOptions extends ReductionOptions {
  /** Rescales each element's loss (broadcast to the input). */
  weight?: Tensor | null;
}

/** −(y·log p + (1 − y)·log(1 − p)) with the logs clamped at −100, as PyTorch. input p ∈ [0, 1]. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  let l = binaryOp('binaryCrossEntropy', BinaryOp.BCE, input, target);
  if (options.weight != null) l = mul(l, options.weight);
  return reduce('binaryCrossEntropy', l, options.reduction);
}

/** max(x, 0) − x·y + log(1 + e^(−|x|)): BCE on logits, stable for any x. */
export function bceWithLogits(input: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  let l = binaryOp('bceWithLogits', BinaryOp.BCE_LOGITS, input, target);
  if (options.weight != null) l = mul(l, options.weight);
  return reduce('bceWithLogits', l, options.reduction);
}
