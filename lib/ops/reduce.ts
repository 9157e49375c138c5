/**
 * Reductions over dims with keepdim: sum, mean, amax/amin, max/min (values and indices), argmax/argmin,
 * var/std, logsumexp, and sumToShape (the reduction that returns broadcast gradients to an input's shape).
 * Each kernel call reduces one run of adjacent dims viewed as [outer, dim, inner].
 */
import { backendFor } from '../backend/index.js';
import { ReduceOp } from '../backend/kernels/elementwise.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { Tensor, shapeSize } from '../tensor.js';
import { alloc, checkTensor, dense, fmtShape, normDim, rangeErr } from './helpers.js';
import { div, eq, exp, mul, sub } from './elementwise.js';
import { expand, reshape, sameShape } from './shape.js';

/** Sorted unique dims; null/undefined means all. */
function normDims(op: string, dims: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (dims === null || dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = [...new Set(list.map((d) => normDim(op, d, ndim)))];
  return out.sort((a, b) => a - b);
}

function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((n, d) => (dims.includes(d) ? 1 : n));
}

/** Reduces x (any strides) over `dims` with one kernel call per run of adjacent dims; keepdim shape out. */
function reduceRaw(op: number, x: Tensor, dims: readonly number[]): Tensor {
  // With no dims the result is a copy (callers may scale it in place).
  let data = dims.length === 0 ? dense(x).slice() : dense(x);
  let shape = x.shape.slice();
  // Walk runs from the last dim backwards so the indices of earlier runs stay valid.
  let i = dims.length - 1;
  while (i >= 0) {
    let j = i;
    while (j > 0 && dims[j - 1] === dims[j] - 1) j--;
    const d0 = dims[j], d1 = dims[i];
    const outer = shapeSize(shape.slice(0, d0));
    const dim = shapeSize(shape.slice(d0, d1 + 1));
    const inner = shapeSize(shape.slice(d1 + 1));
    const out = alloc(x.dtype, outer * inner);
    backendFor(x.dtype).reduce(op, outer, dim, inner, data, out);
    data = out;
    shape = shape.map((n, d) => (d >= d0 && d <= d1 ? 1 : n));
    i = j - 1;
  }
  return new Tensor(data, shape);
}

function finish(y: Tensor, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  return keepdim ? y : reshape(y, x.shape.filter((_, d) => !dims.includes(d)));
}

/** Gradient of a keepdim-shaped reduction output, expanded back over x's shape. */
function expandBack(gy: Tensor, x: Tensor, dims: readonly number[]): Tensor {
  return expand(reshape(gy, keptShape(x.shape, dims)), x.shape);
}

interface Saved { dims: number[]; count: number }

/** Σ over dims (all by default). */
export function sum(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  checkTensor('sum', 'x', x);
  const dims = normDims('sum', dim, x.ndim);
  const y = reduceRaw(ReduceOp.SUM, x, dims);
  const out = finish(y, x, dims, keepdim);
  return needsGrad(x) ? record(out, 'SumBackward', (n, gy) => [expandBack(gy, n.inputs[0], dims)], [x]) : out;
}

/** Mean over dims (all by default); NaN over an empty dim. */
export function mean(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  checkTensor('mean', 'x', x);
  const dims = normDims('mean', dim, x.ndim);
  const count = dims.reduce((p, d) => p * x.shape[d], 1);
  const y = dims.length === 1 ? reduceRaw(ReduceOp.MEAN, x, dims) : scaleRaw(reduceRaw(ReduceOp.SUM, x, dims), 1 / count);
  const out = finish(y, x, dims, keepdim);
  if (!needsGrad(x)) return out;
  return record(out, 'MeanBackward', meanBackward, [x], { dims, count } satisfies Saved);
}

function meanBackward(node: Node, gy: Tensor): Tensor[] {
  const { dims, count } = node.saved as Saved;
  return [expandBack(div(gy, count), node.inputs[0], dims)];
}

function scaleRaw(t: Tensor, s: number): Tensor {
  const d = t.storage;
  for (let i = 0; i < d.length; i++) d[i] *= s;
  return t;
}

/** Max over dims (all by default); NaN if any element is NaN. Ties share the gradient evenly. */
export function amax(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  return extreme('amax', ReduceOp.MAX, x, dim, keepdim);
}

export function amin(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  return extreme('amin', ReduceOp.MIN, x, dim, keepdim);
}

function extreme(op: string, code: number, x: Tensor, dim: number | readonly number[] | null | undefined, keepdim: boolean): Tensor {
  checkTensor(op, 'x', x);
  const dims = normDims(op, dim, x.ndim);
  if (dims.some((d) => x.shape[d] === 0) || (x.numel === 0 && dims.length === x.ndim)) {
    throw rangeErr(op, `expected a non-empty reduced dim, got shape ${fmtShape(x.shape)}`);
  }
  const y = reduceRaw(code, x, dims);
  const out = finish(y, x, dims, keepdim);
  if (!needsGrad(x)) return out;
  return record(out, code === ReduceOp.MAX ? 'AmaxBackward' : 'AminBackward', (n, gy) => {
    const xin = n.inputs[0];
    const mask = eq(xin, expand(y, xin.shape));
    const ties = reduceRaw(ReduceOp.SUM, mask, dims);
    return [mul(mask, expandBack(div(reshape(gy, y.shape), ties), xin, dims))];
  }, [x]);
}

export interface ValuesIndices {
  values: Tensor;
  /** Indices along dim, stored as exact integers in x's dtype. */
  indices: Tensor;
}

/** Max along one dim with the index of the first maximum (NaN counts as the maximum). */
export function max(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return argExtreme('max', ReduceOp.MAX, x, dim, keepdim);
}

export function min(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return argExtreme('min', ReduceOp.MIN, x, dim, keepdim);
}

function argExtreme(op: string, code: number, x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  checkTensor(op, 'x', x);
  const d = normDim(op, dim, x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (n === 0) throw rangeErr(op, `expected a non-empty dim ${d}, got shape ${fmtShape(x.shape)}`);
  const outer = shapeSize(x.shape.slice(0, d));
  const inner = shapeSize(x.shape.slice(d + 1));
  const values = alloc(x.dtype, outer * inner);
  const idx = new Int32Array(outer * inner);
  backendFor(x.dtype).argReduce(code, outer, n, inner, dense(x), values, idx);
  const shape = x.ndim === 0 ? [] : keepdim ? keptShape(x.shape, [d]) : x.shape.filter((_, j) => j !== d);
  const indices = new Tensor(x.dtype === 'float64' ? Float64Array.from(idx) : Float32Array.from(idx), shape.slice());
  let v = new Tensor(values, shape);
  if (needsGrad(x)) {
    v = record(v, op === 'max' ? 'MaxBackward' : 'MinBackward', (node, gy) => {
      const g = alloc(gy.dtype, node.inputs[0].numel);
      const gd = dense(gy);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) g[(o * n + idx[o * inner + i]) * inner + i] = gd[o * inner + i];
      }
      return [new Tensor(g, node.inputs[0].shape.slice())];
    }, [x]);
  }
  return { values: v, indices };
}

/** Index of the first maximum along dim (over the flattened tensor when dim is undefined). */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor('argmax', 'x', x);
  return dim === undefined ? max(reshape(x, [-1]), 0).indices.reshape([]) : max(x, dim, keepdim).indices;
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor('argmin', 'x', x);
  return dim === undefined ? min(reshape(x, [-1]), 0).indices.reshape([]) : min(x, dim, keepdim).indices;
}

export interface VarOptions {
  /** Subtracted from the count in the denominator (Bessel's correction): 1 by default, as PyTorch. */
  correction?: number;
  keepdim?: boolean;
}

/** Σ(x − mean)² / (N − correction) over dims (all by default). */
export function variance(x: Tensor, dim?: number | readonly number[] | null, options: VarOptions = {}): Tensor {
  checkTensor('var', 'x', x);
  const dims = normDims('var', dim, x.ndim);
  const count = dims.reduce((p, d) => p * x.shape[d], 1);
  const centered = sub(x, mean(x, dims, true));
  const ss = sum(mul(centered, centered), dims, options.keepdim ?? false);
  return div(ss, Math.max(count - (options.correction ?? 1), 0));
}

export function std(x: Tensor, dim?: number | readonly number[] | null, options: VarOptions = {}): Tensor {
  return variance(x, dim, options).sqrt();
}

/** log Σ exp(x) over dims, computed stably (max-shifted). */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  checkTensor('logsumexp', 'x', x);
  const dims = normDims('logsumexp', dim, x.ndim);
  const y = reduceRaw(ReduceOp.LOGSUMEXP, x, dims);
  const out = finish(y, x, dims, keepdim);
  if (!needsGrad(x)) return out;
  return record(out, 'LogsumexpBackward', (n, gy) => {
    const xin = n.inputs[0];
    const p = exp(sub(xin, expand(y, xin.shape)));
    return [mul(p, expandBack(gy, xin, dims))];
  }, [x]);
}

/** Sums g over the dims along which `shape` was broadcast to g's shape; the result has `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < g.ndim; d++) if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
  const y = dims.length > 0 ? reduceRaw(ReduceOp.SUM, g, dims) : g;
  return reshape(y, shape);
}
