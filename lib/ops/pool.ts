/**
 * maxPool2d, avgPool2d and adaptiveAvgPool2d (NCHW or unbatched CHW, PyTorch semantics) on the backend's
 * pool kernels; backward right below each. Shape arithmetic and checks are shared with the kernels
 * (lib/backend/js/pool.ts).
 */
import { backendFor } from '../backend/index.js';
import { samePadding } from '../backend/js/conv.js';
import { pool2dGeometry, type Pool2dGeometry } from '../backend/js/pool.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { Tensor } from '../tensor.js';
import { alloc, checkTensor, dense, fmtShape, rangeErr, typeErr } from './helpers.js';

export interface Pool2dOptions {
  /** Default: the kernel size. A number or [h, w]. */
  stride?: number | readonly [number, number];
  /**
   * Default 0. A number or [h, w] pads both sides (each at most half the kernel); [top, bottom, left,
   * right] pads each side; 'same' is TensorFlow's 'SAME' (⌈size/stride⌉ outputs, odd pixel at the end).
   */
  padding?: number | readonly [number, number] | readonly [number, number, number, number] | 'same' | 'valid';
  /** Default false: output sizes round up, keeping the last window starting inside the input or its padding. */
  ceilMode?: boolean;
}

export interface MaxPool2dOptions extends Pool2dOptions {
  /** Default 1; a number or [h, w]. */
  dilation?: number | readonly [number, number];
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Default true: padding counts in the divisor (clipped at the padded input's end). */
  countIncludePad?: boolean;
}

const pair = (v: number | readonly number[]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** [planes-shape prefix, h, w] of a [N, C, H, W] or [C, H, W] input, and the geometry arguments. */
function prepare(op: string, x: Tensor, kernelSize: number | readonly [number, number], o: MaxPool2dOptions): { n: number; c: number; args: unknown[] } {
  checkTensor(op, 'x', x);
  if (x.ndim !== 3 && x.ndim !== 4) throw rangeErr(op, `expected x of shape [N, C, H, W] or [C, H, W], got ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.ndim === 4 ? x.shape : [1, ...x.shape];
  const k = pair(kernelSize), s = pair(o.stride ?? k), d = pair(o.dilation ?? 1);
  const p = o.padding ?? 0;
  let pads: number[];
  if (p === 'valid') pads = [0, 0, 0, 0];
  else if (p === 'same') pads = [...samePadding(h, k[0], s[0], d[0]), ...samePadding(w, k[1], s[1], d[1])];
  else if (typeof p === 'number') pads = [p, p, p, p];
  else if (Array.isArray(p) && (p.length === 2 || p.length === 4)) pads = p.length === 2 ? [p[0], p[0], p[1], p[1]] : [...p];
  else throw typeErr(op, `expected padding to be a number, [h, w], [top, bottom, left, right], 'same' or 'valid', got ${String(p)}`);
  return { n, c, args: [n, c, h, w, k[0], k[1], s[0], s[1], ...pads] };
}

const outShape = (x: Tensor, g: Pool2dGeometry) => (x.ndim === 4 ? [g.n, g.c, g.oh, g.ow] : [g.c, g.oh, g.ow]);

/**
 * Max pooling: y[n, c, i, j] = max over the window (padding never wins; a NaN in the window gives NaN).
 * The gradient goes to the window's argmax; ties go to the first element in row-major window order.
 */
export function maxPool2d(x: Tensor, kernelSize: number | readonly [number, number], options: MaxPool2dOptions = {}): Tensor {
  const op = 'maxPool2d';
  const { args } = prepare(op, x, kernelSize, options);
  const d = pair(options.dilation ?? 1);
  const geometry = [...args, d[0], d[1], options.ceilMode ?? false];
  const g = pool2dGeometry(op, true, ...geometry);
  const y = alloc(x.dtype, g.yLength), indices = new Int32Array(g.yLength);
  const k = backendFor(x.dtype) as unknown as Record<string, (...a: unknown[]) => void>;
  k.maxPool2dForward(...geometry, dense(x), y, indices);
  const out = new Tensor(y, outShape(x, g));
  if (!needsGrad(x)) return out;
  return record(out, 'MaxPool2DBackward', maxPool2dBackward, [x], { g, geometry, indices });
}

function maxPool2dBackward(node: Node, gy: Tensor): (Tensor | null)[] {
  const { g, geometry, indices } = node.saved as { g: Pool2dGeometry; geometry: unknown[]; indices: Int32Array };
  const dx = alloc(gy.dtype, g.xLength);
  (backendFor(gy.dtype) as unknown as Record<string, (...a: unknown[]) => void>).maxPool2dBackward(...geometry, dense(gy), indices, dx);
  return [new Tensor(dx, node.inputs[0].shape.slice())];
}

/** Average pooling: the mean of each window (see countIncludePad for how padding counts). */
export function avgPool2d(x: Tensor, kernelSize: number | readonly [number, number], options: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  const { args } = prepare(op, x, kernelSize, options);
  const geometry = [...args, options.ceilMode ?? false, options.countIncludePad ?? true];
  const g = pool2dGeometry(op, false, ...geometry.slice(0, 13));
  if (typeof geometry[13] !== 'boolean') throw typeErr(op, `expected countIncludePad to be a boolean, got ${String(geometry[13])}`);
  const y = alloc(x.dtype, g.yLength);
  (backendFor(x.dtype) as unknown as Record<string, (...a: unknown[]) => void>).avgPool2dForward(...geometry, dense(x), y);
  const out = new Tensor(y, outShape(x, g));
  if (!needsGrad(x)) return out;
  return record(out, 'AvgPool2DBackward', avgPool2dBackward, [x], { g, geometry });
}

function avgPool2dBackward(node: Node, gy: Tensor): (Tensor | null)[] {
  const { g, geometry } = node.saved as { g: Pool2dGeometry; geometry: unknown[] };
  const dx = alloc(gy.dtype, g.xLength);
  (backendFor(gy.dtype) as unknown as Record<string, (...a: unknown[]) => void>).avgPool2dBackward(...geometry, dense(gy), dx);
  return [new Tensor(dx, node.inputs[0].shape.slice())];
}

/**
 * Adaptive average pooling to outputSize [OH, OW] (a number for both): cell (i, j) averages rows
 * [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉) and the same for columns. outputSize 1 is global average pooling.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number, number]): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkTensor(op, 'x', x);
  if (x.ndim !== 3 && x.ndim !== 4) throw rangeErr(op, `expected x of shape [N, C, H, W] or [C, H, W], got ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.ndim === 4 ? x.shape : [1, ...x.shape];
  const [oh, ow] = pair(outputSize);
  if (![oh, ow].every((v) => Number.isInteger(v) && v >= 1)) throw rangeErr(op, `expected outputSize of integers >= 1, got ${String(outputSize)}`);
  const y = alloc(x.dtype, n * c * oh * ow);
  backendFor(x.dtype).adaptiveAvgPool2dForward(n, c, h, w, oh, ow, dense(x), y);
  const out = new Tensor(y, x.ndim === 4 ? [n, c, oh, ow] : [c, oh, ow]);
  if (!needsGrad(x)) return out;
  return record(out, 'AdaptiveAvgPool2DBackward', adaptiveAvgPool2dBackward, [x], [n, c, h, w, oh, ow]);
}

function adaptiveAvgPool2dBackward(node: Node, gy: Tensor): (Tensor | null)[] {
  const [n, c, h, w, oh, ow] = node.saved as number[];
  const dx = alloc(gy.dtype, n * c * h * w);
  backendFor(gy.dtype).adaptiveAvgPool2dBackward(n, c, h, w, oh, ow, dense(gy), dx);
  return [new Tensor(dx, node.inputs[0].shape.slice())];
}
