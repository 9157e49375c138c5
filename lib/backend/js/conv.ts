/**
 * JS twin of the conv kernel family (direct loops, no im2col), plus the shape arithmetic shared with
 * lib/ops: conv2dGeometry runs the same checks, in the same order, with the same messages as
 * native/binding/conv.cc.
 */
import type { ConvKernels } from '../kernels/conv.js';
import { checkedMul, checkFloatArray, checkLength, checkSize, rangeError } from './check.js';

/** Largest single dimension either backend accepts. */
export const MAX_DIM = 2147483647;

/** Geometry of one conv2d call; pads are per side. */
export interface Conv2dGeometry {
  n: number; c: number; h: number; w: number; oc: number; kh: number; kw: number;
  strideH: number; strideW: number; padTop: number; padBottom: number; padLeft: number; padRight: number;
  dilationH: number; dilationW: number; groups: number;
  oh: number; ow: number;
  xLength: number; weightLength: number; yLength: number;
}

/** ⌊(size + pad0 + pad1 − dilation·(k − 1) − 1) / stride⌋ + 1, or RangeError naming the axis. */
export function convOutputSize(op: string, size: number, pad0: number, pad1: number, k: number, dilation: number, stride: number, axis: string): number {
  const padded = size + pad0 + pad1, span = dilation * (k - 1) + 1;
  if (span > padded) throw rangeError(op, `expected the dilated kernel ${axis} ${span} to fit the padded input ${axis} ${padded}`);
  return Math.floor((padded - span) / stride) + 1;
}

/** TensorFlow 'SAME' padding along one axis: [before, after], the odd extra going after. */
export function samePadding(size: number, k: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + dilation * (k - 1) + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Validates the 16 geometry integers of every conv2d kernel and derives the output size. */
export function conv2dGeometry(op: string, ...g: unknown[]): Conv2dGeometry {
  const names = ['n', 'c', 'h', 'w', 'oc', 'kh', 'kw', 'strideH', 'strideW', 'padTop', 'padBottom', 'padLeft', 'padRight', 'dilationH', 'dilationW', 'groups'];
  const mins = [0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1];
  const v = names.map((name, i) => checkSize(op, name, g[i], mins[i], MAX_DIM));
  const [n, c, h, w, oc, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups] = v;
  if (c % groups !== 0) throw rangeError(op, `expected c (${c}) to be divisible by groups (${groups})`);
  if (oc % groups !== 0) throw rangeError(op, `expected oc (${oc}) to be divisible by groups (${groups})`);
  const oh = convOutputSize(op, h, padTop, padBottom, kh, dilationH, strideH, 'height');
  const ow = convOutputSize(op, w, padLeft, padRight, kw, dilationW, strideW, 'width');
  const xLength = checkedMul(op, checkedMul(op, checkedMul(op, n, c, 'x size'), h, 'x size'), w, 'x size');
  const weightLength = checkedMul(op, checkedMul(op, oc, c / groups, 'weight size'), checkedMul(op, kh, kw, 'weight size'), 'weight size');
  const yLength = checkedMul(op, checkedMul(op, n, oc, 'y size'), checkedMul(op, oh, ow, 'y size'), 'y size');
  return { n, c, h, w, oc, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups, oh, ow, xLength, weightLength, yLength };
}

/** Output columns [lo, hi) whose input column ox·stride + offset lies in [0, size). */
function validRange(out: number, size: number, stride: number, offset: number): [number, number] {
  const lo = Math.min(out, offset >= 0 ? 0 : Math.ceil(-offset / stride));
  const hi = size - 1 - offset < 0 ? 0 : Math.min(out, Math.floor((size - 1 - offset) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Visits every (output plane o, input plane ci, tap ky, kx, in-bounds output row oy, columns [lo, hi)) of
 * one batch item: the loop nest all three conv kernels share. fn gets the flat offsets of the rows.
 */
function forEachTap(
  s: Conv2dGeometry, b: number,
  fn: (wi: number, yRow: number, xRow: number, xOff: number, lo: number, hi: number) => void,
): void {
  const cg = s.c / s.groups, ocg = s.oc / s.groups;
  for (let o = 0; o < s.oc; o++) {
    const g = Math.floor(o / ocg);
    for (let ci = 0; ci < cg; ci++) {
      const xPlane = (b * s.c + g * cg + ci) * s.h * s.w;
      for (let ky = 0; ky < s.kh; ky++) {
        for (let kx = 0; kx < s.kw; kx++) {
          const wi = ((o * cg + ci) * s.kh + ky) * s.kw + kx;
          const xOff = kx * s.dilationW - s.padLeft;
          const [lo, hi] = validRange(s.ow, s.w, s.strideW, xOff);
          for (let oy = 0; oy < s.oh; oy++) {
            const iy = oy * s.strideH - s.padTop + ky * s.dilationH;
            if (iy < 0 || iy >= s.h) continue;
            fn(wi, ((b * s.oc + o) * s.oh + oy) * s.ow, xPlane + iy * s.w, xOff, lo, hi);
          }
        }
      }
    }
  }
}

export function conv2dForward(...args: unknown[]): void {
  const op = 'conv2dForward';
  checkArity(op, args, 20);
  const s = conv2dGeometry(op, ...args.slice(0, 16));
  const x = checkFloatArray(op, 'x', args[16]), weight = checkFloatArray(op, 'weight', args[17]);
  const bias = args[18] === null || args[18] === undefined ? null : checkFloatArray(op, 'bias', args[18]);
  const y = checkFloatArray(op, 'y', args[19]);
  checkLength(op, 'x', x, s.xLength);
  checkLength(op, 'weight', weight, s.weightLength);
  if (bias) checkLength(op, 'bias', bias, s.oc);
  checkLength(op, 'y', y, s.yLength);
  const plane = s.oh * s.ow;
  for (let b = 0; b < s.n; b++) {
    for (let o = 0; o < s.oc; o++) y.fill(bias ? bias[o] : 0, (b * s.oc + o) * plane, (b * s.oc + o + 1) * plane);
    forEachTap(s, b, (wi, yRow, xRow, xOff, lo, hi) => {
      const wv = weight[wi];
      for (let ox = lo; ox < hi; ox++) y[yRow + ox] += wv * x[xRow + ox * s.strideW + xOff];
    });
  }
}

export function conv2dBackwardData(...args: unknown[]): void {
  const op = 'conv2dBackwardData';
  checkArity(op, args, 19);
  const s = conv2dGeometry(op, ...args.slice(0, 16));
  const dy = checkFloatArray(op, 'dy', args[16]), weight = checkFloatArray(op, 'weight', args[17]);
  const dx = checkFloatArray(op, 'dx', args[18]);
  checkLength(op, 'dy', dy, s.yLength);
  checkLength(op, 'weight', weight, s.weightLength);
  checkLength(op, 'dx', dx, s.xLength);
  dx.fill(0, 0, s.xLength);
  for (let b = 0; b < s.n; b++) {
    forEachTap(s, b, (wi, yRow, xRow, xOff, lo, hi) => {
      const wv = weight[wi];
      for (let ox = lo; ox < hi; ox++) dx[xRow + ox * s.strideW + xOff] += wv * dy[yRow + ox];
    });
  }
}

export function conv2dBackwardWeight(...args: unknown[]): void {
  const op = 'conv2dBackwardWeight';
  checkArity(op, args, 19);
  const s = conv2dGeometry(op, ...args.slice(0, 16));
  const x = checkFloatArray(op, 'x', args[16]), dy = checkFloatArray(op, 'dy', args[17]);
  const dw = checkFloatArray(op, 'dweight', args[18]);
  checkLength(op, 'x', x, s.xLength);
  checkLength(op, 'dy', dy, s.yLength);
  checkLength(op, 'dweight', dw, s.weightLength);
  dw.fill(0, 0, s.weightLength);
  for (let b = 0; b < s.n; b++) {
    forEachTap(s, b, (wi, yRow, xRow, xOff, lo, hi) => {
      let acc = 0;
      for (let ox = lo; ox < hi; ox++) acc += dy[yRow + ox] * x[xRow + ox * s.strideW + xOff];
      dw[wi] += acc;
    });
  }
}

/** Any of dx, dweight, dbias (null to skip), as the three separate kernels compute them. */
export function conv2dBackward(...args: unknown[]): void {
  const op = 'conv2dBackward';
  checkArity(op, args, 22);
  const s = conv2dGeometry(op, ...args.slice(0, 16));
  const x = checkFloatArray(op, 'x', args[16]), dy = checkFloatArray(op, 'dy', args[17]);
  const weight = checkFloatArray(op, 'weight', args[18]);
  const optional = (i: number, name: string) => (args[i] === null || args[i] === undefined ? null : checkFloatArray(op, name, args[i]));
  const dx = optional(19, 'dx'), dw = optional(20, 'dweight'), db = optional(21, 'dbias');
  checkLength(op, 'x', x, s.xLength);
  checkLength(op, 'dy', dy, s.yLength);
  checkLength(op, 'weight', weight, s.weightLength);
  if (dx) checkLength(op, 'dx', dx, s.xLength);
  if (dw) checkLength(op, 'dweight', dw, s.weightLength);
  if (db) checkLength(op, 'dbias', db, s.oc);
  const geometry = args.slice(0, 16);
  if (dx) conv2dBackwardData(...geometry, dy, weight, dx);
  if (dw) conv2dBackwardWeight(...geometry, x, dy, dw);
  if (db) conv2dBackwardBias(s.n, s.oc, s.oh * s.ow, dy, db);
}

export function conv2dBackwardBias(...args: unknown[]): void {
  const op = 'conv2dBackwardBias';
  checkArity(op, args, 5);
  const n = checkSize(op, 'n', args[0], 0, MAX_DIM), oc = checkSize(op, 'oc', args[1], 1, MAX_DIM);
  const spatial = checkSize(op, 'spatial', args[2]);
  const dy = checkFloatArray(op, 'dy', args[3]), db = checkFloatArray(op, 'db', args[4]);
  checkLength(op, 'dy', dy, checkedMul(op, checkedMul(op, n, oc, 'dy size'), spatial, 'dy size'));
  checkLength(op, 'db', db, oc);
  for (let o = 0; o < oc; o++) {
    let acc = 0;
    for (let b = 0; b < n; b++) {
      const row = (b * oc + o) * spatial;
      for (let i = 0; i < spatial; i++) acc += dy[row + i];
    }
    db[o] = acc;
  }
}

/** The binding checks the argument count first; the twin's rest parameters check it here. */
export function checkArity(op: string, args: unknown[], count: number): void {
  if (args.length !== count) throw new TypeError(`nodegrad.${op}: expected ${count} arguments, got ${args.length}`);
}

export const convJs: ConvKernels = {
  conv2dForward: conv2dForward as ConvKernels['conv2dForward'],
  conv2dBackwardData: conv2dBackwardData as ConvKernels['conv2dBackwardData'],
  conv2dBackwardWeight: conv2dBackwardWeight as ConvKernels['conv2dBackwardWeight'],
  conv2dBackwardBias: conv2dBackwardBias as ConvKernels['conv2dBackwardBias'],
  conv2dBackward: conv2dBackward as ConvKernels['conv2dBackward'],
};

