/**
 * Shared plumbing for op files: argument checks with `nodegrad.<op>:` messages, dims, broadcasting, dense
 * views of tensors for the kernels, and output allocation (the one place a buffer pool would hook in).
 */
import type { FloatArray } from '../backend/types.js';
import { backendFor } from '../backend/index.js';
import { Tensor, type DType } from '../tensor.js';
import { allocBuffer } from '../autograd/pool.js';

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function typeErr(op: string, msg: string): TypeError {
  return new TypeError(`nodegrad.${op}: ${msg}`);
}

export function rangeErr(op: string, msg: string): RangeError {
  return new RangeError(`nodegrad.${op}: ${msg}`);
}

export function checkTensor(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw typeErr(op, `expected ${name} to be a Tensor, got ${describeValue(v)}`);
  return v;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an Array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v === 'string' ? 'a string' : String(v);
}

export function checkSameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw typeErr(op, `expected tensors of the same dtype, got ${a.dtype} and ${b.dtype}`);
}

/** A dim in [−ndim, ndim) wrapped to [0, ndim). `extra` allows ndim (for unsqueeze/stack). */
export function normDim(op: string, dim: unknown, ndim: number, extra = 0): number {
  const n = ndim + extra;
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw typeErr(op, `expected dim to be an integer, got ${describeValue(dim)}`);
  const lo = -Math.max(n, 1), hi = Math.max(n, 1) - 1;
  if (dim < lo || dim > hi) throw rangeErr(op, `expected dim in [${lo}, ${hi}], got ${dim}`);
  return dim < 0 ? dim + Math.max(n, 1) : dim;
}

export function checkInt(op: string, name: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw typeErr(op, `expected ${name} to be an integer, got ${describeValue(v)}`);
  if (v < min) throw rangeErr(op, `expected ${name} >= ${min}, got ${v}`);
  return v;
}

export function checkNum(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeErr(op, `expected ${name} to be a number, got ${describeValue(v)}`);
  return v;
}

/** A zero-filled output buffer (recycled from the pool when one is free, see autograd/pool.ts). */
export function alloc(dtype: DType, n: number): FloatArray {
  return allocBuffer(dtype === 'float64', n);
}

/** The elements of t as a dense row-major array starting at index 0 (no copy when already so). */
export function dense(t: Tensor): FloatArray {
  if (t.isContiguous()) {
    return t.offset === 0 ? t.storage : t.storage.subarray(t.offset, t.offset + t.numel);
  }
  return materialize(t);
}

/** A dense copy of any strided tensor. */
export function materialize(t: Tensor): FloatArray {
  const out = alloc(t.dtype, t.numel);
  if (t.numel === 0) return out;
  const [shape, [xs, os]] = coalesce(t.shape, [t.strides, denseStrides(t.shape)]);
  backendFor(t.dtype).stridedCopy(shape, t.storage, t.offset, xs, out, 0, os);
  return out;
}

function denseStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** The broadcast of two shapes (NumPy rules), or a RangeError naming both. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = i < r - a.length ? 1 : a[i - (r - a.length)];
    const db = i < r - b.length ? 1 : b[i - (r - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw rangeErr(op, `expected broadcastable shapes, got ${fmtShape(a)} and ${fmtShape(b)} (dim ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** t's strides seen through a broadcast to `shape` (0 where t has size 1 or is missing the dim). */
export function broadcastStrides(t: Tensor, shape: readonly number[]): number[] {
  const r = shape.length;
  const k = r - t.shape.length;
  const s = new Array<number>(r);
  for (let d = 0; d < r; d++) s[d] = d < k || t.shape[d - k] === 1 ? 0 : t.strides[d - k];
  return s;
}

/**
 * Drops size-1 dims and merges neighbours that are contiguous for every operand, so kernels see the
 * lowest rank that describes the same walk (usually 1 or 2). Returns [shape, strides per operand].
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], number[][]] {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (n === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let j = 0; merge && j < strides.length; j++) {
      if (outStrides[j][last] !== strides[j][d] * n) merge = false;
    }
    if (merge) {
      outShape[last] *= n;
      for (let j = 0; j < strides.length; j++) outStrides[j][last] = strides[j][d];
    } else {
      outShape.push(n);
      for (let j = 0; j < strides.length; j++) outStrides[j].push(strides[j][d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (let j = 0; j < strides.length; j++) outStrides[j].push(0);
  }
  return [outShape, outStrides];
}
