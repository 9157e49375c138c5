/**
 * JS twin of the optim kernel family (rules documented in ../kernels/optim.ts). Each element is computed
 * in float64 and rounded once on store; the checks mirror native/binding/optim.cc.
 */
import type { OptimKernels } from '../kernels/optim.js';
import type { FloatArray } from '../types.js';
import { checkBoolean, checkFloatArray, checkSize, rangeError, typeError } from './check.js';

function checkCount(op: string, args: IArguments, count: number): void {
  if (args.length !== count) throw new TypeError(`nodegrad.${op}: expected ${count} arguments, got ${args.length}`);
}

function checkFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(op, `${name} to be a number`, v);
  if (!Number.isFinite(v)) throw rangeError(op, `expected ${name} to be finite, got ${v}`);
  return v;
}

/** An array of p's kind (or null when optional); lengths and overlaps are checked by `checkLayout`. */
function checkState(op: string, name: string, v: unknown, p: FloatArray, optional = false): FloatArray | null {
  if (optional && (v === null || v === undefined)) return null;
  const a = checkFloatArray(op, name, v);
  if (a.constructor !== p.constructor) throw typeError(op, `${name} to be a ${p.constructor.name} like p`, a);
  return a;
}

function overlaps(a: FloatArray, b: FloatArray): boolean {
  if (a.buffer !== b.buffer || a.length === 0 || b.length === 0) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** Every array holds p.length elements and no two share memory. */
function checkLayout(op: string, arrays: Array<[string, FloatArray | null]>): void {
  const n = arrays[0][1]!.length;
  for (const [name, a] of arrays) {
    if (a && a.length !== n) throw rangeError(op, `expected ${name} to hold ${n} elements (the length of p), got ${a.length}`);
  }
  for (let i = 0; i < arrays.length; i++) {
    for (let j = i + 1; j < arrays.length; j++) {
      const [na, a] = arrays[i];
      const [nb, b] = arrays[j];
      if (a && b && overlaps(a, b)) throw rangeError(op, `expected ${na} and ${nb} not to overlap`);
    }
  }
}

function sgdUpdate(
  p: FloatArray, grad: FloatArray, buf: FloatArray | null, first: boolean,
  lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, maximize: boolean,
): void {
  const op = 'sgdUpdate';
  checkCount(op, arguments, 10);
  checkFloatArray(op, 'p', p);
  checkState(op, 'grad', grad, p);
  checkState(op, 'buf', buf, p, true);
  checkBoolean(op, 'first', first);
  checkFinite(op, 'lr', lr);
  checkFinite(op, 'momentum', momentum);
  checkFinite(op, 'dampening', dampening);
  checkFinite(op, 'weightDecay', weightDecay);
  checkBoolean(op, 'nesterov', nesterov);
  checkBoolean(op, 'maximize', maximize);
  checkLayout(op, [['p', p], ['grad', grad], ['buf', buf]]);
  const sign = maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    let d = sign * grad[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    if (buf) {
      const b = first ? d : momentum * buf[i] + (1 - dampening) * d;
      buf[i] = b;
      d = nesterov ? d + momentum * b : b;
    }
    p[i] -= lr * d;
  }
}

function adamUpdate(
  p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, step: number,
  lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: boolean, maximize: boolean,
): void {
  const op = 'adamUpdate';
  checkCount(op, arguments, 13);
  checkFloatArray(op, 'p', p);
  checkState(op, 'grad', grad, p);
  checkState(op, 'm', m, p);
  checkState(op, 'v', v, p);
  checkState(op, 'vmax', vmax, p, true);
  checkSize(op, 'step', step, 1);
  checkFinite(op, 'lr', lr);
  checkFinite(op, 'beta1', beta1);
  checkFinite(op, 'beta2', beta2);
  checkFinite(op, 'eps', eps);
  checkFinite(op, 'weightDecay', weightDecay);
  checkBoolean(op, 'decoupled', decoupled);
  checkBoolean(op, 'maximize', maximize);
  checkLayout(op, [['p', p], ['grad', grad], ['m', m], ['v', v], ['vmax', vmax]]);
  const sign = maximize ? -1 : 1;
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const l2 = decoupled ? 0 : weightDecay;
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  for (let i = 0; i < p.length; i++) {
    let x = p[i];
    let d = sign * grad[i];
    if (l2 !== 0) d += l2 * x;
    if (decay !== 1) x *= decay;
    const mi = beta1 * m[i] + (1 - beta1) * d;
    let vi = beta2 * v[i] + (1 - beta2) * d * d;
    m[i] = mi;
    v[i] = vi;
    if (vmax) {
      vi = Math.max(vmax[i], vi);
      vmax[i] = vi;
    }
    p[i] = x - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

function rmspropUpdate(
  p: FloatArray, grad: FloatArray, v: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null,
  lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, maximize: boolean,
): void {
  const op = 'rmspropUpdate';
  checkCount(op, arguments, 11);
  checkFloatArray(op, 'p', p);
  checkState(op, 'grad', grad, p);
  checkState(op, 'v', v, p);
  checkState(op, 'gAvg', gAvg, p, true);
  checkState(op, 'buf', buf, p, true);
  checkFinite(op, 'lr', lr);
  checkFinite(op, 'alpha', alpha);
  checkFinite(op, 'eps', eps);
  checkFinite(op, 'weightDecay', weightDecay);
  checkFinite(op, 'momentum', momentum);
  checkBoolean(op, 'maximize', maximize);
  checkLayout(op, [['p', p], ['grad', grad], ['v', v], ['gAvg', gAvg], ['buf', buf]]);
  const sign = maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    let d = sign * grad[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    const vi = alpha * v[i] + (1 - alpha) * d * d;
    v[i] = vi;
    let denom: number;
    if (gAvg) {
      const a = alpha * gAvg[i] + (1 - alpha) * d;
      gAvg[i] = a;
      denom = Math.sqrt(vi - a * a) + eps;
    } else {
      denom = Math.sqrt(vi) + eps;
    }
    if (buf) {
      const b = momentum * buf[i] + d / denom;
      buf[i] = b;
      p[i] -= lr * b;
    } else {
      p[i] -= (lr * d) / denom;
    }
  }
}

function adagradUpdate(
  p: FloatArray, grad: FloatArray, sum: FloatArray, step: number,
  lr: number, lrDecay: number, eps: number, weightDecay: number, maximize: boolean,
): void {
  const op = 'adagradUpdate';
  checkCount(op, arguments, 9);
  checkFloatArray(op, 'p', p);
  checkState(op, 'grad', grad, p);
  checkState(op, 'sum', sum, p);
  checkSize(op, 'step', step, 1);
  checkFinite(op, 'lr', lr);
  checkFinite(op, 'lrDecay', lrDecay);
  checkFinite(op, 'eps', eps);
  checkFinite(op, 'weightDecay', weightDecay);
  checkBoolean(op, 'maximize', maximize);
  checkLayout(op, [['p', p], ['grad', grad], ['sum', sum]]);
  const sign = maximize ? -1 : 1;
  const clr = lr / (1 + (step - 1) * lrDecay);
  for (let i = 0; i < p.length; i++) {
    let d = sign * grad[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    const s = sum[i] + d * d;
    sum[i] = s;
    p[i] -= (clr * d) / (Math.sqrt(s) + eps);
  }
}

export const optimJs: OptimKernels = { sgdUpdate, adamUpdate, rmspropUpdate, adagradUpdate };
