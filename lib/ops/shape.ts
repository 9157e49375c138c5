/**
 * Shape ops. Views (reshape of contiguous data, view, squeeze/unsqueeze, transpose/permute, expand,
 * narrow/slice/select, split/chunk) share storage and only change shape/strides/offset; their backward
 * maps the gradient back to the input's shape. Copies: contiguous, clone, toDtype, cat, stack.
 */
import { backendFor } from '../backend/index.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad_mode.js';
import { Tensor, contiguousStrides, shapeSize, type DType } from '../tensor.js';
import {
  alloc, broadcastStrides, checkInt, checkSameDtype, checkTensor, coalesce, dense, fmtShape, materialize, normDim,
  rangeErr, typeErr,
} from './helpers.js';
import { sumToShape } from './reduce.js';

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Accepts f(2, 3) and f([2, 3]). */
export function shapeArg(args: readonly (number | readonly number[])[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
}

export function fullOf(shape: readonly number[], value: number, dtype: DType): Tensor {
  const a = alloc(dtype, shapeSize(shape));
  if (value !== 0) a.fill(value);
  return new Tensor(a, shape.slice());
}

/** A view of t with another shape/strides/offset whose gradient is `back(gy)`. */
function makeView(
  t: Tensor, shape: readonly number[], strides: readonly number[], offset: number, name: string,
  back: (node: Node, gy: Tensor) => readonly (Tensor | null)[], saved: unknown = null,
): Tensor {
  const v = new Tensor(t.storage, shape, strides, offset);
  return needsGrad(t) ? record(v, name, back, [t], saved) : v;
}

const reshapeBack = (node: Node, gy: Tensor) => [reshape(gy, node.inputs[0].shape)];

/** A dense copy (a new leaf-like buffer) that keeps the graph: the gradient passes through. */
export function clone(t: Tensor): Tensor {
  checkTensor('clone', 'x', t);
  let data: Float32Array | Float64Array;
  if (t.isContiguous()) {
    data = alloc(t.dtype, t.numel);
    data.set(t.storage.subarray(t.offset, t.offset + t.numel) as Float32Array & Float64Array);
  } else data = materialize(t);
  const y = new Tensor(data, t.shape.slice());
  return needsGrad(t) ? record(y, 'CloneBackward', (_n, gy) => [gy], [t]) : y;
}

export function contiguous(t: Tensor): Tensor {
  return t.isContiguous() ? t : clone(t);
}

export function toDtype(t: Tensor, dtype: DType): Tensor {
  if (dtype !== 'float32' && dtype !== 'float64') throw rangeErr('to', `expected dtype 'float32' or 'float64', got ${String(dtype)}`);
  const src = dense(t);
  const data = dtype === 'float64' ? Float64Array.from(src) : Float32Array.from(src);
  const y = new Tensor(data, t.shape.slice());
  return needsGrad(t) ? record(y, 'ToCopyBackward', (n, gy) => [toDtype(gy, n.inputs[0].dtype)], [t]) : y;
}

function inferShape(op: string, numel: number, shape: readonly number[]): number[] {
  const out = shape.slice();
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    if (s === -1 && infer < 0) infer = i;
    else if (!Number.isInteger(s) || s < 0) throw rangeErr(op, `expected sizes to be integers >= 0 (one may be -1), got ${fmtShape(shape)}`);
    else known *= s;
  }
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) throw rangeErr(op, `shape ${fmtShape(shape)} is invalid for ${numel} elements`);
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw rangeErr(op, `shape ${fmtShape(shape)} is invalid for ${numel} elements`);
  }
  return out;
}

/** A view with a new shape (one size may be −1) when t is contiguous, else a reshaped copy. */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', t);
  const s = inferShape('reshape', t.numel, shape);
  const src = t.isContiguous() ? t : clone(t);
  return makeView(src, s, contiguousStrides(s), src.offset, 'ViewBackward', reshapeBack);
}

/** Like reshape, but t must be contiguous (RangeError otherwise). */
export function view(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor('view', 'x', t);
  if (!t.isContiguous()) throw rangeErr('view', `expected a contiguous tensor (use reshape), got strides ${fmtShape(t.strides)}`);
  return reshape(t, shape);
}

export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', 'x', t);
  if (t.ndim === 0) return reshape(t, [1]);
  const s = normDim('flatten', startDim, t.ndim), e = normDim('flatten', endDim, t.ndim);
  if (s > e) throw rangeErr('flatten', `expected startDim <= endDim, got ${startDim} and ${endDim}`);
  const shape = [...t.shape.slice(0, s), shapeSize(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)];
  return reshape(t, shape);
}

export function squeeze(t: Tensor, dim?: number): Tensor {
  checkTensor('squeeze', 'x', t);
  const keep = (d: number) => (dim === undefined ? t.shape[d] !== 1 : d !== normDim('squeeze', dim, t.ndim) || t.shape[d] !== 1);
  const dims = t.shape.map((_, d) => d).filter(keep);
  return makeView(t, dims.map((d) => t.shape[d]), dims.map((d) => t.strides[d]), t.offset, 'SqueezeBackward', reshapeBack);
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', 'x', t);
  const d = normDim('unsqueeze', dim, t.ndim, 1);
  const shape = [...t.shape.slice(0, d), 1, ...t.shape.slice(d)];
  const stride = d < t.ndim ? t.strides[d] * t.shape[d] : 1;
  const strides = [...t.strides.slice(0, d), stride, ...t.strides.slice(d)];
  return makeView(t, shape, strides, t.offset, 'UnsqueezeBackward', reshapeBack);
}

export function permute(t: Tensor, dims: readonly number[]): Tensor {
  checkTensor('permute', 'x', t);
  if (dims.length !== t.ndim) throw rangeErr('permute', `expected ${t.ndim} dims, got ${fmtShape(dims)}`);
  const p = dims.map((d) => normDim('permute', d, t.ndim));
  if (new Set(p).size !== p.length) throw rangeErr('permute', `expected a permutation of the dims, got ${fmtShape(dims)}`);
  const inv = new Array<number>(p.length);
  p.forEach((d, i) => (inv[d] = i));
  return makeView(t, p.map((d) => t.shape[d]), p.map((d) => t.strides[d]), t.offset, 'PermuteBackward',
    (n, gy) => [permute(gy, n.saved as number[])], inv);
}

export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor('transpose', 'x', t);
  const p = t.shape.map((_, i) => i);
  const a = normDim('transpose', dim0, t.ndim), b = normDim('transpose', dim1, t.ndim);
  [p[a], p[b]] = [p[b], p[a]];
  return permute(t, p);
}

/** A broadcast view (stride 0 along expanded dims); −1 keeps a size. Gradients are summed back. */
export function expand(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor('expand', 'x', t);
  const k = shape.length - t.ndim;
  if (k < 0) throw rangeErr('expand', `expected at least ${t.ndim} dims, got ${fmtShape(shape)}`);
  const s = shape.map((n, d) => (n === -1 && d >= k ? t.shape[d - k] : n));
  for (let d = 0; d < s.length; d++) {
    const own = d < k ? 1 : t.shape[d - k];
    if (!Number.isInteger(s[d]) || s[d] < 0 || (own !== 1 && own !== s[d])) {
      throw rangeErr('expand', `cannot expand shape ${fmtShape(t.shape)} to ${fmtShape(shape)}`);
    }
  }
  if (sameShape(s, t.shape)) return t;
  return makeView(t, s, broadcastStrides(t, s), t.offset, 'ExpandBackward', (n, gy) => [sumToShape(gy, n.inputs[0].shape)]);
}

/** Elements start, start+step, ... (< end) along dim, as a view. Negative start/end count from the end. */
export function slice(t: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  checkTensor('slice', 'x', t);
  const d = normDim('slice', dim, t.ndim);
  const n = t.shape[d];
  checkInt('slice', 'step', step, 1);
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIdx(checkInt('slice', 'start', start, -Infinity));
  const e = end === undefined ? n : clampIdx(checkInt('slice', 'end', end, -Infinity));
  const len = e > s ? Math.ceil((e - s) / step) : 0;
  const shape = t.shape.slice(), strides = t.strides.slice();
  shape[d] = len;
  strides[d] = t.strides[d] * step;
  return makeView(t, shape, strides, t.offset + s * t.strides[d], 'SliceBackward', sliceBack, { d, s, step });
}

function sliceBack(node: Node, gy: Tensor): Tensor[] {
  const x = node.inputs[0];
  const { d, s, step } = node.saved as { d: number; s: number; step: number };
  const gx = fullOf(x.shape, 0, gy.dtype);
  const strides = gx.strides.slice();
  strides[d] *= step;
  copyRegion(gy, gx.storage, s * gx.strides[d], strides);
  return [gx];
}

/** Writes t's elements into `out` at `offset` with the given strides (t's shape). */
export function copyRegion(t: Tensor, out: Float32Array | Float64Array, offset: number, strides: readonly number[]): void {
  if (t.numel === 0) return;
  const [shape, [xs, os]] = coalesce(t.shape, [t.strides, strides]);
  backendFor(t.dtype).stridedCopy(shape, t.storage, t.offset, xs, out, offset, os);
}

export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', 'x', t);
  const d = normDim('narrow', dim, t.ndim);
  const s = checkInt('narrow', 'start', start, -t.shape[d]);
  const st = s < 0 ? s + t.shape[d] : s;
  if (checkInt('narrow', 'length', length) + st > t.shape[d]) {
    throw rangeErr('narrow', `expected start + length <= ${t.shape[d]} (size of dim ${d}), got ${st} + ${length}`);
  }
  return slice(t, d, st, st + length);
}

/** The index-th entry along dim, with that dim removed (a view). */
export function select(t: Tensor, dim: number, index: number): Tensor {
  checkTensor('select', 'x', t);
  const d = normDim('select', dim, t.ndim);
  const n = t.shape[d];
  checkInt('select', 'index', index, -n);
  if (index >= n) throw rangeErr('select', `expected index in [${-n}, ${n - 1}], got ${index}`);
  return squeeze(narrow(t, d, index < 0 ? index + n : index, 1), d);
}

export function split(t: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor('split', 'x', t);
  const d = normDim('split', dim, t.ndim);
  const n = t.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    const s = checkInt('split', 'splitSize', sizeOrSections, 1);
    sizes = [];
    for (let i = 0; i < n; i += s) sizes.push(Math.min(s, n - i));
    if (n === 0) sizes.push(0);
  } else {
    sizes = sizeOrSections.map((s) => checkInt('split', 'sections', s));
    if (sizes.reduce((a, b) => a + b, 0) !== n) throw rangeErr('split', `expected sections summing to ${n}, got ${fmtShape(sizes)}`);
  }
  let start = 0;
  return sizes.map((len) => {
    const part = narrow(t, d, start, len);
    start += len;
    return part;
  });
}

export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', 'x', t);
  const c = checkInt('chunk', 'chunks', chunks, 1);
  const d = normDim('chunk', dim, t.ndim);
  return split(t, Math.max(Math.ceil(t.shape[d] / c), 1), d);
}

/** Concatenation along an existing dim; all other dims must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw typeErr('cat', 'expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor('cat', `tensors[${i}]`, t));
  const first = tensors[0];
  const d = normDim('cat', dim, first.ndim);
  let total = 0;
  for (const [i, t] of tensors.entries()) {
    checkSameDtype('cat', first, t);
    if (t.ndim !== first.ndim || t.shape.some((n: number, j: number) => j !== d && n !== first.shape[j])) {
      throw rangeErr('cat', `expected tensors[${i}] of shape ${fmtShape(first.shape)} except in dim ${d}, got ${fmtShape(t.shape)}`);
    }
    total += t.shape[d];
  }
  const shape = first.shape.slice();
  shape[d] = total;
  const out = fullOf(shape, 0, first.dtype);
  let start = 0;
  for (const t of tensors) {
    copyRegion(t, out.storage, start * out.strides[d], out.strides);
    start += t.shape[d];
  }
  if (!isGradEnabled() || !tensors.some((t) => t.requiresGrad)) return out;
  return record(out, 'CatBackward', (n, gy) => split(gy, (n.inputs as Tensor[]).map((t) => t.shape[d]), d), tensors);
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw typeErr('stack', 'expected a non-empty array of tensors');
  tensors.forEach((t, i) => {
    checkTensor('stack', `tensors[${i}]`, t);
    if (!sameShape(t.shape, tensors[0].shape)) {
      throw rangeErr('stack', `expected every tensor of shape ${fmtShape(tensors[0].shape)}, got ${fmtShape(t.shape)} at ${i}`);
    }
  });
  const d = normDim('stack', dim, tensors[0].ndim, 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

function checkInPlace(op: string, t: Tensor): void {
  if (isGradEnabled() && t.requiresGrad) {
    throw rangeErr(op, 'expected a tensor that does not require grad, or a noGrad() region (in-place updates are not recorded)');
  }
}

export function fillInPlace<T extends Tensor>(t: T, value: number): T {
  checkInPlace('fill_', t);
  if (t.isContiguous()) t.storage.fill(value, t.offset, t.offset + t.numel);
  else copyRegion(expand(fullOf([], value, t.dtype), t.shape), t.storage, t.offset, t.strides);
  return t;
}

export function copyInPlace<T extends Tensor>(t: T, src: Tensor): T {
  checkInPlace('copy_', t);
  checkTensor('copy_', 'src', src);
  const s = src.dtype === t.dtype ? src : toDtype(src, t.dtype);
  copyRegion(expand(s, t.shape), t.storage, t.offset, t.strides);
  return t;
}
