/** Adam and AdamW. */
import type { FloatArray } from '../backend/types.js';
import { checkFlag, checkNumber, kernelsFor, Optimizer, type ParamGroup, type ParamsArg, type ParamState, withDefaults } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

const ADAM_DEFAULTS: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };

function zerosLike(p: FloatArray): FloatArray {
  return new (p.constructor as Float32ArrayConstructor)(p.length);
}

/**
 * Adam (Kingma & Ba), as PyTorch, per element at step t:
 *   g ← g + weightDecay·p (L2, coupled); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²
 *   v̂ ← max(v̂, v) with amsgrad, else v
 *   p ← p − lr/(1 − β1^t) · m / (√v̂ / √(1 − β2^t) + eps)
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, withDefaults(new.target.name, ADAM_DEFAULTS, options));
  }

  protected override validate(g: AdamOptions, op: string): void {
    super.validate(g, op);
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new RangeError(`${op}: expected betas to be a pair of numbers, got ${String(g.betas)}`);
    checkNumber(op, 'betas[0]', g.betas[0], 0, false, 1, true);
    checkNumber(op, 'betas[1]', g.betas[1], 0, false, 1, true);
    checkNumber(op, 'eps', g.eps, 0, true);
    checkNumber(op, 'weightDecay', g.weightDecay, 0);
    checkFlag(op, 'amsgrad', g.amsgrad);
    checkFlag(op, 'maximize', g.maximize);
  }

  protected update(g: ParamGroup<AdamOptions>, p: FloatArray, grad: FloatArray, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = zerosLike(p);
      state.expAvgSq = zerosLike(p);
    }
    // Created when first needed, so amsgrad may be switched on for a group after its first step.
    if (g.amsgrad) state.maxExpAvgSq ??= zerosLike(p);
    const step = (state.step as number) + 1;
    state.step = step;
    const vmax = g.amsgrad ? (state.maxExpAvgSq as FloatArray) : null;
    kernelsFor(p).adamUpdate(p, grad, state.expAvg as FloatArray, state.expAvgSq as FloatArray, vmax, step,
      g.lr, g.betas[0], g.betas[1], g.eps, g.weightDecay, this.isDecoupled(), g.maximize);
  }

  protected isDecoupled(): boolean {
    return false;
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, p ← p·(1 − lr·weightDecay) before the
 * Adam step (which then sees the plain gradient). Default weightDecay 0.01.
 */
export class AdamW extends Adam {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, withDefaults('AdamW', { ...ADAM_DEFAULTS, weightDecay: 0.01 }, options));
  }

  protected override isDecoupled(): boolean {
    return true;
  }
}
