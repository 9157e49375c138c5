/**
 * The conv2d case grid (TESTING.md T2) and its checker, shared by conv.test.ts and the child processes that
 * rerun it under every forced ISA. A case runs forward, dX, dW and db natively (threads 1 and 2) and on the
 * JS twin in float64 (and the one-call backward, bitwise equal to the separate kernels): exact mode (small integers) must be bitwise equal, random mode within
 * (k + 2)·eps32·G per element. Every native output also feeds a digest, so runs with different thread
 * counts (child processes with NODEGRAD_NUM_THREADS) can be compared bitwise.
 */
import { jsKernels, nativeKernels } from '../../lib/backend/index.js';
import type { FloatArray, Kernels } from '../../lib/backend/index.js';
import { conv2dGeometry, samePadding } from '../../lib/backend/js/conv.js';
import { closeMismatch, EPS32 } from '../helpers/close.js';
import { Rng, toF64 } from '../helpers/rng.js';

export interface ConvCase {
  n: number; c: number; h: number; w: number; oc: number; kh: number; kw: number;
  sh: number; sw: number; pt: number; pb: number; pl: number; pr: number; dh: number; dw: number; groups: number;
  bias: boolean; exact: boolean;
}

/** The 16 geometry integers every conv2d kernel takes first. */
export type Geometry = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

export function geom(k: ConvCase): Geometry {
  return [k.n, k.c, k.h, k.w, k.oc, k.kh, k.kw, k.sh, k.sw, k.pt, k.pb, k.pl, k.pr, k.dh, k.dw, k.groups];
}

export function describeCase(k: ConvCase): string {
  return `n${k.n} c${k.c} ${k.h}x${k.w} oc${k.oc} k${k.kh}x${k.kw} s${k.sh},${k.sw} p${k.pt},${k.pb},${k.pl},${k.pr} d${k.dh},${k.dw} g${k.groups}${k.bias ? ' bias' : ''}${k.exact ? ' exact' : ''}`;
}

const pick = <T>(r: Rng, a: readonly T[]): T => a[r.int(0, a.length - 1)];

/** A seeded sample of the T2 grid: every option appears; `count` cases. Invalid ones are kept (they must throw). */
export function convCases(count: number, seed: number): ConvCase[] {
  const r = new Rng(seed);
  const out: ConvCase[] = [];
  while (out.length < count) {
    const h = pick(r, [1, 2, 5, 7, 8, 9, 16, 17]);
    const w = r.next() < 0.2 ? 16 : pick(r, [1, 2, 5, 7, 8, 9, 16, 17]);
    const kernel = pick(r, ['1x1', '2x2', '3x3', '5x5', '1x3', '3x1', 'full'] as const);
    const [kh, kw] = kernel === 'full' ? [h, w] : kernel.split('x').map(Number);
    const sh = pick(r, [1, 2, 3]), sw = r.next() < 0.7 ? sh : pick(r, [1, 2, 3]);
    const dh = kernel === 'full' ? 1 : pick(r, [1, 1, 2]), dw = kernel === 'full' ? 1 : pick(r, [1, 1, 2]);
    const pad = pick(r, [0, 1, 2, 'same'] as const);
    const [pt, pb] = pad === 'same' ? samePadding(h, kh, sh, dh) : [pad, pad];
    const [pl, pr] = pad === 'same' ? samePadding(w, kw, sw, dw) : [pad, pad];
    const c = pick(r, [1, 3, 8, 17, 32]);  // ≥ 16 per group reaches the shifted driver
    const depthwise = r.next() < 0.25;
    const groups = depthwise ? c : 1;
    const oc = depthwise ? c * pick(r, [1, 2]) : pick(r, [1, 8, 17, 40]);
    out.push({ n: pick(r, [0, 1, 3]), c, h, w, oc, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups, bias: r.next() < 0.5, exact: r.next() < 0.5 });
  }
  return out;
}

/**
 * Cases for the small-reduction path (K = C/groups·KH·KW ≤ 160): widths 1..40 across the vector widths (4, 8,
 * 16) and their tiles, output-channel counts across every register-panel split, batches across the 8 dW/db
 * chunks, strides, padding (asymmetric too), dilation and depthwise groups; plus K = 196 (the general path).
 */
export function smallConvCases(count: number, seed: number): ConvCase[] {
  const r = new Rng(seed);
  const out: ConvCase[] = [];
  while (out.length < count) {
    const c = pick(r, [1, 1, 1, 2, 3, 4, 6]);
    const kernels: [number, number][] = c === 1 ? [[3, 3], [5, 5], [1, 3], [3, 1], [2, 2], [1, 5], [6, 6], [4, 8]] : c === 2 ? [[3, 3], [4, 4], [1, 3], [5, 3]] : c === 3 ? [[3, 3], [2, 2], [1, 3], [7, 7]] : [[3, 3], [2, 2], [5, 5], [7, 7]];
    const [kh, kw] = pick(r, kernels);
    const w = r.next() < 0.5 ? r.int(1, 40) : pick(r, [4, 7, 8, 9, 15, 16, 17, 28, 31, 32, 33]);
    const h = r.int(1, 9);
    const sh = pick(r, [1, 1, 1, 2, 3]), sw = r.next() < 0.8 ? sh : pick(r, [1, 2]);
    const dh = pick(r, [1, 1, 2]), dw = pick(r, [1, 1, 2]);
    const pad = pick(r, [0, 1, 2, 'same', 'asym'] as const);
    const [pt, pb] = pad === 'same' ? samePadding(h, kh, sh, dh) : pad === 'asym' ? [r.int(0, 2), r.int(0, 2)] : [pad, pad];
    const [pl, pr] = pad === 'same' ? samePadding(w, kw, sw, dw) : pad === 'asym' ? [r.int(0, 3), r.int(0, 3)] : [pad, pad];
    const groups = c > 1 && r.next() < 0.3 ? c : 1;
    const oc = groups * (r.next() < 0.5 ? r.int(1, 13) : pick(r, [16, 17, 24, 25, 64]));
    out.push({ n: pick(r, [0, 1, 2, 3, 9]), c, h, w, oc, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups, bias: r.next() < 0.5, exact: r.next() < 0.5 });
  }
  return out;
}

const dwcBase: ConvCase = { n: 3, c: 6, h: 14, w: 14, oc: 16, kh: 5, kw: 5, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1, bias: true, exact: false };

/**
 * Cases for the small path's forward and dW with the output channels in the vector lanes, for a vector
 * width V: V·3/4 − 1 .. 4·V + 1 output channels per group, K around 4·V, output widths on both sides of the
 * forward's bound on padded columns, items on both sides of its two per thread.
 */
export function dwcCases(v: number): ConvCase[] {
  const ocs = [Math.ceil((3 * v) / 4) - 1, Math.ceil((3 * v) / 4), v - 1, v, v + 1, 2 * v, 3 * v - 1, 4 * v, 4 * v + 1];
  const out: ConvCase[] = [];
  for (const oc of ocs) {
    out.push({ ...dwcBase, oc }, { ...dwcBase, oc, exact: true });
  }
  // K = c·kh·kw = 4·V (c = V/4, 4×4) at widths across the pixel unroll, and K = 4·V − 1 (1×(4·V − 1)).
  for (const w of [1, 3, 4, 5, 7, 9, 17]) out.push({ ...dwcBase, c: v / 4, kh: 4, kw: 4, h: 6, w: w + 3, oc: v, n: 2 });
  const k1 = { ...dwcBase, c: 1, kh: 1, kw: 4 * v - 1, h: 3, w: 4 * v + 2, oc: v };
  out.push(k1, { ...k1, exact: true });
  // Geometry: padding (asymmetric), stride_h, dilation, groups, a batch over every chunk, one item.
  out.push(
    { ...dwcBase, pt: 2, pb: 1, pl: 2, pr: 0, oc: v },
    { ...dwcBase, sh: 2, oc: v, exact: true },
    { ...dwcBase, sh: 3, dh: 2, dw: 2, pt: 1, pb: 1, pl: 3, pr: 1, oc: 2 * v },
    { ...dwcBase, c: 12, groups: 2, oc: 2 * v },
    { ...dwcBase, c: 12, groups: 2, oc: 2 * v, exact: true },
    { ...dwcBase, n: 11, oc: v, bias: false },
    { ...dwcBase, n: 9, oc: 2 * v, w: 12, pl: 1, pr: 0, exact: true },
    { ...dwcBase, n: 9, oc: 4 * v, h: 7, w: 8, dw: 2, pl: 3, pr: 3 },
    // Output rows past the forward's register tile (24 pixels over the channel vectors): the last tile short.
    { ...dwcBase, n: 9, h: 7, w: 29, oc: v },
    { ...dwcBase, h: 6, w: 53, oc: v, exact: true },
    { ...dwcBase, n: 9, h: 6, w: 11, oc: 4 * v },
    { ...dwcBase, n: 1, oc: v, h: 5, w: 5, pt: 2, pb: 2, pl: 2, pr: 2 },
    { ...dwcBase, n: 0, oc: v },
  );
  return out;
}

interface Outputs { y: FloatArray; dx: FloatArray; dw: FloatArray; db: FloatArray; one: [FloatArray, FloatArray, FloatArray] }

function run(k: Kernels, c: ConvCase, make: (a: Float32Array) => FloatArray, x: Float32Array, wt: Float32Array, b: Float32Array, dy: Float32Array): Outputs {
  const g = geom(c);
  const s = conv2dGeometry('test', ...g);
  const alloc = (n: number) => make(new Float32Array(n));
  const o = { y: alloc(s.yLength), dx: alloc(s.xLength), dw: alloc(s.weightLength), db: alloc(c.oc) };
  k.conv2dForward(...g, make(x), make(wt), c.bias ? make(b) : null, o.y);
  k.conv2dBackwardData(...g, make(dy), make(wt), o.dx);
  k.conv2dBackwardWeight(...g, make(x), make(dy), o.dw);
  k.conv2dBackwardBias(c.n, c.oc, s.oh * s.ow, make(dy), o.db);
  // The one-call backward (native: one pass over dy for small channel counts) must give the same bits.
  const one: Outputs['one'] = [alloc(s.xLength), alloc(s.weightLength), alloc(c.oc)];
  k.conv2dBackward(...g, make(x), make(dy), make(wt), ...one);
  return { ...o, one };
}

function bitwiseMismatch(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(Math.fround(a[i]), Math.fround(b[i]))) return `element ${i}: ${a[i]} != ${b[i]}`;
  }
  return a.length === b.length ? null : `length ${a.length} != ${b.length}`;
}

/** FNV-1a over the float32 bits of every native output checked so far (thread-count determinism). */
export const digest = {
  h: 0x811c9dc5,
  add(a: ArrayLike<number>): void {
    const bits = new Uint32Array(Float32Array.from(a).buffer);
    for (let i = 0; i < bits.length; i++) this.h = Math.imul(this.h ^ bits[i], 0x01000193) >>> 0;
  },
};

/** Runs one case; null when it passes, else a description of the first failure. */
export function checkConvCase(c: ConvCase, seed: number): string | null {
  const g = geom(c);
  let s;
  try {
    s = conv2dGeometry('test', ...g);
  } catch {
    // Invalid geometry: both backends must refuse it with a RangeError.
    for (const k of [nativeKernels!, jsKernels]) {
      const z = new Float32Array(1);
      try {
        k.conv2dForward(...g, z, z, null, z);
        return `${k.name}: expected a RangeError for invalid geometry`;
      } catch (e) {
        if (!(e instanceof RangeError) || !/^nodegrad\.conv2dForward: expected/.test(e.message)) return `${k.name}: wrong error ${String(e)}`;
      }
    }
    return null;
  }
  const r = new Rng(seed);
  const gen = (n: number) => (c.exact ? r.ints(n) : r.f32(n));
  const x = gen(s.xLength), wt = gen(s.weightLength), b = gen(c.oc), dy = gen(s.yLength);
  const one = run(nativeKernels!, c, (a) => a, x, wt, b, dy);
  const ref = run(jsKernels, c, toF64, x, wt, b, dy);
  const names = ['y', 'dx', 'dw', 'db'] as const;
  for (const name of names) digest.add(one[name]);
  for (const [i, name] of (['dx', 'dw', 'db'] as const).entries()) {
    const m = bitwiseMismatch(one.one[i], one[name]);
    if (m) return `conv2dBackward ${name} differs from the separate kernel: ${m}`;
  }
  if (c.exact) {
    for (const name of names) {
      const m = bitwiseMismatch(one[name], ref[name]);
      if (m) return `${name} (exact mode) ${m}`;
    }
    return null;
  }
  // G: the same computation on absolute values, in float64; k: each output's reduction length.
  const abs = (a: Float32Array) => Float32Array.from(a, Math.abs);
  const G = run(jsKernels, c, toF64, abs(x), abs(wt), abs(b), abs(dy));
  const k = { y: (c.c / c.groups) * c.kh * c.kw + 1, dx: (c.oc / c.groups) * c.kh * c.kw, dw: c.n * s.oh * s.ow, db: c.n * s.oh * s.ow };
  for (const name of names) {
    const m = closeMismatch(one[name], ref[name], (i) => (k[name] + 2) * EPS32 * G[name][i] + 1e-30);
    if (m) return `${name}: ${m}`;
  }
  return null;
}

/** Runs `count` grid cases (+ the fixed ones) and returns failures as strings; resets the digest first. */
export function runConvGrid(count: number, seed: number, extra: ConvCase[] = []): string[] {
  digest.h = 0x811c9dc5;
  const failures: string[] = [];
  const cases = [...extra, ...convCases(count, seed), ...smallConvCases(Math.ceil(count / 2), seed + 1)];
  cases.forEach((c, i) => {
    const m = checkConvCase(c, seed + i);
    if (m) failures.push(`${describeCase(c)}: ${m}`);
  });
  return failures;
}
