/**
 * Loss modules over the functional losses (lib/ops/loss.ts), PyTorch's defaults: reduction 'mean'. Class
 * and element weights are buffers named 'weight' (as PyTorch registers them), so they appear in stateDict.
 */
import {
  bceWithLogits, binaryCrossEntropy, crossEntropy, huberLoss, l1Loss, mseLoss, nllLoss, smoothL1Loss, type Reduction,
} from '../ops/loss.js';
import { klDiv, poissonNllLoss } from '../ops/loss_prob.js';
import { cosineEmbeddingLoss, marginRankingLoss } from '../ops/loss_pairs.js';
import { Tensor } from '../tensor.js';
import { Module } from './module.js';

function checkIgnoreIndex(op: string, v: unknown): number {
  if (!Number.isInteger(v)) throw new RangeError(`nodegrad.${op}: expected ignoreIndex to be an integer, got ${String(v)}`);
  return v as number;
}

function checkReal(op: string, name: string, v: unknown, ok: (x: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new RangeError(`nodegrad.${op}: expected ${name} ${what}, got ${String(v)}`);
  return v;
}

export interface LossOptions {
  reduction?: Reduction;
}

export interface WeightedLossOptions extends LossOptions {
  weight?: Tensor | null;
}

abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor({ reduction = 'mean' }: LossOptions = {}) {
    super();
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
      throw new RangeError(`nodegrad.${this.constructor.name}: expected reduction 'mean', 'sum' or 'none', got ${String(reduction)}`);
    }
    this.reduction = reduction;
  }

  abstract override forward(...inputs: Tensor[]): Tensor;

  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;

  constructor(options: WeightedLossOptions = {}) {
    super(options);
    const w = options.weight ?? null;
    if (w !== null && !(w instanceof Tensor)) throw new TypeError(`nodegrad.${this.constructor.name}: expected weight to be a Tensor or null, got ${typeof w}`);
    this.registerBuffer('weight', w);
  }
}

export interface CrossEntropyLossOptions extends WeightedLossOptions {
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits [N, C, ...] against class indices [N, ...] (logSoftmax + NLL in one), or against
 * class probabilities of the logits' shape (then ignoreIndex must be negative and 'mean' divides by N·d1·...).
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyLossOptions = {}) {
    super(options);
    this.ignoreIndex = checkIgnoreIndex('CrossEntropyLoss', options.ignoreIndex ?? -100);
    this.labelSmoothing = checkReal('CrossEntropyLoss', 'labelSmoothing', options.labelSmoothing ?? 0, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/** Negative log-likelihood of log-probabilities [N, C, ...] at class indices [N, ...]. */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(options: WeightedLossOptions & { ignoreIndex?: number } = {}) {
    super(options);
    this.ignoreIndex = checkIgnoreIndex('NLLLoss', options.ignoreIndex ?? -100);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Mean squared error. */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error. */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Smooth L1: ½d²/β below β, |d| − ½β above (β = 1). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options: LossOptions & { beta?: number } = {}) {
    super(options);
    this.beta = checkReal('SmoothL1Loss', 'beta', options.beta ?? 1, (x) => x >= 0, '>= 0');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Huber: ½d² up to δ, δ(|d| − ½δ) beyond (δ = 1). */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: LossOptions & { delta?: number } = {}) {
    super(options);
    this.delta = checkReal('HuberLoss', 'delta', options.delta ?? 1, (x) => x > 0, '> 0');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Binary cross-entropy of probabilities in [0, 1]. */
export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export interface BCEWithLogitsLossOptions extends WeightedLossOptions {
  /** Weight of the positive term per class (last dim), e.g. #negatives/#positives. */
  posWeight?: Tensor | null;
}

/** Binary cross-entropy of logits (sigmoid folded in, stable for any input). */
export class BCEWithLogitsLoss extends WeightedLoss {
  /** A buffer, under PyTorch's name. */
  declare pos_weight: Tensor | null;

  constructor(options: BCEWithLogitsLossOptions = {}) {
    super(options);
    const p = options.posWeight ?? null;
    if (p !== null && !(p instanceof Tensor)) throw new TypeError(`nodegrad.BCEWithLogitsLoss: expected posWeight to be a Tensor or null, got ${typeof p}`);
    this.registerBuffer('pos_weight', p);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

export interface KLDivLossOptions {
  reduction?: Reduction | 'batchmean';
  logTarget?: boolean;
}

/**
 * KL divergence of the target from log-probabilities (see klDiv). PyTorch's default reduction 'mean'
 * averages over every element; 'batchmean' is the KL per sample.
 */
export class KLDivLoss extends Module {
  readonly reduction: Reduction | 'batchmean';
  readonly logTarget: boolean;

  constructor({ reduction = 'mean', logTarget = false }: KLDivLossOptions = {}) {
    super();
    if (reduction !== 'mean' && reduction !== 'batchmean' && reduction !== 'sum' && reduction !== 'none') {
      throw new RangeError(`nodegrad.KLDivLoss: expected reduction 'mean', 'batchmean', 'sum' or 'none', got ${String(reduction)}`);
    }
    if (typeof logTarget !== 'boolean') throw new TypeError(`nodegrad.KLDivLoss: expected logTarget to be a boolean, got ${typeof logTarget}`);
    this.reduction = reduction;
    this.logTarget = logTarget;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }

  override extraRepr(): string {
    return [this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`, this.logTarget ? 'logTarget=true' : ''].filter((s) => s).join(', ');
  }
}

function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`nodegrad.${op}: expected ${name} to be a boolean, got ${typeof v}`);
  return v;
}

export interface PoissonNLLLossOptions extends LossOptions {
  logInput?: boolean;
  full?: boolean;
  eps?: number;
}

/** Poisson negative log-likelihood of counts; the input is log λ by default (see poissonNllLoss). */
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;

  constructor(options: PoissonNLLLossOptions = {}) {
    super(options);
    this.logInput = checkBool('PoissonNLLLoss', 'logInput', options.logInput ?? true);
    this.full = checkBool('PoissonNLLLoss', 'full', options.full ?? false);
    this.eps = checkReal('PoissonNLLLoss', 'eps', options.eps ?? 1e-8, (x) => x >= 0, '>= 0');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export interface MarginLossOptions extends LossOptions {
  margin?: number;
}

abstract class MarginLoss extends Loss {
  readonly margin: number;

  constructor(options: MarginLossOptions = {}) {
    super(options);
    this.margin = checkReal(this.constructor.name, 'margin', options.margin ?? 0, () => true, 'to be a finite number');
  }

  abstract override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor;
}

/** max(0, −y·(x1 − x2) + margin): y = 1 ranks x1 above x2 (forward(input1, input2, target)). */
export class MarginRankingLoss extends MarginLoss {
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** 1 − cos(x1, x2) for y = 1, max(0, cos − margin) for y = −1 (forward(input1, input2, target)). */
export class CosineEmbeddingLoss extends MarginLoss {
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
