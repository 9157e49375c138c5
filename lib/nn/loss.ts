/**
 * Loss modules over the functional losses (lib/ops/loss.ts), PyTorch's defaults: reduction 'mean'. Class
 * and element weights are buffers named 'weight' (as PyTorch registers them), so they appear in stateDict.
 */
import {
  bceWithLogits, binaryCrossEntropy, crossEntropy, huberLoss, l1Loss, mseLoss, nllLoss, smoothL1Loss,
  type Reduction,
} from '../ops/loss.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

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

  abstract override forward(input: Tensor, target: Tensor): Tensor;

  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;

  constructor(options: WeightedLossOptions = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
}

export interface CrossEntropyLossOptions extends WeightedLossOptions {
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/** Cross-entropy of logits [N, C, ...] against class indices [N, ...] (logSoftmax + NLL in one). */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyLossOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
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
    this.ignoreIndex = options.ignoreIndex ?? -100;
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
    this.beta = options.beta ?? 1;
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
    this.delta = options.delta ?? 1;
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

/** Binary cross-entropy of logits (sigmoid folded in, stable for any input). */
export class BCEWithLogitsLoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogits(input, target, { weight: this.weight, reduction: this.reduction });
  }
}
