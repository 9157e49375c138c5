/** Stochastic gradient descent with momentum, dampening, Nesterov momentum and coupled weight decay. */
import type { FloatArray } from '../backend/types.js';
import { checkFlag, checkNumber, kernelsFor, Optimizer, type ParamGroup, type ParamsArg, type ParamState, withDefaults } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * PyTorch's SGD, per element (g the gradient, p the parameter, b the momentum buffer):
 *   g ← g + weightDecay·p   (negated first when maximize)
 *   b ← g on the first step, else momentum·b + (1 − dampening)·g   (only when momentum ≠ 0)
 *   g ← g + momentum·b if nesterov, else b
 *   p ← p − lr·g
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, options));
  }

  protected override validate(g: SGDOptions, op: string): void {
    super.validate(g, op);
    checkNumber(op, 'momentum', g.momentum, 0);
    checkNumber(op, 'dampening', g.dampening, -Infinity);
    checkNumber(op, 'weightDecay', g.weightDecay, 0);
    checkFlag(op, 'nesterov', g.nesterov);
    checkFlag(op, 'maximize', g.maximize);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new RangeError(`${op}: expected momentum > 0 and dampening = 0 with nesterov, got momentum ${g.momentum} and dampening ${g.dampening}`);
    }
  }

  protected update(g: ParamGroup<SGDOptions>, p: FloatArray, grad: FloatArray, state: ParamState): void {
    let buf: FloatArray | null = null;
    let first = false;
    if (g.momentum !== 0) {
      if (!state.momentumBuffer) {
        state.momentumBuffer = new (p.constructor as Float32ArrayConstructor)(p.length);
        first = true;
      }
      buf = state.momentumBuffer as FloatArray;
    }
    kernelsFor(p).sgdUpdate(p, grad, buf, first, g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov, g.maximize);
  }
}
