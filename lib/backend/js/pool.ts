/**
 * JS twin of the pool kernel family, plus the shape arithmetic shared with lib/ops: pool2dGeometry runs the
 * same checks, in the same order, with the same messages as native/binding/pool.cc. Semantics in
 * lib/backend/kernels/pool.ts.
 */
import type { PoolKernels } from '../kernels/pool.js';
import type { FloatArray } from '../types.js';
import { checkBoolean, checkedMul, checkFloatArray, checkLength, checkSize, rangeError, typeError } from './check.js';
import { checkArity, MAX_DIM } from './conv.js';

export interface Pool2dGeometry {
  n: number; c: number; h: number; w: number; kh: number; kw: number; strideH: number; strideW: number;
  padTop: number; padBottom: number; padLeft: number; padRight: number; dilationH: number; dilationW: number;
  ceilMode: boolean; oh: number; ow: number; planes: number; xLength: number; yLength: number;
}

/** PyTorch's pooling output size; in ceil mode the last window must start inside the input or its leading pad. */
export function poolOutputSize(op: string, size: number, pad0: number, pad1: number, k: number, dilation: number, stride: number, ceilMode: boolean, axis: string): number {
  const padded = size + pad0 + pad1, span = dilation * (k - 1) + 1;
  if (span > padded) throw rangeError(op, `expected the dilated kernel ${axis} ${span} to fit the padded input ${axis} ${padded}`);
  const num = padded - span;
  let out = (ceilMode ? Math.ceil(num / stride) : Math.floor(num / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad0) out--;
  return out;
}

/** Validates pooling geometry: `dilated` (max pooling) takes dilationH, dilationW before ceilMode. */
export function pool2dGeometry(op: string, dilated: boolean, ...g: unknown[]): Pool2dGeometry {
  const names = ['n', 'c', 'h', 'w', 'kh', 'kw', 'strideH', 'strideW', 'padTop', 'padBottom', 'padLeft', 'padRight', 'dilationH', 'dilationW'];
  const mins = [0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1];
  const count = dilated ? 14 : 12;
  const v = names.slice(0, count).map((name, i) => checkSize(op, name, g[i], mins[i], MAX_DIM));
  const [n, c, h, w, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight] = v;
  const dilationH = dilated ? v[12] : 1, dilationW = dilated ? v[13] : 1;
  const ceilMode = checkBoolean(op, 'ceilMode', g[count]);
  const pads: [number, number, string, string][] = [[padTop, kh, 'padTop', 'kh'], [padBottom, kh, 'padBottom', 'kh'], [padLeft, kw, 'padLeft', 'kw'], [padRight, kw, 'padRight', 'kw']];
  for (const [pad, k, name, kname] of pads) {
    if (pad > Math.floor(k / 2)) throw rangeError(op, `expected ${name} <= ${kname}/2 = ${Math.floor(k / 2)}, got ${pad}`);
  }
  const oh = poolOutputSize(op, h, padTop, padBottom, kh, dilationH, strideH, ceilMode, 'height');
  const ow = poolOutputSize(op, w, padLeft, padRight, kw, dilationW, strideW, ceilMode, 'width');
  const planes = checkedMul(op, n, c, 'planes (n * c)');
  const plane = checkedMul(op, h, w, 'plane size (h * w)');
  if (dilated && plane > MAX_DIM) throw rangeError(op, `expected h * w <= 2147483647 (int32 indices), got ${plane}`);
  const xLength = checkedMul(op, planes, plane, 'x size');
  const yLength = checkedMul(op, planes, checkedMul(op, oh, ow, 'y size'), 'y size');
  return { n, c, h, w, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, ceilMode, oh, ow, planes, xLength, yLength };
}

function checkIndices(op: string, v: unknown, needed: number): Int32Array {
  if (!(v instanceof Int32Array)) throw typeError(op, 'indices to be an Int32Array', v);
  if ((v.buffer as ArrayBuffer & { detached?: boolean }).detached) throw new TypeError(`nodegrad.${op}: expected indices to be a Int32Array, got one whose buffer is detached`);
  checkLength(op, 'indices', v, needed);
  return v;
}

function maxPool2dForward(...args: unknown[]): void {
  const op = 'maxPool2dForward';
  checkArity(op, args, 18);
  const s = pool2dGeometry(op, true, ...args.slice(0, 15));
  const x = checkFloatArray(op, 'x', args[15]), y = checkFloatArray(op, 'y', args[16]);
  checkLength(op, 'x', x, s.xLength);
  checkLength(op, 'y', y, s.yLength);
  const indices = checkIndices(op, args[17], s.yLength);
  for (let p = 0; p < s.planes; p++) {
    const xp = p * s.h * s.w;
    for (let oy = 0; oy < s.oh; oy++) {
      for (let ox = 0; ox < s.ow; ox++) {
        let m = -Infinity, id = -1;
        for (let ky = 0; ky < s.kh; ky++) {
          const iy = oy * s.strideH - s.padTop + ky * s.dilationH;
          if (iy < 0 || iy >= s.h) continue;
          for (let kx = 0; kx < s.kw; kx++) {
            const ix = ox * s.strideW - s.padLeft + kx * s.dilationW;
            if (ix < 0 || ix >= s.w) continue;
            const v = x[xp + iy * s.w + ix];
            // The first real tap starts the window; then larger values, or the first NaN, replace it.
            if (id < 0 || v > m || (Number.isNaN(v) && !Number.isNaN(m))) {
              m = v;
              id = iy * s.w + ix;
            }
          }
        }
        const o = (p * s.oh + oy) * s.ow + ox;
        y[o] = m;
        indices[o] = id;
      }
    }
  }
}

function maxPool2dBackward(...args: unknown[]): void {
  const op = 'maxPool2dBackward';
  checkArity(op, args, 18);
  const s = pool2dGeometry(op, true, ...args.slice(0, 15));
  const dy = checkFloatArray(op, 'dy', args[15]);
  const indices = checkIndices(op, args[16], s.yLength);
  const dx = checkFloatArray(op, 'dx', args[17]);
  checkLength(op, 'dy', dy, s.yLength);
  checkLength(op, 'dx', dx, s.xLength);
  const plane = s.h * s.w;
  for (let i = 0; i < s.yLength; i++) {
    if (indices[i] < -1 || indices[i] >= plane) throw rangeError(op, `expected indices in [-1, ${plane}), got ${indices[i]} at ${i}`);
  }
  dx.fill(0, 0, s.xLength);
  const outPlane = s.oh * s.ow;
  for (let p = 0; p < s.planes; p++) {
    for (let o = 0; o < outPlane; o++) {
      const id = indices[p * outPlane + o];
      if (id >= 0) dx[p * plane + id] += dy[p * outPlane + o];
    }
  }
}

/** One axis of an average window: real taps [lo, hi) and the divisor's extent. */
function avgSpan(o: number, stride: number, pad: number, padEnd: number, k: number, size: number, includePad: boolean): [number, number, number] {
  const start = o * stride - pad, end = Math.min(start + k, size + padEnd);
  const lo = Math.max(start, 0), hi = Math.min(end, size);
  return [lo, hi, includePad ? end - start : hi - lo];
}

/** Calls fn(planeOffset, outputIndex, rows, cols, count) for every average window. */
function forEachAvgWindow(s: Pool2dGeometry, includePad: boolean, fn: (xp: number, o: number, r: [number, number, number], c: [number, number, number], count: number) => void): void {
  for (let p = 0; p < s.planes; p++) {
    for (let oy = 0; oy < s.oh; oy++) {
      const r = avgSpan(oy, s.strideH, s.padTop, s.padBottom, s.kh, s.h, includePad);
      for (let ox = 0; ox < s.ow; ox++) {
        const c = avgSpan(ox, s.strideW, s.padLeft, s.padRight, s.kw, s.w, includePad);
        fn(p * s.h * s.w, (p * s.oh + oy) * s.ow + ox, r, c, r[2] * c[2]);
      }
    }
  }
}

function avgPool2dForward(...args: unknown[]): void {
  const op = 'avgPool2dForward';
  checkArity(op, args, 16);
  const s = pool2dGeometry(op, false, ...args.slice(0, 13));
  const includePad = checkBoolean(op, 'countIncludePad', args[13]);
  const x = checkFloatArray(op, 'x', args[14]), y = checkFloatArray(op, 'y', args[15]);
  checkLength(op, 'x', x, s.xLength);
  checkLength(op, 'y', y, s.yLength);
  forEachAvgWindow(s, includePad, (xp, o, r, c, count) => {
    let sum = 0;
    for (let iy = r[0]; iy < r[1]; iy++) for (let ix = c[0]; ix < c[1]; ix++) sum += x[xp + iy * s.w + ix];
    y[o] = sum / count;
  });
}

function avgPool2dBackward(...args: unknown[]): void {
  const op = 'avgPool2dBackward';
  checkArity(op, args, 16);
  const s = pool2dGeometry(op, false, ...args.slice(0, 13));
  const includePad = checkBoolean(op, 'countIncludePad', args[13]);
  const dy = checkFloatArray(op, 'dy', args[14]), dx = checkFloatArray(op, 'dx', args[15]);
  checkLength(op, 'dy', dy, s.yLength);
  checkLength(op, 'dx', dx, s.xLength);
  dx.fill(0, 0, s.xLength);
  forEachAvgWindow(s, includePad, (xp, o, r, c, count) => {
    const g = dy[o] / count;
    for (let iy = r[0]; iy < r[1]; iy++) for (let ix = c[0]; ix < c[1]; ix++) dx[xp + iy * s.w + ix] += g;
  });
}

/** Checks adaptive pooling arguments; returns [planes, h, w, oh, ow, input, output]. */
function adaptiveArgs(op: string, forward: boolean, args: unknown[]): [number, number, number, number, number, FloatArray, FloatArray] {
  checkArity(op, args, 8);
  const names = ['n', 'c', 'h', 'w', 'oh', 'ow'];
  const [n, c, h, w, oh, ow] = names.map((name, i) => checkSize(op, name, args[i], i === 0 ? 0 : 1, MAX_DIM));
  const inName = forward ? 'x' : 'dy', outName = forward ? 'y' : 'dx';
  const input = checkFloatArray(op, inName, args[6]), output = checkFloatArray(op, outName, args[7]);
  const planes = checkedMul(op, n, c, 'planes (n * c)');
  const xLength = checkedMul(op, planes, checkedMul(op, h, w, 'x size'), 'x size');
  const yLength = checkedMul(op, planes, checkedMul(op, oh, ow, 'y size'), 'y size');
  checkLength(op, inName, input, forward ? xLength : yLength);
  checkLength(op, outName, output, forward ? yLength : xLength);
  return [planes, h, w, oh, ow, input, output];
}

/** PyTorch's adaptive window along one axis: [⌊o·size/out⌋, ⌈(o+1)·size/out⌉). */
function adaptiveSpan(o: number, size: number, out: number): [number, number] {
  return [Math.floor((o * size) / out), Math.ceil(((o + 1) * size) / out)];
}

function forEachAdaptive(planes: number, h: number, w: number, oh: number, ow: number, fn: (xp: number, o: number, r: [number, number], c: [number, number]) => void): void {
  for (let p = 0; p < planes; p++) {
    for (let oy = 0; oy < oh; oy++) {
      const r = adaptiveSpan(oy, h, oh);
      for (let ox = 0; ox < ow; ox++) fn(p * h * w, (p * oh + oy) * ow + ox, r, adaptiveSpan(ox, w, ow));
    }
  }
}

function adaptiveAvgPool2dForward(...args: unknown[]): void {
  const [planes, h, w, oh, ow, x, y] = adaptiveArgs('adaptiveAvgPool2dForward', true, args);
  forEachAdaptive(planes, h, w, oh, ow, (xp, o, r, c) => {
    let sum = 0;
    for (let iy = r[0]; iy < r[1]; iy++) for (let ix = c[0]; ix < c[1]; ix++) sum += x[xp + iy * w + ix];
    y[o] = sum / ((r[1] - r[0]) * (c[1] - c[0]));
  });
}

function adaptiveAvgPool2dBackward(...args: unknown[]): void {
  const [planes, h, w, oh, ow, dy, dx] = adaptiveArgs('adaptiveAvgPool2dBackward', false, args);
  dx.fill(0, 0, planes * h * w);
  forEachAdaptive(planes, h, w, oh, ow, (xp, o, r, c) => {
    const g = dy[o] / ((r[1] - r[0]) * (c[1] - c[0]));
    for (let iy = r[0]; iy < r[1]; iy++) for (let ix = c[0]; ix < c[1]; ix++) dx[xp + iy * w + ix] += g;
  });
}

export const poolJs: PoolKernels = {
  maxPool2dForward: maxPool2dForward as PoolKernels['maxPool2dForward'],
  maxPool2dBackward: maxPool2dBackward as PoolKernels['maxPool2dBackward'],
  avgPool2dForward: avgPool2dForward as PoolKernels['avgPool2dForward'],
  avgPool2dBackward: avgPool2dBackward as PoolKernels['avgPool2dBackward'],
  adaptiveAvgPool2dForward: adaptiveAvgPool2dForward as PoolKernels['adaptiveAvgPool2dForward'],
  adaptiveAvgPool2dBackward: adaptiveAvgPool2dBackward as PoolKernels['adaptiveAvgPool2dBackward'],
};
