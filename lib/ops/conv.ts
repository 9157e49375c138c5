/**
 * conv2d and conv1d (NCHW, PyTorch semantics) on the backend's conv kernels; backward right below.
 * Shape arithmetic and parameter checks are shared with the kernels (lib/backend/js/conv.ts).
 */
import { backendFor } from '../backend/index.js';
import { conv2dGeometry, samePadding, type Conv2dGeometry } from '../backend/js/conv.js';
import type { FloatArray } from '../backend/types.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { Tensor } from '../tensor.js';
import { alloc, checkSameDtype, checkTensor, dense, fmtShape, rangeErr, typeErr } from './helpers.js';
import { squeeze, unsqueeze } from './shape.js';

export interface Conv2dOptions {
  /** Default 1; a number or [h, w]. */
  stride?: number | readonly [number, number];
  /**
   * Default 0. A number or [h, w] pads both sides; [top, bottom, left, right] pads each side; 'valid' is 0;
   * 'same' keeps ⌈size/stride⌉ outputs with the odd pixel at the bottom/right (PyTorch's 'same' at stride 1,
   * TensorFlow's 'SAME' at any stride).
   */
  padding?: number | readonly [number, number] | readonly [number, number, number, number] | 'same' | 'valid';
  /** Default 1; a number or [h, w]. */
  dilation?: number | readonly [number, number];
  /** Default 1; c and oc must be divisible by it (groups = c is a depthwise convolution). */
  groups?: number;
}

const pair = (v: number | readonly number[]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function pads(op: string, p: Conv2dOptions['padding'], h: number, w: number, k: [number, number], s: [number, number], d: [number, number]): number[] {
  if (p === 'valid') return [0, 0, 0, 0];
  if (p === 'same') return [...samePadding(h, k[0], s[0], d[0]), ...samePadding(w, k[1], s[1], d[1])];
  if (typeof p === 'number') return [p, p, p, p];
  if (Array.isArray(p) && p.length === 2) return [p[0], p[0], p[1], p[1]];
  if (Array.isArray(p) && p.length === 4) return [...p];
  throw typeErr(op, `expected padding to be a number, [h, w], [top, bottom, left, right], 'same' or 'valid', got ${String(p)}`);
}

type G16 = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

interface Saved { g: Conv2dGeometry; args: number[]; x: FloatArray; w: FloatArray }

/**
 * 2-D convolution (cross-correlation, as in PyTorch): x [N, C, H, W], weight [OC, C/groups, KH, KW],
 * bias [OC] or null → y [N, OC, OH, OW] with OH = ⌊(H + padTop + padBottom − dilation·(KH − 1) − 1)/stride⌋ + 1;
 * y[n, o, i, j] = bias[o] + Σ_{c, ky, kx} x[n, g·C/groups + c, i·s − padTop + ky·d, j·s − padLeft + kx·d]·weight[o, c, ky, kx]
 * (zero outside x), g = the group of o.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  checkTensor(op, 'x', x);
  checkTensor(op, 'weight', weight);
  if (bias !== null) checkTensor(op, 'bias', bias);
  checkSameDtype(op, x, weight);
  if (bias !== null) checkSameDtype(op, x, bias);
  if (x.ndim !== 4) throw rangeErr(op, `expected x of shape [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== 4) throw rangeErr(op, `expected weight of shape [OC, C/groups, KH, KW], got ${fmtShape(weight.shape)}`);
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  const [n, c, h, w] = x.shape;
  const [oc, cg, kh, kw] = weight.shape;
  if (typeof groups !== 'number' || cg * groups !== c) {
    throw rangeErr(op, `expected weight [OC, C/groups, KH, KW] with C/groups = ${c}/${String(groups)}, got ${fmtShape(weight.shape)}`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== oc)) throw rangeErr(op, `expected bias of shape [${oc}], got ${fmtShape(bias.shape)}`);
  const s = pair(stride), d = pair(dilation);
  const args = [n, c, h, w, oc, kh, kw, s[0], s[1], ...pads(op, padding, h, w, [kh, kw], s, d), d[0], d[1], groups];
  const g = conv2dGeometry(op, ...args);
  const xd = dense(x), wd = dense(weight);
  const y = alloc(x.dtype, g.yLength);
  const k = backendFor(x.dtype);
  const a = args as G16;
  k.conv2dForward(...a, xd, wd, bias === null ? null : dense(bias), y);
  const out = new Tensor(y, [n, oc, g.oh, g.ow]);
  if (!needsGrad(x, weight, bias)) return out;
  const saved: Saved = { g, args, x: xd, w: wd };
  return record(out, 'ConvolutionBackward', conv2dBackward, bias === null ? [x, weight] : [x, weight, bias], saved);
}

function conv2dBackward(node: Node, gy: Tensor): (Tensor | null)[] {
  const [x, w, b] = node.inputs;
  const { g, args, x: xd, w: wd } = node.saved as Saved;
  const k = backendFor(gy.dtype);
  const a = args as G16;
  const dy = dense(gy);
  const dx = x.requiresGrad ? alloc(gy.dtype, g.xLength) : null;
  const dw = w.requiresGrad ? alloc(gy.dtype, g.weightLength) : null;
  const db = b !== undefined && b.requiresGrad ? alloc(gy.dtype, g.oc) : null;
  k.conv2dBackward(...a, xd, dy, wd, dx, dw, db);
  const gx = dx && new Tensor(dx, x.shape.slice()), gw = dw && new Tensor(dw, w.shape.slice());
  const gb = db && new Tensor(db, [g.oc]);
  return [gx, gw, gb];
}

export interface Conv1dOptions {
  stride?: number;
  /** A number (both sides), [left, right], 'same' or 'valid'. */
  padding?: number | readonly [number, number] | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** 1-D convolution: x [N, C, L], weight [OC, C/groups, K] → [N, OC, OL]; conv2d with H = KH = 1. */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  checkTensor('conv1d', 'x', x);
  checkTensor('conv1d', 'weight', weight);
  if (x.ndim !== 3) throw rangeErr('conv1d', `expected x of shape [N, C, L], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== 3) throw rangeErr('conv1d', `expected weight of shape [OC, C/groups, K], got ${fmtShape(weight.shape)}`);
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  const p: Conv2dOptions['padding'] =
    typeof padding === 'number' ? [0, 0, padding, padding] : Array.isArray(padding) ? [0, 0, padding[0], padding[1]] : (padding as 'same' | 'valid');
  const y = conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, { stride: [1, stride], dilation: [1, dilation], groups, padding: p });
  return squeeze(y, 2);
}
