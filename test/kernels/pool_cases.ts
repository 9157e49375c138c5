/**
 * The pooling case grid (TESTING.md T3) and its checker, shared by pool.test.ts and the child processes that
 * rerun it under every forced ISA. Max pooling (values and indices, forward and backward) must be bitwise
 * equal to the JS twin; average pooling within (k + 2)·eps32·G. Native outputs feed the conv cases' digest
 * so child processes with different thread counts can be compared bitwise.
 */
import { jsKernels, nativeKernels } from '../../lib/backend/index.js';
import { digest } from './conv_cases.js';
import type { FloatArray, Kernels } from '../../lib/backend/index.js';
import { pool2dGeometry } from '../../lib/backend/js/pool.js';
import { closeMismatch, EPS32 } from '../helpers/close.js';
import { Rng, toF64 } from '../helpers/rng.js';

export interface PoolCase {
  n: number; c: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number;
  pt: number; pb: number; pl: number; pr: number; dh: number; dw: number; ceil: boolean; includePad: boolean;
}

type MaxGeometry = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, boolean];
type AvgGeometry = [number, number, number, number, number, number, number, number, number, number, number, number, boolean, boolean];

export const maxGeom = (p: PoolCase): MaxGeometry => [p.n, p.c, p.h, p.w, p.kh, p.kw, p.sh, p.sw, p.pt, p.pb, p.pl, p.pr, p.dh, p.dw, p.ceil];
export const avgGeom = (p: PoolCase): AvgGeometry => [p.n, p.c, p.h, p.w, p.kh, p.kw, p.sh, p.sw, p.pt, p.pb, p.pl, p.pr, p.ceil, p.includePad];

export function describePool(p: PoolCase): string {
  return `n${p.n} c${p.c} ${p.h}x${p.w} k${p.kh}x${p.kw} s${p.sh},${p.sw} p${p.pt},${p.pb},${p.pl},${p.pr} d${p.dh},${p.dw}${p.ceil ? ' ceil' : ''}${p.includePad ? ' incl' : ''}`;
}

const pick = <T>(r: Rng, a: readonly T[]): T => a[r.int(0, a.length - 1)];

export function poolCases(count: number, seed: number): PoolCase[] {
  const r = new Rng(seed);
  const sizes = [1, 7, 8, 9, 15, 16, 17, 31, 33];
  const out: PoolCase[] = [];
  while (out.length < count) {
    const kh = pick(r, [1, 2, 3]), kw = r.next() < 0.8 ? kh : pick(r, [1, 2, 3]);
    const sh = pick(r, [1, 2, kh]), sw = pick(r, [1, 2, kw]);
    const pad = pick(r, [0, 1]);
    const asym = r.next() < 0.2;
    out.push({
      n: pick(r, [0, 1, 2]), c: pick(r, sizes), h: pick(r, [1, 2, 5, 7, 8, 9]), w: pick(r, sizes), kh, kw, sh, sw,
      pt: pad, pb: asym ? 0 : pad, pl: pad, pr: asym ? 1 : pad, dh: pick(r, [1, 1, 2]), dw: pick(r, [1, 1, 2]),
      ceil: r.next() < 0.5, includePad: r.next() < 0.5,
    });
  }
  return out;
}

function bitwiseMismatch(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(Math.fround(a[i]), Math.fround(b[i]))) return `element ${i}: ${a[i]} != ${b[i]}`;
  return null;
}

interface MaxOut { y: FloatArray; idx: Int32Array; dx: FloatArray }

function runMax(k: Kernels, p: PoolCase, make: (a: Float32Array) => FloatArray, x: Float32Array, dy: Float32Array): MaxOut {
  const s = pool2dGeometry('test', true, ...maxGeom(p));
  const o = { y: make(new Float32Array(s.yLength)), idx: new Int32Array(s.yLength), dx: make(new Float32Array(s.xLength)) };
  k.maxPool2dForward(...maxGeom(p), make(x), o.y, o.idx);
  k.maxPool2dBackward(...maxGeom(p), make(dy), o.idx, o.dx);
  return o;
}

/** Max pooling on a given input, native (1 and 2 threads) vs the twin: everything bitwise. */
export function checkMax(p: PoolCase, x: Float32Array, dy: Float32Array): string | null {
  const one = runMax(nativeKernels!, p, (a) => a, x, dy);
  const ref = runMax(jsKernels, p, toF64, x, dy);
  for (const name of ['y', 'idx', 'dx'] as const) {
    digest.add(one[name]);
    const m = bitwiseMismatch(one[name], ref[name]);
    if (m) return `max ${name}: ${m}`;
  }
  return null;
}

function runAvg(k: Kernels, p: PoolCase, make: (a: Float32Array) => FloatArray, x: Float32Array, dy: Float32Array): { y: FloatArray; dx: FloatArray } {
  const s = pool2dGeometry('test', false, ...avgGeom(p).slice(0, 13));
  const o = { y: make(new Float32Array(s.yLength)), dx: make(new Float32Array(s.xLength)) };
  k.avgPool2dForward(...avgGeom(p), make(x), o.y);
  k.avgPool2dBackward(...avgGeom(p), make(dy), o.dx);
  return o;
}

export function checkAvg(p: PoolCase, x: Float32Array, dy: Float32Array): string | null {
  const one = runAvg(nativeKernels!, p, (a) => a, x, dy);
  const ref = runAvg(jsKernels, p, toF64, x, dy);
  const abs = (a: Float32Array) => Float32Array.from(a, Math.abs);
  const G = runAvg(jsKernels, p, toF64, abs(x), abs(dy));
  const k = p.kh * p.kw;
  for (const name of ['y', 'dx'] as const) {
    digest.add(one[name]);
    const m = closeMismatch(one[name], ref[name], (i) => (k + 2) * EPS32 * G[name][i] + 1e-30);
    if (m) return `avg ${name}: ${m}`;
  }
  return null;
}

/**
 * Max-pool backward, native vs the twin bitwise, with the forward's indices changed by `edit` into ones the
 * fast paths must hand to the general scatter.
 */
function checkEditedIndices(p: PoolCase, x: Float32Array, dy: Float32Array, edit: (idx: Int32Array) => void): string | null {
  const idx = new Int32Array(dy.length), y = new Float32Array(dy.length);
  nativeKernels!.maxPool2dForward(...maxGeom(p), x, y, idx);
  edit(idx);
  const dx = new Float32Array(x.length), ref = new Float64Array(x.length);
  nativeKernels!.maxPool2dBackward(...maxGeom(p), dy, idx, dx);
  jsKernels.maxPool2dBackward(...maxGeom(p), toF64(dy), idx, ref);
  digest.add(dx);
  const b = bitwiseMismatch(dx, ref);
  return b ? `${describePool(p)} edited indices: max dx: ${b}` : null;
}

/** One grid case: max (random and exact dy) and average pooling; invalid geometry must throw RangeError. */
export function checkPoolCase(p: PoolCase, seed: number): string | null {
  const r = new Rng(seed);
  let sMax;
  try {
    sMax = pool2dGeometry('test', true, ...maxGeom(p));
  } catch {
    const z = new Float32Array(1);
    for (const k of [nativeKernels!, jsKernels]) {
      try {
        k.maxPool2dForward(...maxGeom(p), z, z, new Int32Array(1));
        return `${k.name}: expected a RangeError`;
      } catch (e) {
        if (!(e instanceof RangeError) || !/^nodegrad\.maxPool2dForward: expected/.test(e.message)) return `${k.name}: wrong error ${String(e)}`;
      }
    }
    return null;
  }
  // dy in small integers so overlapping windows' scatter-adds are exact in float32 too.
  const m = checkMax(p, r.f32(sMax.xLength), r.ints(sMax.yLength));
  if (m) return m;
  const avg = { ...p, dh: 1, dw: 1 };
  let sAvg;
  try {
    sAvg = pool2dGeometry('test', false, ...avgGeom(avg).slice(0, 13));
  } catch {
    return null;
  }
  return checkAvg(avg, r.f32(sAvg.xLength), r.f32(sAvg.yLength));
}

/** Runs `count` grid cases; failures as strings. Resets the digest first. */
export function runPoolGrid(count: number, seed: number): string[] {
  digest.h = 0x811c9dc5;
  const failures: string[] = [];
  poolCases(count, seed).forEach((p, i) => {
    const m = checkPoolCase(p, seed + i);
    if (m) failures.push(`${describePool(p)}: ${m}`);
  });
  return failures;
}

/**
 * Special values for max pooling at every input position of a plane wide enough for two vectors plus a
 * tail: one NaN at each position (so at every window position and every SIMD lane), ±Inf and −FLT_MAX.
 */
export function runMaxSpecials(p: PoolCase, seed: number): string[] {
  const r = new Rng(seed);
  const s = pool2dGeometry('test', true, ...maxGeom(p));
  const failures: string[] = [];
  const dy = r.ints(s.yLength);
  const baseX = r.f32(s.xLength);
  for (const special of [NaN, Infinity, -Infinity, -3.4028234663852886e38]) {
    for (let i = 0; i < s.xLength; i++) {
      const x = baseX.slice();
      x[i] = special;
      const m = checkMax(p, x, dy);
      if (m) failures.push(`${describePool(p)} x[${i}] = ${special}: ${m}`);
      if (failures.length > 5) return failures;
    }
  }
  return failures;
}

/**
 * Max pooling with rows shared between vertically overlapping windows (each input row reduced once, then the
 * rows merged): 3×3/2 pad 1 (the ResNet stem's, and ceil mode on 14×14 with its one-column last window), 3×3/1,
 * 2×3/1, 4×4/2 pad 2, 3×2/3 (no shared rows), 1×3, on random and tie-heavy small-integer inputs.
 */
export function runSeparableMax(seed: number): string[] {
  const r = new Rng(seed);
  const failures: string[] = [];
  const b: PoolCase = { n: 1, c: 2, h: 14, w: 14, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, ceil: true, includePad: true };
  for (const p of [
    b, { ...b, ceil: false }, { ...b, h: 23, w: 40 }, { ...b, h: 9, w: 112, ceil: false },
    { ...b, h: 11, w: 21, sh: 1, sw: 1 }, { ...b, h: 10, w: 19, kh: 2, sh: 1, sw: 1, pt: 0, pb: 0 },
    { ...b, h: 13, w: 35, kh: 4, kw: 4, pt: 2, pb: 2, pl: 2, pr: 2 }, { ...b, h: 12, w: 30, kw: 2, sh: 3, pl: 0, pr: 0 },
    { ...b, h: 7, w: 17, kh: 1, sh: 1, pt: 0, pb: 0 },
  ]) {
    const s = pool2dGeometry('test', true, ...maxGeom(p));
    for (const x of [r.f32(s.xLength), r.ints(s.xLength, -1, 1)]) {
      const m = checkMax(p, x, r.ints(s.yLength));
      if (m) failures.push(`${describePool(p)}: ${m}`);
    }
  }
  return failures;
}

/**
 * 2×2 stride 2 on planes of even size, rows of 1 to 33 outputs (every SIMD width's full, overlapped and
 * masked rows): the in-register even/odd split forward and the one-pass backward tiles, with dy holding −0
 * and, in a second backward, indices the tiles must hand to the general scatter (−1, and one outside its
 * window).
 */
export function runPool2x2Tiles(seed: number): string[] {
  const failures: string[] = [];
  for (const w of [2, 6, 14, 16, 20, 28, 30, 32, 34, 62, 66]) {
    for (const h of [2, 6]) {
      const r = new Rng(seed + w * 16 + h);
      const p: PoolCase = { n: 2, c: 2, h, w, kh: 2, kw: 2, sh: 2, sw: 2, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, ceil: false, includePad: true };
      const s = pool2dGeometry('test', true, ...maxGeom(p));
      const x = r.f32(s.xLength), dy = r.f32(s.yLength);
      for (let i = 0; i < dy.length; i += 5) dy[i] = -0;
      const m = checkMax(p, x, dy) ?? checkAvg(p, x, dy);
      if (m) failures.push(`${describePool(p)}: ${m}`);
      const m2 = checkEditedIndices(p, x, dy, (idx) => {
        idx[s.yLength >> 2] = -1;
        idx[s.yLength - 1] = 0;
      });
      if (m2) failures.push(m2);
    }
  }
  return failures;
}

/**
 * Adaptive average pooling, native vs the twin: global pooling over planes of 1-196 elements (straddling every
 * vector width and the two-accumulator step), windows that tile the plane (run as average pooling) and
 * uneven ones; forward and backward within (k + 2)·eps32·G for random inputs, bitwise for small integers (the
 * backward only where windows do not overlap).
 */
export function runAdaptive(seed: number): string[] {
  const r = new Rng(seed);
  const shapes = [[1, 1, 1, 1], [1, 3, 1, 1], [2, 2, 1, 1], [1, 7, 1, 1], [3, 5, 1, 1], [4, 4, 1, 1], [1, 17, 1, 1], [31, 1, 1, 1],
    [4, 8, 1, 1], [3, 11, 1, 1], [1, 33, 1, 1], [5, 13, 1, 1], [7, 7, 1, 1], [14, 14, 1, 1],
    [14, 14, 7, 7], [28, 28, 14, 14], [12, 9, 4, 3], [6, 10, 3, 5], [8, 40, 2, 4],
    [7, 9, 3, 4], [5, 5, 7, 7], [16, 17, 5, 3], [7, 9, 1, 2]];
  const failures: string[] = [];
  for (const [h, w, oh, ow] of shapes) {
    const n = 2, c = 3, X = n * c * h * w, Y = n * c * oh * ow;
    const k = Math.ceil(h / oh + 1) * Math.ceil(w / ow + 1);
    for (const exact of [false, true]) {
      const x = exact ? r.ints(X) : r.f32(X), dy = exact ? r.ints(Y) : r.f32(Y);
      const y = new Float32Array(Y), dx = new Float32Array(X);
      nativeKernels!.adaptiveAvgPool2dForward(n, c, h, w, oh, ow, x, y);
      nativeKernels!.adaptiveAvgPool2dBackward(n, c, h, w, oh, ow, dy, dx);
      digest.add(y);
      digest.add(dx);
      const ry = new Float64Array(Y), rdx = new Float64Array(X), gy = new Float64Array(Y), gdx = new Float64Array(X);
      jsKernels.adaptiveAvgPool2dForward(n, c, h, w, oh, ow, toF64(x), ry);
      jsKernels.adaptiveAvgPool2dBackward(n, c, h, w, oh, ow, toF64(dy), rdx);
      jsKernels.adaptiveAvgPool2dForward(n, c, h, w, oh, ow, toF64(x).map(Math.abs), gy);
      jsKernels.adaptiveAvgPool2dBackward(n, c, h, w, oh, ow, toF64(dy).map(Math.abs), gdx);
      const what = `adaptive ${h}x${w}->${oh}x${ow}${exact ? ' exact' : ''}`;
      const my = exact ? bitwiseMismatch(y, ry) : closeMismatch(y, ry, (i) => (k + 2) * EPS32 * gy[i] + 1e-30);
      // dx is one rounded quotient per element where windows do not overlap; where they do, a sum of them.
      const tiled = h % oh === 0 && w % ow === 0;
      const mdx = exact && tiled ? bitwiseMismatch(dx, rdx) : closeMismatch(dx, rdx, (i) => (k + 2) * EPS32 * gdx[i] + 1e-30);
      if (my) failures.push(`${what} y: ${my}`);
      if (mdx) failures.push(`${what} dx: ${mdx}`);
    }
  }
  return failures;
}

/**
 * Max-pool backward with indices the fast paths must hand to the scatter: −1, an index outside its window (the
 * plane's first element for its last window), and the element just before a row (the left padding column's
 * address in the flat plane); overlapping, padded, strided and dilated windows, rows of 5-33 windows.
 */
export function runEditedIndices(seed: number): string[] {
  const failures: string[] = [];
  const r = new Rng(seed);
  const shapes: PoolCase[] = [];
  for (const w of [9, 17, 33, 66]) {
    const b: PoolCase = { n: 1, c: 3, h: 7, w, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, ceil: false, includePad: true };
    shapes.push(b, { ...b, sh: 1, sw: 1 }, { ...b, dh: 2, dw: 2, ceil: true });
  }
  for (const p of shapes) {
    const s = pool2dGeometry('test', true, ...maxGeom(p));
    const x = r.f32(s.xLength), dy = r.ints(s.yLength);
    const plane = s.oh * s.ow, k = 2 * plane + s.ow + 1;
    const m = checkEditedIndices(p, x, dy, (idx) => {
      idx[plane + 3] = -1;
      idx[plane - 1] = 0;
      idx[k] = Math.max(0, idx[k] - (idx[k] % p.w) - 1);
    });
    if (m) failures.push(m);
  }
  return failures;
}
