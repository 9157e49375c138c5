/**
 * Losses on pairs of inputs with a ±1 target (similar / dissimilar, ranked higher / lower), PyTorch 1.13
 * semantics, composed from element-wise ops and reductions (autograd comes with them).
 */
import { Tensor } from '../tensor.js';
import { checkNum, checkTensor, dense, fmtShape, rangeErr } from './helpers.js';
import { affine, clamp, div, eq, mul, neg, sqrt, square, sub, where } from './elementwise.js';
import { sum } from './reduce.js';
import { checkBroadcastable, checkLike, checkReduction, reduce, type ReductionOptions } from './loss.js';

export interface MarginOptions extends ReductionOptions {
  /** Default 0. */
  margin?: number;
}

/**
 * max(0, −target·(input1 − input2) + margin): target 1 asks for input1 ranked above input2 by the margin,
 * −1 the reverse. The three tensors must have the same number of dims (as PyTorch) and broadcast together.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const op = 'marginRankingLoss';
  checkTensor(op, 'input1', input1);
  checkLike(op, 'input2', input2, input1);
  checkLike(op, 'target', target, input1);
  if (input2.ndim !== input1.ndim || target.ndim !== input1.ndim) {
    throw rangeErr(op, `expected input1, input2 and target with the same number of dims, got ${fmtShape(input1.shape)}, ${fmtShape(input2.shape)} and ${fmtShape(target.shape)}`);
  }
  checkBroadcastable(op, 'input1', input1, 'input2', input2);
  checkBroadcastable(op, 'input1', input1, 'target', target);
  checkBroadcastable(op, 'input2', input2, 'target', target);
  const margin = checkNum(op, 'margin', options.margin ?? 0);
  checkReduction(op, options.reduction);
  return reduce(op, clamp(affine(mul(neg(target), sub(input1, input2)), 1, margin), 0), options.reduction);
}

/** PyTorch adds this to each squared norm: 1e-12 rounded to float32, as its C++ constant is a float. */
const NORM_EPS = Math.fround(1e-12);

/**
 * Cosine-similarity loss of rows input1, input2 [N, D] (or [D]) with target [N] (or []) in {1, −1}:
 * 1 − cos for target 1, max(0, cos − margin) for −1, where cos = x·y / √((|x|² + ε)(|y|² + ε)).
 * PyTorch gives 0 for any other target value; here that is an error, since it is almost always 0/1 labels.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  checkTensor(op, 'input1', input1);
  checkLike(op, 'input2', input2, input1);
  checkLike(op, 'target', target, input1);
  if (target.ndim > 1 || input1.ndim !== target.ndim + 1 || input2.ndim !== target.ndim + 1) {
    throw rangeErr(op, `expected input1 and input2 [N, D] with target [N], or [D] with [], got ${fmtShape(input1.shape)}, ${fmtShape(input2.shape)} and ${fmtShape(target.shape)}`);
  }
  checkBroadcastable(op, 'input1', input1, 'input2', input2);
  if (target.ndim === 1) {
    const n = Math.max(input1.shape[0], input2.shape[0]);
    if (target.shape[0] !== n && target.shape[0] !== 1 && n !== 1) throw rangeErr(op, `expected target of shape [${n}], got ${fmtShape(target.shape)}`);
  }
  const t = dense(target);
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 1 && t[i] !== -1) throw rangeErr(op, `expected target values 1 or -1, got ${t[i]} at index ${i}`);
  }
  const margin = checkNum(op, 'margin', options.margin ?? 0);
  checkReduction(op, options.reduction);
  const d = target.ndim;
  const norms = mul(affine(sum(square(input1), d), 1, NORM_EPS), affine(sum(square(input2), d), 1, NORM_EPS));
  const cos = div(sum(mul(input1, input2), d), sqrt(norms));
  const loss = where(eq(target, 1), affine(cos, -1, 1), clamp(affine(cos, 1, -margin), 0));
  return reduce(op, loss, options.reduction);
}
