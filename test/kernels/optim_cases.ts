/**
 * Optimizer kernel test cases and a float64 reference written from PyTorch's documented algorithms
 * (torch.optim 1.13, whole-array steps as in its single-tensor code), independent of both backends.
 */
import type { FloatArray, Kernels } from '../../lib/backend/index.js';
import { closeMismatch, expectClose } from '../helpers/close.js';
import { rng } from '../helpers/rng.js';

export type OptName = 'sgd' | 'adam' | 'rmsprop' | 'adagrad';

export interface OptCase {
  name: string;
  opt: OptName;
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  maximize?: boolean;
  betas?: [number, number];
  eps?: number;
  amsgrad?: boolean;
  decoupled?: boolean;
  alpha?: number;
  centered?: boolean;
  lrDecay?: number;
  initialAccumulatorValue?: number;
  /** Also run on an array large enough for the thread pool in the ISA/thread matrix. */
  pool?: boolean;
}

export const CASES: OptCase[] = [
  { name: 'sgd', opt: 'sgd', lr: 0.01 },
  { name: 'sgd momentum', opt: 'sgd', lr: 0.01, momentum: 0.9 },
  { name: 'sgd momentum dampening wd', opt: 'sgd', lr: 0.01, momentum: 0.9, dampening: 0.1, weightDecay: 0.1, pool: true },
  { name: 'sgd nesterov maximize', opt: 'sgd', lr: 0.01, momentum: 0.8, nesterov: true, maximize: true },
  { name: 'adam', opt: 'adam', lr: 0.01 },
  { name: 'adam wd amsgrad', opt: 'adam', lr: 0.01, weightDecay: 0.1, amsgrad: true, betas: [0.8, 0.99] },
  { name: 'adamw', opt: 'adam', lr: 0.01, weightDecay: 0.01, decoupled: true },
  { name: 'adamw amsgrad maximize', opt: 'adam', lr: 0.01, weightDecay: 0.05, decoupled: true, amsgrad: true, maximize: true, pool: true },
  { name: 'rmsprop', opt: 'rmsprop', lr: 1e-3 },
  { name: 'rmsprop centered momentum wd', opt: 'rmsprop', lr: 1e-3, centered: true, momentum: 0.9, weightDecay: 0.1, alpha: 0.9, pool: true },
  { name: 'rmsprop momentum maximize', opt: 'rmsprop', lr: 1e-3, momentum: 0.5, maximize: true },
  { name: 'adagrad', opt: 'adagrad', lr: 0.01 },
  { name: 'adagrad lrDecay wd init', opt: 'adagrad', lr: 0.01, lrDecay: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.1, pool: true },
];

/** The state arrays a case keeps, created like the optimizer does (zeros, or Adagrad's initial value). */
export function makeState(c: OptCase, n: number, make: (n: number) => FloatArray): Record<string, FloatArray | null> {
  const z = () => make(n);
  switch (c.opt) {
    case 'sgd': return { buf: c.momentum ? z() : null };
    case 'adam': return { m: z(), v: z(), vmax: c.amsgrad ? z() : null };
    case 'rmsprop': return { v: z(), gAvg: c.centered ? z() : null, buf: c.momentum ? z() : null };
    case 'adagrad': {
      const s = z();
      s.fill(c.initialAccumulatorValue ?? 0);
      return { sum: s };
    }
  }
}

/** One step through a backend's fused kernel. */
export function kernelStep(k: Kernels, c: OptCase, p: FloatArray, g: FloatArray, s: Record<string, FloatArray | null>, step: number): void {
  const wd = c.weightDecay ?? 0, max = c.maximize ?? false;
  switch (c.opt) {
    case 'sgd': return k.sgdUpdate(p, g, s.buf, step === 1, c.lr, c.momentum ?? 0, c.dampening ?? 0, wd, c.nesterov ?? false, max);
    case 'adam': {
      const [b1, b2] = c.betas ?? [0.9, 0.999];
      return k.adamUpdate(p, g, s.m!, s.v!, s.vmax, step, c.lr, b1, b2, c.eps ?? 1e-8, wd, c.decoupled ?? false, max);
    }
    case 'rmsprop': return k.rmspropUpdate(p, g, s.v!, s.gAvg, s.buf, c.lr, c.alpha ?? 0.99, c.eps ?? 1e-8, wd, c.momentum ?? 0, max);
    case 'adagrad': return k.adagradUpdate(p, g, s.sum!, step, c.lr, c.lrDecay ?? 0, c.eps ?? 1e-10, wd, max);
  }
}

const map = (a: Float64Array, f: (x: number, i: number) => number) => Float64Array.from(a, f);

/** One step of the float64 reference, as torch.optim's single-tensor functions do it. */
export function referenceStep(c: OptCase, p: Float64Array, grad: Float64Array, s: Record<string, Float64Array | null>, step: number): void {
  let g = c.maximize ? map(grad, (x) => -x) : grad.slice();
  const wd = c.weightDecay ?? 0;
  if (wd !== 0 && !(c.opt === 'adam' && c.decoupled)) g = map(g, (x, i) => x + wd * p[i]);
  let upd: Float64Array;
  if (c.opt === 'sgd') {
    upd = g;
    if (c.momentum) {
      const m = c.momentum, damp = c.dampening ?? 0;
      s.buf!.set(step === 1 ? g : map(s.buf!, (b, i) => b * m + (1 - damp) * g[i]));
      upd = c.nesterov ? map(g, (x, i) => x + m * s.buf![i]) : s.buf!;
    }
    p.set(map(p, (x, i) => x - c.lr * upd[i]));
  } else if (c.opt === 'adam') {
    const [b1, b2] = c.betas ?? [0.9, 0.999];
    if (c.decoupled) p.set(map(p, (x) => x * (1 - c.lr * wd)));
    s.m!.set(map(s.m!, (x, i) => x * b1 + (1 - b1) * g[i]));
    s.v!.set(map(s.v!, (x, i) => x * b2 + (1 - b2) * g[i] * g[i]));
    let vh = s.v!;
    if (s.vmax) {
      s.vmax.set(map(s.vmax, (x, i) => (Number.isNaN(x) || Number.isNaN(vh[i]) ? NaN : Math.max(x, vh[i]))));
      vh = s.vmax;
    }
    const stepSize = c.lr / (1 - b1 ** step), bc2 = Math.sqrt(1 - b2 ** step), eps = c.eps ?? 1e-8;
    p.set(map(p, (x, i) => x - stepSize * (s.m![i] / (Math.sqrt(vh[i]) / bc2 + eps))));
  } else if (c.opt === 'rmsprop') {
    const a = c.alpha ?? 0.99, eps = c.eps ?? 1e-8;
    s.v!.set(map(s.v!, (x, i) => x * a + (1 - a) * g[i] * g[i]));
    let avg: Float64Array;
    if (s.gAvg) {
      s.gAvg.set(map(s.gAvg, (x, i) => x * a + (1 - a) * g[i]));
      avg = map(s.v!, (x, i) => Math.sqrt(x - s.gAvg![i] * s.gAvg![i]) + eps);
    } else {
      avg = map(s.v!, (x) => Math.sqrt(x) + eps);
    }
    if (s.buf) {
      s.buf.set(map(s.buf, (x, i) => x * c.momentum! + g[i] / avg[i]));
      p.set(map(p, (x, i) => x - c.lr * s.buf![i]));
    } else {
      p.set(map(p, (x, i) => x - c.lr * (g[i] / avg[i])));
    }
  } else {
    const clr = c.lr / (1 + (step - 1) * (c.lrDecay ?? 0)), eps = c.eps ?? 1e-10;
    s.sum!.set(map(s.sum!, (x, i) => x + g[i] * g[i]));
    p.set(map(p, (x, i) => x - clr * (g[i] / (Math.sqrt(s.sum![i]) + eps))));
  }
}

/** Parameters with |p| in [0.1, 1] and gradients with |g| in [0.2, 1] of one sign per element across steps. */
export function problem(n: number, salt: number): { p: Float32Array; grads: Float32Array[] } {
  const r = rng(salt);
  const p = new Float32Array(n), sign = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = (r.next() < 0.5 ? -1 : 1) * r.uniform(0.1, 1);
    sign[i] = r.next() < 0.5 ? -1 : 1;
  }
  const grads: Float32Array[] = [];
  for (let t = 0; t < 3; t++) {
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) g[i] = sign[i] * r.uniform(0.2, 1);
    grads.push(g);
  }
  return { p, grads };
}

/** Runs 3 steps through `k` on arrays made by `make`; returns the parameter and state afterwards. */
export function threeSteps(k: Kernels, c: OptCase, n: number, make: (n: number) => FloatArray): Record<string, FloatArray | null> {
  const { p: p0, grads } = problem(n, 7);
  const p = make(n);
  p.set(p0);
  const s = makeState(c, n, make);
  for (let t = 1; t <= 3; t++) {
    const g = make(n);
    g.set(grads[t - 1]);
    kernelStep(k, c, p, g, s, t);
  }
  return { p, ...s };
}

export function reference(c: OptCase, n: number): Record<string, Float64Array | null> {
  const { p: p0, grads } = problem(n, 7);
  const p = Float64Array.from(p0);
  const s = makeState(c, n, (m) => new Float64Array(m)) as Record<string, Float64Array | null>;
  for (let t = 1; t <= 3; t++) referenceStep(c, p, Float64Array.from(grads[t - 1]), s, t);
  return { p, ...s };
}

export function expectRelative(got: Record<string, FloatArray | null>, want: Record<string, Float64Array | null>, rel: number, label: string): void {
  for (const key of Object.keys(want)) {
    if (want[key] === null) continue;
    const w = want[key]!;
    expectClose(got[key]!, w, (i) => rel * Math.abs(w[i]), `${label} ${key}`);
  }
}

/** A cheap fingerprint of an array's bytes (FNV-1a over 32-bit words), to compare runs across processes. */
function fingerprint(a: FloatArray): string {
  const w = new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i], 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * Run in a child process per ISA and thread count: every case vs the reference (n = 4097, returns the
 * failures) and the fingerprint of the `pool` cases' parameter after 3 steps on an array large enough for the pool.
 */
export function isaReport(k: Kernels): { errors: string[]; prints: string[] } {
  const errors: string[] = [];
  const prints: string[] = [];
  for (const c of CASES) {
    const got = threeSteps(k, c, 4097, (m) => new Float32Array(m));
    const want = reference(c, 4097);
    for (const key of Object.keys(want)) {
      const w = want[key];
      const e = w && closeMismatch(got[key]!, w, (i) => 1e-6 * Math.abs(w[i]));
      if (e) errors.push(`${c.name} ${key}: ${e}`);
    }
    if (c.pool) prints.push(fingerprint(threeSteps(k, c, 140_001, (m) => new Float32Array(m)).p!));
  }
  return { errors, prints };
}
