/**
 * Convolution and pooling layers over the conv/pool ops: Conv1d, Conv2d (stride, padding incl. 'same' and
 * 'valid', dilation, groups, bias), MaxPool2d, AvgPool2d, AdaptiveAvgPool2d. Weights are PyTorch's
 * [out, in/groups, ...kernel] and start as U(−1/√fanIn, 1/√fanIn) (kaiming_uniform with a = √5), the bias
 * with the same bound; fanIn = in/groups·∏kernel.
 */
import { conv1d, conv2d } from '../ops/conv.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/pool.js';
import type { Tensor } from '../tensor.js';
import * as init from './init.js';
import { emptyParameter, type FactoryOptions } from './layers.js';
import { Module, type Parameter } from './module.js';

type Pair = number | [number, number];

function pair(op: string, name: string, v: Pair, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new RangeError(`nodegrad.${op}: expected ${name} to be an integer >= ${min} or a pair of them, got ${String(v)}`);
  }
  return [p[0], p[1]];
}

function single(op: string, name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`nodegrad.${op}: expected ${name} to be an integer >= ${min}, got ${String(v)}`);
  return v;
}

function flag(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`nodegrad.${op}: expected ${name} to be a boolean, got ${String(v)}`);
  return v;
}

/** PyTorch's pooling rule: padding at most half the kernel on each axis. */
function poolPadding(op: string, padding: Pair, kernel: [number, number]): [number, number] {
  const p = pair(op, 'padding', padding, 0);
  if (p.some((x, i) => x > Math.floor(kernel[i] / 2))) throw new RangeError(`nodegrad.${op}: expected padding at most half the kernel size ${showPool(kernel)}, got ${showPool(p)}`);
  return p;
}

const show = (v: readonly number[]) => (v.length === 1 ? `${v[0]}` : `(${v.join(', ')})`);
/** Pooling prints a square pair as one number, as PyTorch does for scalar arguments. */
const showPool = (v: readonly number[]) => (v.every((x) => x === v[0]) ? `${v[0]}` : show(v));

export interface ConvOptions<P> extends FactoryOptions {
  stride?: P;
  /** Zero padding on both sides, or 'valid' (none) or 'same' (output size = input size; stride 1 only). */
  padding?: P | 'same' | 'valid';
  dilation?: P;
  groups?: number;
  bias?: boolean;
}

abstract class ConvBase extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernel: number[], stride: number[], options: ConvOptions<unknown>) {
    super();
    const op = this.constructor.name;
    const { groups = 1, bias = true, dtype = 'float32' } = options;
    single(op, 'inChannels', inChannels, 1);
    single(op, 'outChannels', outChannels, 1);
    single(op, 'groups', groups, 1);
    flag(op, 'bias', bias);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`nodegrad.${op}: expected inChannels (${inChannels}) and outChannels (${outChannels}) divisible by groups (${groups})`);
    }
    if (options.padding === 'same' && stride.some((s) => s !== 1)) {
      throw new RangeError(`nodegrad.${op}: expected stride 1 with padding 'same', got ${show(stride)}`);
    }
    this.groups = groups;
    this.weight = emptyParameter([outChannels, inChannels / groups, ...kernel], dtype);
    this.bias = bias ? emptyParameter([outChannels], dtype) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      init.uniform_(this.bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    }
  }
}

/** x [N, C, H, W] → [N, outChannels, OH, OW]; weight [out, in/groups, kh, kw]. */
export class Conv2d extends ConvBase {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same';
  readonly dilation: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvOptions<Pair> = {}) {
    const k = pair('Conv2d', 'kernelSize', kernelSize, 1);
    const s = pair('Conv2d', 'stride', options.stride ?? 1, 1);
    super(inChannels, outChannels, k, s, options);
    this.kernelSize = k;
    this.stride = s;
    this.dilation = pair('Conv2d', 'dilation', options.dilation ?? 1, 1);
    const p = options.padding ?? 0;
    this.padding = p === 'same' ? 'same' : p === 'valid' ? [0, 0] : pair('Conv2d', 'padding', p, 0);
  }

  override forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${show(this.kernelSize)}, stride=${show(this.stride)}`;
    if (this.padding === 'same' || this.padding.some((p) => p !== 0)) s += `, padding=${this.padding === 'same' ? "'same'" : show(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${show(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=false';
    return s;
  }
}

/** x [N, C, L] → [N, outChannels, OL]; weight [out, in/groups, k]. */
export class Conv1d extends ConvBase {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'same';
  readonly dilation: number;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvOptions<number> = {}) {
    const k = single('Conv1d', 'kernelSize', kernelSize, 1);
    const s = single('Conv1d', 'stride', options.stride ?? 1, 1);
    super(inChannels, outChannels, [k], [s], options);
    this.kernelSize = k;
    this.stride = s;
    this.dilation = single('Conv1d', 'dilation', options.dilation ?? 1, 1);
    const p = options.padding ?? 0;
    this.padding = p === 'same' ? 'same' : p === 'valid' ? 0 : single('Conv1d', 'padding', p, 0);
  }

  override forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}`;
    if (this.padding !== 0) s += `, padding=${this.padding === 'same' ? "'same'" : this.padding}`;
    if (this.dilation !== 1) s += `, dilation=${this.dilation}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=false';
    return s;
  }
}

export interface PoolOptions {
  /** Default: the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
}

/** Max over kernelSize windows of x [N, C, H, W] (or [C, H, W]). */
export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, options: PoolOptions & { dilation?: Pair } = {}) {
    super();
    this.kernelSize = pair('MaxPool2d', 'kernelSize', kernelSize, 1);
    this.stride = options.stride == null ? this.kernelSize : pair('MaxPool2d', 'stride', options.stride, 1);
    this.padding = poolPadding('MaxPool2d', options.padding ?? 0, this.kernelSize);
    this.dilation = pair('MaxPool2d', 'dilation', options.dilation ?? 1, 1);
    this.ceilMode = flag('MaxPool2d', 'ceilMode', options.ceilMode ?? false);
  }

  override forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernelSize=${showPool(this.kernelSize)}, stride=${showPool(this.stride)}, padding=${showPool(this.padding)}, dilation=${showPool(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

/** Mean over kernelSize windows of x [N, C, H, W] (or [C, H, W]); padding counts in the divisor by default. */
export class AvgPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Pair, options: PoolOptions & { countIncludePad?: boolean } = {}) {
    super();
    this.kernelSize = pair('AvgPool2d', 'kernelSize', kernelSize, 1);
    this.stride = options.stride == null ? this.kernelSize : pair('AvgPool2d', 'stride', options.stride, 1);
    this.padding = poolPadding('AvgPool2d', options.padding ?? 0, this.kernelSize);
    this.ceilMode = flag('AvgPool2d', 'ceilMode', options.ceilMode ?? false);
    this.countIncludePad = flag('AvgPool2d', 'countIncludePad', options.countIncludePad ?? true);
  }

  override forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernelSize=${showPool(this.kernelSize)}, stride=${showPool(this.stride)}, padding=${showPool(this.padding)}`;
  }
}

/** Averages x [N, C, H, W] down to outputSize [OH, OW] (a number for both; null keeps that input dim). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | [number | null, number | null]) {
    super();
    const sizes = typeof outputSize === 'number' ? [outputSize] : outputSize;
    if (!Array.isArray(sizes) || !sizes.every((s) => s === null || (Number.isInteger(s) && s >= 1))) {
      throw new RangeError(`nodegrad.AdaptiveAvgPool2d: expected outputSize to be an integer >= 1 or a pair of them (or null), got ${String(outputSize)}`);
    }
  }

  override forward(x: Tensor): Tensor {
    const [oh, ow] = typeof this.outputSize === 'number' ? [this.outputSize, this.outputSize] : this.outputSize;
    const h = x.shape[x.ndim - 2];
    const w = x.shape[x.ndim - 1];
    return adaptiveAvgPool2d(x, [oh ?? h, ow ?? w]);
  }

  override extraRepr(): string {
    return `outputSize=${typeof this.outputSize === 'number' ? this.outputSize : show(this.outputSize.map((s) => s ?? -1))}`;
  }
}
