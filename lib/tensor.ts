/**
 * Tensor: a strided view of a Float32Array (default) or Float64Array, with define-by-run autograd.
 *
 * `storage` holds the elements; element (i_0, .., i_{r−1}) lives at `offset + Σ i_d·strides[d]`. Views
 * (reshape of a contiguous tensor, transpose/permute, T, narrow/slice/select, expand, squeeze/unsqueeze)
 * share storage; `contiguous()` copies only when needed. The GC owns every buffer: there is no dispose().
 * Methods are thin wrappers over the functions in lib/ops (which hold the math and the backward).
 */
import type { FloatArray } from './backend/types.js';
import { Node, runBackward } from './autograd/engine.js';
import * as E from './ops/elementwise.js';
import * as A from './ops/activation.js';
import * as R from './ops/reduce.js';
import * as S from './ops/shape.js';
import * as L from './ops/linalg.js';
import * as I from './ops/index_ops.js';
import { formatTensor } from './tensor_format.js';

export type DType = 'float32' | 'float64';
export type TensorLike = Tensor | number;

/** Row-major strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const r = shape.length;
  const s = new Array<number>(r);
  let acc = 1;
  for (let d = r - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (let d = 0; d < shape.length; d++) n *= shape[d];
  return n;
}

export class Tensor {
  storage: FloatArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** Number of elements. */
  readonly numel: number;
  requiresGrad = false;
  /** Accumulated gradient (leaves, and non-leaves that called retainGrad()). */
  grad: Tensor | null = null;
  /** The node that produced this tensor, null for leaves. */
  gradFn: Node | null = null;

  /**
   * Wraps existing storage (no copy). Most code uses `tensor()`, `zeros()`, ... instead. strides default to
   * row-major; the caller guarantees the view stays inside storage.
   */
  constructor(storage: FloatArray, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
    this.dtype = storage instanceof Float64Array ? 'float64' : 'float32';
    this.numel = shapeSize(shape);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** A leaf: created by the user (or detached), not by a recorded op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** True when the elements are laid out row-major without gaps (size-1 dims may have any stride). */
  isContiguous(): boolean {
    let expected = 1;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      const n = this.shape[d];
      if (n === 0) return true;
      if (n !== 1 && this.strides[d] !== expected) return false;
      expected *= n;
    }
    return true;
  }

  /**
   * The elements as a dense row-major typed array. For a contiguous tensor starting at offset 0 this is the
   * storage itself (writes show through); otherwise a copy.
   */
  get data(): FloatArray {
    if (this.isContiguous()) {
      if (this.offset === 0 && this.storage.length === this.numel) return this.storage;
      return this.storage.subarray(this.offset, this.offset + this.numel);
    }
    return this.contiguous().storage;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.numel !== 1) throw new RangeError(`nodegrad.item: expected a tensor with one element, got shape [${this.shape.join(', ')}]`);
    return this.storage[this.offset];
  }

  /** Nested JS arrays (a number for a 0-d tensor). */
  toArray(): unknown {
    const d = this.data;
    const build = (dim: number, base: number): unknown => {
      if (dim === this.shape.length) return d[base];
      const out: unknown[] = [];
      const step = shapeSize(this.shape.slice(dim + 1));
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, base + i * step));
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    return formatTensor(this);
  }

  // ---- autograd ----

  /**
   * Backpropagates from this tensor: accumulates d(this)/d(leaf)·gradient into every leaf's `.grad`.
   * `gradient` defaults to 1 for a one-element tensor and is required otherwise.
   */
  backward(gradient?: Tensor): void {
    if (!this.requiresGrad) {
      throw new TypeError('nodegrad.backward: expected a tensor that requires grad (it has no gradFn and requiresGrad is false)');
    }
    let g: Tensor;
    if (gradient === undefined) {
      if (this.numel !== 1) {
        throw new TypeError(`nodegrad.backward: expected a gradient argument for a non-scalar tensor of shape [${this.shape.join(', ')}]`);
      }
      g = S.fullOf(this.shape, 1, this.dtype);
    } else {
      if (!(gradient instanceof Tensor)) throw new TypeError('nodegrad.backward: expected gradient to be a Tensor');
      if (!S.sameShape(gradient.shape, this.shape)) {
        throw new RangeError(`nodegrad.backward: expected gradient of shape [${this.shape.join(', ')}], got [${gradient.shape.join(', ')}]`);
      }
      g = gradient.dtype === this.dtype ? gradient : S.toDtype(gradient, this.dtype);
    }
    runBackward(this, g, E.add);
  }

  /** A new leaf sharing storage, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /** Sets requiresGrad in place (only on leaves, as PyTorch). Returns this. */
  requiresGrad_(on = true): this {
    if (!this.isLeaf && !on) throw new Error('nodegrad.requiresGrad_: expected a leaf tensor (use detach() to cut a non-leaf from the graph)');
    this.requiresGrad = on;
    return this;
  }

  /** Keeps `.grad` on a non-leaf tensor after backward. */
  retainGrad(): void {
    if (this.gradFn !== null) this.gradFn.retained = this;
  }

  // ---- copies and views ----
  clone(): Tensor { return S.clone(this); }
  contiguous(): Tensor { return S.contiguous(this); }
  reshape(...shape: (number | number[])[]): Tensor { return S.reshape(this, S.shapeArg(shape)); }
  view(...shape: (number | number[])[]): Tensor { return S.view(this, S.shapeArg(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return S.flatten(this, startDim, endDim); }
  squeeze(dim?: number): Tensor { return S.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  permute(...dims: (number | number[])[]): Tensor { return S.permute(this, S.shapeArg(dims)); }
  get T(): Tensor { return S.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i)); }
  expand(...shape: (number | number[])[]): Tensor { return S.expand(this, S.shapeArg(shape)); }
  expandAs(other: Tensor): Tensor { return S.expand(this, other.shape); }
  narrow(dim: number, start: number, length: number): Tensor { return S.narrow(this, dim, start, length); }
  slice(dim: number, start?: number, end?: number, step = 1): Tensor { return S.slice(this, dim, start, end, step); }
  select(dim: number, index: number): Tensor { return S.select(this, dim, index); }
  split(sizeOrSections: number | number[], dim = 0): Tensor[] { return S.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return S.chunk(this, chunks, dim); }
  to(dtype: DType): Tensor { return dtype === this.dtype ? this : S.toDtype(this, dtype); }
  indexSelect(dim: number, index: Tensor | ArrayLike<number>): Tensor { return I.indexSelect(this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return I.gather(this, dim, index); }

  // ---- element-wise ----
  add(other: TensorLike, alpha = 1): Tensor { return E.add(this, other, alpha); }
  sub(other: TensorLike, alpha = 1): Tensor { return E.sub(this, other, alpha); }
  mul(other: TensorLike): Tensor { return E.mul(this, other); }
  div(other: TensorLike): Tensor { return E.div(this, other); }
  pow(exponent: TensorLike): Tensor { return E.pow(this, exponent); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  abs(): Tensor { return E.abs(this); }
  square(): Tensor { return E.square(this); }
  reciprocal(): Tensor { return E.reciprocal(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return E.clamp(this, min, max); }
  maximum(other: TensorLike): Tensor { return E.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return E.minimum(this, other); }
  eq(other: TensorLike): Tensor { return E.eq(this, other); }
  ne(other: TensorLike): Tensor { return E.ne(this, other); }
  lt(other: TensorLike): Tensor { return E.lt(this, other); }
  le(other: TensorLike): Tensor { return E.le(this, other); }
  gt(other: TensorLike): Tensor { return E.gt(this, other); }
  ge(other: TensorLike): Tensor { return E.ge(this, other); }
  relu(): Tensor { return A.relu(this); }
  sigmoid(): Tensor { return A.sigmoid(this); }
  tanh(): Tensor { return A.tanh(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return A.leakyRelu(this, negativeSlope); }
  elu(alpha = 1): Tensor { return A.elu(this, alpha); }
  gelu(options?: { approximate?: 'none' | 'tanh' }): Tensor { return A.gelu(this, options); }
  silu(): Tensor { return A.silu(this); }
  softplus(options?: { beta?: number; threshold?: number }): Tensor { return A.softplus(this, options); }

  // ---- reductions ----
  sum(dim?: number | number[] | null, keepdim = false): Tensor { return R.sum(this, dim, keepdim); }
  mean(dim?: number | number[] | null, keepdim = false): Tensor { return R.mean(this, dim, keepdim); }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? R.amax(this) : R.max(this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? R.amin(this) : R.min(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor { return R.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return R.argmin(this, dim, keepdim); }
  var(dim?: number | number[] | null, options?: R.VarOptions): Tensor { return R.variance(this, dim, options); }
  std(dim?: number | number[] | null, options?: R.VarOptions): Tensor { return R.std(this, dim, options); }
  logsumexp(dim: number | number[], keepdim = false): Tensor { return R.logsumexp(this, dim, keepdim); }
  softmax(dim: number): Tensor { return A.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return A.logSoftmax(this, dim); }

  // ---- linear algebra ----
  matmul(other: Tensor): Tensor { return L.matmul(this, other); }
  /** x·Wᵀ + b with weight [out, in]. */
  linear(weight: Tensor, bias: Tensor | null = null): Tensor { return L.linear(this, weight, bias); }

  // ---- in-place updates (outside autograd: for optimizers, initialisation and buffers) ----
  /** Fills with zeros in place. */
  zero_(): this { return S.fillInPlace(this, 0); }
  fill_(value: number): this { return S.fillInPlace(this, value); }
  /** Copies src (broadcast to this shape) into this tensor's elements in place. */
  copy_(src: Tensor): this { return S.copyInPlace(this, src); }
}
