/** RMSprop and Adagrad. */
import type { FloatArray } from '../backend/types.js';
import { checkFlag, checkNumber, kernelsFor, Optimizer, type ParamGroup, type ParamsArg, type ParamState, withDefaults } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

function zerosLike(p: FloatArray, value = 0): FloatArray {
  const out = new (p.constructor as Float32ArrayConstructor)(p.length);
  if (value !== 0) out.fill(value);
  return out;
}

/**
 * RMSprop (Hinton), as PyTorch, per element:
 *   g ← g + weightDecay·p; v ← α·v + (1 − α)·g²
 *   centered: ḡ ← α·ḡ + (1 − α)·g, d = √(v − ḡ²) + eps; else d = √v + eps
 *   momentum > 0: b ← μ·b + g/d, p ← p − lr·b; else p ← p − lr·g/d
 * Defaults: lr 1e-2, alpha 0.99, eps 1e-8.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, options));
  }

  protected override validate(g: RMSpropOptions, op: string): void {
    super.validate(g, op);
    checkNumber(op, 'alpha', g.alpha, 0);
    checkNumber(op, 'eps', g.eps, 0, true);
    checkNumber(op, 'weightDecay', g.weightDecay, 0);
    checkNumber(op, 'momentum', g.momentum, 0);
    checkFlag(op, 'centered', g.centered);
    checkFlag(op, 'maximize', g.maximize);
  }

  protected update(g: ParamGroup<RMSpropOptions>, p: FloatArray, grad: FloatArray, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = zerosLike(p);
    }
    // Created when first needed: a scheduler (OneCycleLR) may turn momentum on after the first step.
    if (g.momentum > 0) state.momentumBuffer ??= zerosLike(p);
    if (g.centered) state.gradAvg ??= zerosLike(p);
    state.step = (state.step as number) + 1;
    kernelsFor(p).rmspropUpdate(p, grad, state.squareAvg as FloatArray, g.centered ? (state.gradAvg as FloatArray) : null,
      g.momentum > 0 ? (state.momentumBuffer as FloatArray) : null, g.lr, g.alpha, g.eps, g.weightDecay, g.momentum, g.maximize);
  }
}

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad (Duchi et al.), as PyTorch, per element at step t:
 *   g ← g + weightDecay·p; s ← s + g²; p ← p − lr/(1 + (t − 1)·lrDecay) · g / (√s + eps)
 * s starts at initialAccumulatorValue. Defaults: lr 1e-2, eps 1e-10.
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, options));
  }

  protected override validate(g: AdagradOptions, op: string): void {
    super.validate(g, op);
    checkNumber(op, 'lrDecay', g.lrDecay, 0);
    checkNumber(op, 'weightDecay', g.weightDecay, 0);
    checkNumber(op, 'initialAccumulatorValue', g.initialAccumulatorValue, 0);
    checkNumber(op, 'eps', g.eps, 0, true);
    checkFlag(op, 'maximize', g.maximize);
  }

  protected update(g: ParamGroup<AdagradOptions>, p: FloatArray, grad: FloatArray, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.sum = zerosLike(p, g.initialAccumulatorValue);
    }
    const step = (state.step as number) + 1;
    state.step = step;
    kernelsFor(p).adagradUpdate(p, grad, state.sum as FloatArray, step, g.lr, g.lrDecay, g.eps, g.weightDecay, g.maximize);
  }
}
