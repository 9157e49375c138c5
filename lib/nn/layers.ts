/** Linear, Identity, Flatten, Dropout, Embedding. */
import { linear } from '../ops/linalg.js';
import { Tensor } from '../tensor.js';
import { dropout } from '../ops/dropout.js';
import { embedding } from './functional.js';
import * as init from './init.js';
import { Module, Parameter } from './module.js';

function checkSize(op: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new RangeError(`nodegrad.${op}: expected ${name} to be an integer >= ${min}, got ${String(v)}`);
  return v;
}

export interface FactoryOptions {
  dtype?: 'float32' | 'float64';
}

/** A new uninitialised parameter of this shape. */
export function emptyParameter(shape: number[], dtype: 'float32' | 'float64' = 'float32'): Parameter {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Parameter(new Tensor(new (dtype === 'float64' ? Float64Array : Float32Array)(n), shape));
}

/**
 * y = x·Wᵀ + b, x [..., inFeatures] → y [..., outFeatures]. weight [out, in] and bias [out] start as
 * U(−1/√in, 1/√in) (PyTorch's kaiming_uniform with a = √5).
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, { bias = true, dtype = 'float32' }: { bias?: boolean } & FactoryOptions = {}) {
    super();
    checkSize('Linear', 'inFeatures', inFeatures, 0);
    checkSize('Linear', 'outFeatures', outFeatures, 0);
    this.weight = emptyParameter([outFeatures, inFeatures], dtype);
    this.bias = bias ? emptyParameter([outFeatures], dtype) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Returns its input. */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** Flattens dims startDim..endDim (default 1..−1: [N, ...] → [N, ∏...]). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) throw new RangeError(`nodegrad.Flatten: expected startDim and endDim to be integers, got ${String(startDim)} and ${String(endDim)}`);
  }

  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/** Inverted dropout with probability p in training mode; the identity in eval mode. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`nodegrad.Dropout: expected p in [0, 1], got ${String(p)}`);
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

export interface EmbeddingOptions extends FactoryOptions {
  /** A row that stays fixed (zero at init, no gradient). Negative counts from the end. */
  paddingIdx?: number | null;
}

/** A lookup table: integer indices [...] → rows of weight [num, dim] → [..., dim]. weight starts as N(0, 1). */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, { paddingIdx = null, dtype = 'float32' }: EmbeddingOptions = {}) {
    super();
    checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    checkSize('Embedding', 'embeddingDim', embeddingDim);
    if (paddingIdx !== null && (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings)) {
      throw new RangeError(`nodegrad.Embedding: expected paddingIdx in [${-numEmbeddings}, ${numEmbeddings}), got ${paddingIdx}`);
    }
    this.paddingIdx = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    this.weight = emptyParameter([numEmbeddings, embeddingDim], dtype);
    init.normal_(this.weight);
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
  }

  override forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
