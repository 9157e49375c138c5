/**
 * Loss functions, PyTorch semantics and defaults; reduction 'mean' (default) | 'sum' | 'none'.
 * crossEntropy = logSoftmax over the class dim + the NLL kernel (class weights, label smoothing,
 * ignoreIndex), or, for probability targets, logSoftmax times the targets composed from element-wise ops;
 * the element-wise losses run as fused binary kernels (SMOOTH_L1, HUBER, BCE, BCE_LOGITS); bceWithLogits'
 * posWeight is composed from element-wise ops. KL and Poisson: loss_prob.ts; pair losses: loss_pairs.ts.
 */
import { backendFor } from '../backend/index.js';
import { BinaryOp } from '../backend/kernels/elementwise.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { Tensor, shapeSize } from '../tensor.js';
import { alloc, checkNum, checkSameDtype, checkTensor, dense, fmtShape, rangeErr, typeErr } from './helpers.js';
import { logSoftmax } from './activation.js';
import { abs, add, affine, binaryOp, mul, neg, square, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { fullOf, reshape, sameShape } from './shape.js';

export type Reduction = 'mean' | 'sum' | 'none';

export function checkReduction(op: string, reduction: unknown): Reduction {
  const r = reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw rangeErr(op, `expected reduction 'mean', 'sum' or 'none', got ${String(r)}`);
  return r;
}

/** A tensor option or second operand that must share the input's dtype. */
export function checkLike(op: string, name: string, v: unknown, input: Tensor): Tensor {
  const t = checkTensor(op, name, v);
  if (t.dtype !== input.dtype) throw typeErr(op, `expected ${name} of the input's dtype ${input.dtype}, got ${t.dtype}`);
  return t;
}

/** Throws unless the shapes of tensors `nameA` and `nameB` broadcast together. */
export function checkBroadcastable(op: string, nameA: string, a: Tensor, nameB: string, b: Tensor): void {
  const x = a.shape, y = b.shape;
  for (let i = 1; i <= Math.min(x.length, y.length); i++) {
    const m = x[x.length - i], n = y[y.length - i];
    if (m !== n && m !== 1 && n !== 1) throw rangeErr(op, `expected ${nameA} and ${nameB} of broadcastable shapes, got ${fmtShape(x)} and ${fmtShape(y)}`);
  }
}

/** Whether `shape` broadcasts to `to` without growing it. */
function broadcastsTo(shape: readonly number[], to: readonly number[]): boolean {
  return shape.length <= to.length && shape.every((n, i) => n === 1 || n === to[to.length - shape.length + i]);
}

export function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  const r = checkReduction(op, reduction);
  return r === 'mean' ? mean(loss) : r === 'sum' ? sum(loss) : loss;
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
  const reduction = checkReduction(op, o.reduction);
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
 * Cross-entropy of logits `input` [N, C, ...] (or [C]), logp = logSoftmax(input, 1), against either
 * - class indices `target` [N, ...] (or []): loss_i = −(1 − ε)·w_t·logp_t − (ε/C)·Σ_c w_c·logp_c; 'mean'
 *   divides by Σ_i w_{t_i} over non-ignored samples, as PyTorch;
 * - class probabilities `target` of the input's shape (PyTorch's rule: same shape means probabilities):
 *   loss_i = −Σ_c w_c·q_c·logp_c with q = (1 − ε)·target + ε/C; 'mean' divides by the number of samples
 *   (input.numel / C), whatever the weights, and ignoreIndex must stay negative, as PyTorch 1.13.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  checkTensor(op, 'input', input);
  checkTensor(op, 'target', target);
  if (input.ndim === 0) throw rangeErr(op, 'expected input [N, C, ...] or [C], got a 0-d tensor');
  const smoothing = checkNum(op, 'labelSmoothing', options.labelSmoothing ?? 0);
  if (!(smoothing >= 0 && smoothing <= 1)) throw rangeErr(op, `expected labelSmoothing in [0, 1], got ${smoothing}`);
  const dim = input.ndim === 1 ? 0 : 1;
  if (sameShape(input.shape, target.shape)) return crossEntropyProbs(input, target, dim, smoothing, options);
  return nllCore(op, logSoftmax(input, dim), target, options);
}

function crossEntropyProbs(input: Tensor, target: Tensor, dim: number, smoothing: number, o: CrossEntropyOptions): Tensor {
  const op = 'crossEntropy';
  checkLike(op, 'target', target, input);
  const reduction = checkReduction(op, o.reduction);
  const ignoreIndex = checkNum(op, 'ignoreIndex', o.ignoreIndex ?? -100);
  if (ignoreIndex >= 0) throw rangeErr(op, `expected ignoreIndex < 0 with probability targets (target of the input's shape), got ${ignoreIndex}`);
  const classes = input.shape[dim];
  const q = smoothing > 0 ? affine(target, 1 - smoothing, smoothing / classes) : target;
  let terms = mul(logSoftmax(input, dim), q);
  if (o.weight != null) {
    const w = checkLike(op, 'weight', o.weight, input);
    if (w.ndim !== 1 || w.shape[0] !== classes) throw rangeErr(op, `expected weight of shape [${classes}], got ${fmtShape(w.shape)}`);
    // [C] → [C, 1, ...] so it broadcasts along the class dim of [N, C, d1, ...].
    terms = mul(terms, reshape(w, [classes, ...input.shape.slice(dim + 1).map(() => 1)]));
  }
  if (reduction === 'none') return neg(sum(terms, dim));
  const total = neg(sum(terms));
  // 'mean' over samples; an empty input gives 0/0 = NaN, as PyTorch.
  return reduction === 'sum' ? total : affine(total, 1 / (input.numel / classes), 0);
}

export interface ReductionOptions { reduction?: Reduction }

const warnedShapes = new Set<string>();

/**
 * The element-wise regression losses broadcast a target of another shape, as PyTorch does, and warn as
 * PyTorch does: an input [N, 1] against a target [N] gives an [N, N] loss, almost always a bug. Once per
 * op and pair of shapes, so a training loop does not repeat it every step.
 */
function checkRegressionTarget(op: string, input: unknown, target: unknown): [Tensor, Tensor] {
  const x = checkTensor(op, 'input', input), t = checkTensor(op, 'target', target);
  if (!sameShape(x.shape, t.shape)) {
    checkBroadcastable(op, 'input', x, 'target', t);
    const key = `${op} ${fmtShape(x.shape)} ${fmtShape(t.shape)}`;
    if (!warnedShapes.has(key)) {
      warnedShapes.add(key);
      globalThis.process?.emitWarning(
        `nodegrad.${op}: target shape ${fmtShape(t.shape)} differs from input shape ${fmtShape(x.shape)}; ` +
        'they broadcast, which is likely to give wrong results. Give them the same shape.',
        { code: 'NODEGRAD_LOSS_BROADCAST' },
      );
    }
  }
  return [x, t];
}

/** mean((input − target)²). */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const [x, t] = checkRegressionTarget('mseLoss', input, target);
  return reduce('mseLoss', square(sub(x, t)), options.reduction);
}

/** mean(|input − target|). */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const [x, t] = checkRegressionTarget('l1Loss', input, target);
  return reduce('l1Loss', abs(sub(x, t)), options.reduction);
}

/** |d| < β ? ½d²/β : |d| − ½β with d = input − target (β = 1 default; β = 0 is L1). */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  const [x, t] = checkRegressionTarget('smoothL1Loss', input, target);
  const beta = checkNum('smoothL1Loss', 'beta', options.beta ?? 1);
  if (beta < 0) throw rangeErr('smoothL1Loss', `expected beta >= 0, got ${beta}`);
  return reduce('smoothL1Loss', binaryOp('smoothL1Loss', BinaryOp.SMOOTH_L1, x, t, beta), options.reduction);
}

/** |d| ≤ δ ? ½d² : δ(|d| − ½δ) with d = input − target (δ = 1 default). */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  const [x, t] = checkRegressionTarget('huberLoss', input, target);
  const delta = checkNum('huberLoss', 'delta', options.delta ?? 1);
  if (!(delta > 0)) throw rangeErr('huberLoss', `expected delta > 0, got ${delta}`);
  return reduce('huberLoss', binaryOp('huberLoss', BinaryOp.HUBER, x, t, delta), options.reduction);
}

export interface BceOptions extends ReductionOptions {
  /** Rescales each element's loss (broadcast to the input). */
  weight?: Tensor | null;
}

/** The BCE family's shapes, as PyTorch: target exactly the input's, weight broadcast to it. */
function checkBce(op: string, input: Tensor, target: Tensor, weight: unknown): Tensor | null {
  checkTensor(op, 'input', input);
  checkLike(op, 'target', target, input);
  if (!sameShape(input.shape, target.shape)) throw rangeErr(op, `expected target of the input's shape ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`);
  if (weight == null) return null;
  const w = checkLike(op, 'weight', weight, input);
  if (!broadcastsTo(w.shape, input.shape)) throw rangeErr(op, `expected weight broadcastable to the input shape ${fmtShape(input.shape)}, got ${fmtShape(w.shape)}`);
  return w;
}

/** −(y·log p + (1 − y)·log(1 − p)) with the logs clamped at −100, as PyTorch. input p ∈ [0, 1]. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  const w = checkBce('binaryCrossEntropy', input, target, options.weight);
  const l = binaryOp('binaryCrossEntropy', BinaryOp.BCE, input, target);
  return reduce('binaryCrossEntropy', w ? mul(l, w) : l, options.reduction);
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of the positive term, broadcast from the last dim ([C] for C classes, or [1]). */
  posWeight?: Tensor | null;
}

/**
 * BCE on logits x with targets y, stable for any x: (1 − y)·x + (1 + (p − 1)·y)·softplus(−x), p = posWeight
 * (1 when absent); without p this is max(x, 0) − x·y + log(1 + e^(−|x|)).
 */
export function bceWithLogits(input: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  const op = 'bceWithLogits';
  const w = checkBce(op, input, target, options.weight);
  let l = binaryOp(op, BinaryOp.BCE_LOGITS, input, target);
  if (options.posWeight != null) {
    const p = checkLike(op, 'posWeight', options.posWeight, input);
    if (!broadcastsTo(p.shape, input.shape)) {
      throw rangeErr(op, `expected posWeight broadcastable to the input shape ${fmtShape(input.shape)}, got ${fmtShape(p.shape)}`);
    }
    // The extra (p − 1)·y·softplus(−x); softplus(−x) is the logits BCE at y = 1, exact for large |x|.
    const softplusNeg = binaryOp(op, BinaryOp.BCE_LOGITS, input, fullOf([], 1, input.dtype));
    l = add(l, mul(mul(affine(p, 1, -1), target), softplusNeg));
  }
  if (w) l = mul(l, w);
  return reduce(op, l, options.reduction);
}
