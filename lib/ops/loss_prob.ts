/**
 * Losses between a predicted distribution or rate and a target: KL divergence and Poisson NLL, PyTorch 1.13
 * semantics, composed from element-wise ops and reductions (autograd comes with them).
 */
import { Tensor } from '../tensor.js';
import { checkNum, checkTensor, rangeErr, typeErr } from './helpers.js';
import { add, affine, eq, exp, gt, log, mul, sub, where } from './elementwise.js';
import { sum } from './reduce.js';
import { checkBroadcastable, checkLike, checkReduction, reduce, type Reduction, type ReductionOptions } from './loss.js';

export interface KlDivOptions {
  /** 'batchmean' (the true KL per sample: sum / input.shape[0]); 'mean' averages over every element. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence of the target distribution from log-probabilities `input` (any shape, the
 * target broadcast to it): target·(log target − input), with 0·log 0 = 0 (a negative target gives NaN), or
 * e^target·(target − input) with logTarget, as PyTorch 1.13. With a zero target the target's gradient is −input
 * (PyTorch gives NaN there).
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const op = 'klDiv';
  checkTensor(op, 'input', input);
  checkLike(op, 'target', target, input);
  checkBroadcastable(op, 'input', input, 'target', target);
  const r = options.reduction ?? 'mean';
  if (r !== 'batchmean' && r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw rangeErr(op, `expected reduction 'mean', 'batchmean', 'sum' or 'none', got ${String(r)}`);
  }
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') throw typeErr(op, `expected logTarget to be a boolean, got ${typeof logTarget}`);
  let l: Tensor;
  if (logTarget) l = mul(exp(target), sub(target, input));
  else {
    // xlogy(t, t) = t·log t with 0 where t = 0: log(1) there keeps both value and gradient finite.
    const xlogx = mul(target, log(where(eq(target, 0), 1, target)));
    l = sub(xlogx, mul(target, input));
  }
  if (r !== 'batchmean') return reduce(op, l, r);
  const total = sum(l);
  return input.ndim === 0 ? total : affine(total, 1 / input.shape[0], 0);
}

export interface PoissonNllOptions extends ReductionOptions {
  /** input is log λ (default true); otherwise λ itself. */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!) where target > 1 (default false). */
  full?: boolean;
  /** Added to λ before its log when logInput is false (default 1e-8). */
  eps?: number;
}

/**
 * Poisson negative log-likelihood of `target` counts under rate λ: e^input − target·input (logInput), or
 * input − target·log(input + eps), plus with `full` target·log target − target + ½·log(2π·target) where
 * target > 1, as PyTorch 1.13. With `full`, the target's gradient stays finite at target = 0 (PyTorch's is NaN).
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNllOptions = {}): Tensor {
  const op = 'poissonNllLoss';
  checkTensor(op, 'input', input);
  checkLike(op, 'target', target, input);
  checkBroadcastable(op, 'input', input, 'target', target);
  const { logInput = true, full = false } = options;
  if (typeof logInput !== 'boolean') throw typeErr(op, `expected logInput to be a boolean, got ${typeof logInput}`);
  if (typeof full !== 'boolean') throw typeErr(op, `expected full to be a boolean, got ${typeof full}`);
  const eps = checkNum(op, 'eps', options.eps ?? 1e-8);
  if (!(eps >= 0 && eps < Infinity)) throw rangeErr(op, `expected eps >= 0 and finite, got ${eps}`);
  checkReduction(op, options.reduction);
  let l = logInput ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(affine(input, 1, eps))));
  if (full) {
    // Evaluated at 2 where target ≤ 1, then masked: keeps value and gradients finite at target = 0.
    const big = gt(target, 1);
    const t = where(big, target, 2);
    const stirling = add(sub(mul(t, log(t)), t), affine(log(affine(t, 2 * Math.PI, 0)), 0.5, 0));
    l = add(l, where(big, stirling, 0));
  }
  return reduce(op, l, options.reduction);
}
