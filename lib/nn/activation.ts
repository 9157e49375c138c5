/** Activation modules over the activation ops. */
import { elu, gelu, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, softplus, tanh } from '../ops/activation.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

function finite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`nodegrad.${op}: expected ${name} to be a finite number, got ${String(v)}`);
  return v;
}

function checkDim(op: string, dim: unknown): number {
  if (!Number.isInteger(dim)) throw new RangeError(`nodegrad.${op}: expected dim to be an integer, got ${String(dim)}`);
  return dim as number;
}

/** max(x, 0). */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x > 0 ? x : negativeSlope·x. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    finite('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  override forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** x > 0 ? x : alpha·(eˣ − 1). */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    finite('ELU', 'alpha', alpha);
  }

  override forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x·Φ(x) (exact erf form), or the tanh approximation with approximate 'tanh'. */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new RangeError(`nodegrad.GELU: expected approximate 'none' or 'tanh', got ${String(approximate)}`);
  }

  override forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** x·sigmoid(x). */
export class SiLU extends Module {
  override forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** ln(1 + e^(βx))/β. */
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
    if (finite('Softplus', 'beta', beta) === 0) throw new RangeError('nodegrad.Softplus: expected beta to be nonzero, got 0');
    finite('Softplus', 'threshold', threshold);
  }

  override forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** Softmax along dim. */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
    checkDim('Softmax', dim);
  }

  override forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Log-softmax along dim. */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
    checkDim('LogSoftmax', dim);
  }

  override forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
