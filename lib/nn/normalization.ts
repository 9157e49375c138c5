/** BatchNorm1d, BatchNorm2d and LayerNorm. */
import { markInt64 } from '../io/state.js';
import { Tensor } from '../tensor.js';
import { batchNorm, layerNorm } from './functional.js';
import { emptyParameter, type FactoryOptions } from './layers.js';
import { Module, type Parameter } from './module.js';

export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** Running-average factor (PyTorch's convention: new = (1 − momentum)·old + momentum·batch); null = cumulative. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over channel dim 1. Parameters weight (ones) and bias (zeros) [C]; buffers
 * running_mean (zeros), running_var (ones) and num_batches_tracked (0, saved as int64) — PyTorch's names.
 */
abstract class BatchNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  protected abstract readonly ranks: number[];

  constructor(readonly numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true, dtype = 'float32' }: BatchNormOptions = {}) {
    super();
    const op = `nodegrad.${this.constructor.name}`;
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`${op}: expected numFeatures to be an integer >= 1, got ${numFeatures}`);
    if (typeof eps !== 'number' || !(eps > 0)) throw new RangeError(`${op}: expected eps > 0, got ${String(eps)}`);
    if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))) throw new RangeError(`${op}: expected momentum in [0, 1] or null, got ${String(momentum)}`);
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? emptyParameter([numFeatures], dtype) : null;
    this.bias = affine ? emptyParameter([numFeatures], dtype) : null;
    const A = dtype === 'float64' ? Float64Array : Float32Array;
    this.registerBuffer('running_mean', trackRunningStats ? new Tensor(new A(numFeatures), [numFeatures]) : null);
    this.registerBuffer('running_var', trackRunningStats ? new Tensor(new A(numFeatures).fill(1), [numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', trackRunningStats ? markInt64(new Tensor(new Float64Array(1), [])) : null);
    this.resetParameters();
  }

  resetRunningStats(): void {
    this.running_mean?.data.fill(0);
    this.running_var?.data.fill(1);
    this.num_batches_tracked?.data.fill(0);
  }

  resetParameters(): void {
    this.resetRunningStats();
    this.weight?.data.fill(1);
    this.bias?.data.fill(0);
  }

  get runningMean(): Tensor | null {
    return this.running_mean;
  }

  get runningVar(): Tensor | null {
    return this.running_var;
  }

  /** Batches seen in training (PyTorch's num_batches_tracked). */
  get numBatchesTracked(): number {
    return this.num_batches_tracked ? this.num_batches_tracked.data[0] : 0;
  }

  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || !this.ranks.includes(x.ndim)) {
      throw new RangeError(`nodegrad.${this.constructor.name}: expected input of rank ${this.ranks.join(' or ')}, got ${x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : typeof x}`);
    }
    if (x.shape[1] !== this.numFeatures) throw new RangeError(`nodegrad.${this.constructor.name}: expected ${this.numFeatures} channels in dim 1, got shape [${x.shape.join(', ')}]`);
    const useBatchStats = this.training || !this.trackRunningStats;
    if (this.training && this.num_batches_tracked) this.num_batches_tracked.data[0] += 1;
    return batchNorm(x, {
      runningMean: this.trackRunningStats ? this.running_mean : null,
      runningVar: this.trackRunningStats ? this.running_var : null,
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: this.momentum,
      eps: this.eps,
      numBatchesTracked: this.numBatchesTracked,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** BatchNorm over x [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNorm {
  protected readonly ranks = [2, 3];
}

/** BatchNorm over x [N, C, H, W]. */
export class BatchNorm2d extends BatchNorm {
  protected readonly ranks = [4];
}

/** Normalises over the trailing normalizedShape dims; weight (ones) and bias (zeros) of that shape. */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: number[];

  constructor(normalizedShape: number | number[], readonly eps = 1e-5, { elementwiseAffine = true, dtype = 'float32' }: { elementwiseAffine?: boolean } & FactoryOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) throw new RangeError(`nodegrad.LayerNorm: expected normalizedShape of positive integers, got ${String(normalizedShape)}`);
    if (typeof eps !== 'number' || !(eps > 0)) throw new RangeError(`nodegrad.LayerNorm: expected eps > 0, got ${String(eps)}`);
    this.normalizedShape = shape;
    this.weight = elementwiseAffine ? emptyParameter(shape, dtype) : null;
    this.bias = elementwiseAffine ? emptyParameter(shape, dtype) : null;
    this.weight?.data.fill(1);
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
