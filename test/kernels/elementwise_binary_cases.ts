/**
 * Native `binary` / `binaryBackward` / `where` / `stridedCopy` against the JS twin run in float64: operand
 * layouts (dense, offset, broadcast rows/columns/scalars, transposed), row lengths straddling every SIMD
 * width, NaN/±Inf/±0 and ties. The exact ops must be bitwise what the twin stores; ops whose formula calls
 * a transcendental function (pow, bce, bce-with-logits) may differ by 1 ulp (libm vs V8's last bit).
 */
import { BinaryOp } from '../../lib/backend/kernels/elementwise.js';
import type { Kernels } from '../../lib/backend/index.js';
import { Rng } from '../helpers/rng.js';
import { fingerprint, mismatch } from './elementwise_unary_cases.js';

export interface BinaryCase {
  name: string;
  op: number;
  alpha: number;
  /** 'exact' or 1 ulp. */
  tol: 'exact' | 'ulp1';
  /** Draws one value of operand 0 (a) or 1 (b). */
  draw(r: Rng, which: 0 | 1): number;
}

const B = BinaryOp;
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 3.4028234663852886e38, 1e-45];

/** Mostly uniform on [lo, hi], some small integers (ties, ±0) and specials. */
function mixed(lo: number, hi: number) {
  return (r: Rng): number => {
    const u = r.next();
    if (u < 0.04) return SPECIAL[r.int(0, SPECIAL.length - 1)] * (r.next() < 0.5 ? -1 : 1);
    if (u < 0.3) return r.int(-3, 3) || (r.next() < 0.5 ? -0 : 0);
    return r.uniform(lo, hi);
  };
}
const std = mixed(-10, 10);

export const BINARY_CASES: BinaryCase[] = [
  { name: 'add', op: B.ADD, alpha: 1, tol: 'exact', draw: std },
  { name: 'add alpha=-1', op: B.ADD, alpha: -1, tol: 'exact', draw: std },
  { name: 'add alpha=0.3', op: B.ADD, alpha: 0.3, tol: 'exact', draw: std },
  { name: 'sub', op: B.SUB, alpha: 1, tol: 'exact', draw: std },
  { name: 'mul', op: B.MUL, alpha: 1, tol: 'exact', draw: std },
  { name: 'div', op: B.DIV, alpha: 1, tol: 'exact', draw: std },
  { name: 'pow', op: B.POW, alpha: 1, tol: 'ulp1', draw: (r, w) => (w === 0 ? mixed(0, 4)(r) : mixed(-3, 3)(r)) },
  { name: 'maximum', op: B.MAXIMUM, alpha: 0, tol: 'exact', draw: std },
  { name: 'minimum', op: B.MINIMUM, alpha: 0, tol: 'exact', draw: std },
  { name: 'eq', op: B.EQ, alpha: 0, tol: 'exact', draw: std },
  { name: 'ne', op: B.NE, alpha: 0, tol: 'exact', draw: std },
  { name: 'lt', op: B.LT, alpha: 0, tol: 'exact', draw: std },
  { name: 'le', op: B.LE, alpha: 0, tol: 'exact', draw: std },
  { name: 'gt', op: B.GT, alpha: 0, tol: 'exact', draw: std },
  { name: 'ge', op: B.GE, alpha: 0, tol: 'exact', draw: std },
  { name: 'smoothL1', op: B.SMOOTH_L1, alpha: 0.5, tol: 'exact', draw: std },
  { name: 'smoothL1 beta=0', op: B.SMOOTH_L1, alpha: 0, tol: 'exact', draw: std },
  { name: 'huber', op: B.HUBER, alpha: 1.5, tol: 'exact', draw: std },
  { name: 'bce', op: B.BCE, alpha: 0, tol: 'ulp1', draw: (r, w) => (r.next() < 0.05 ? r.int(0, 1) : w === 0 ? r.uniform(0, 1) : r.uniform(0, 1)) },
  { name: 'bceWithLogits', op: B.BCE_LOGITS, alpha: 0, tol: 'ulp1', draw: (r, w) => (w === 0 ? mixed(-30, 30)(r) : r.uniform(0, 1)) },
];

/** One operand: storage, offset and strides over the kernel's shape. */
interface Operand { data: Float32Array; offset: number; strides: number[] }

export type Layout = 'dense' | 'offset' | 'bcastRow' | 'bcastCol' | 'scalar' | 'transposed' | 'random';
export const LAYOUTS: Layout[] = ['dense', 'offset', 'bcastRow', 'bcastCol', 'scalar', 'transposed', 'random'];

function denseStrides(shape: number[]): number[] {
  const s = shape.map(() => 0);
  for (let d = shape.length - 1, acc = 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** An operand laid out as `layout` over `shape`, its elements drawn by draw(). */
export function operand(shape: number[], layout: Layout, r: Rng, draw: (r: Rng) => number): Operand {
  const rank = shape.length;
  let strides = denseStrides(shape);
  let offset = 0;
  if (layout === 'offset') offset = 5;
  if (layout === 'bcastRow' && rank > 0) strides = denseStrides([1, ...shape.slice(1)]).map((s, d) => (d === 0 ? 0 : s));
  if (layout === 'bcastCol' && rank > 0) strides = denseStrides([...shape.slice(0, -1), 1]).map((s, d) => (d === rank - 1 ? 0 : s));
  if (layout === 'scalar') strides = strides.map(() => 0);
  if (layout === 'transposed' && rank >= 2) {
    const t = denseStrides([...shape].reverse()).reverse();
    strides = t;
  }
  if (layout === 'random') {
    // Each dim: broadcast, or a gap of 1-2 elements between consecutive entries.
    let acc = 1;
    strides = shape.map(() => 0);
    for (let d = rank - 1; d >= 0; d--) {
      if (r.next() < 0.3) continue;
      strides[d] = acc * r.int(1, 2);
      acc = strides[d] * shape[d];
    }
    offset = r.int(0, 3);
  }
  let extent = offset + 1;
  for (let d = 0; d < rank; d++) extent += Math.max(0, shape[d] - 1) * strides[d];
  const data = new Float32Array(extent + 2);
  for (let i = 0; i < data.length; i++) data[i] = draw(r);
  return { data, offset, strides };
}

function label(shape: number[], la: Layout, lb: Layout): string {
  return `[${shape.join(', ')}] ${la}/${lb}`;
}

/** Forward on both backends; the native output is returned with the failures. */
export function compareBinary(native: Kernels, js: Kernels, c: BinaryCase, shape: number[], la: Layout, lb: Layout, r: Rng): string[] {
  const a = operand(shape, la, r, (q) => c.draw(q, 0));
  const b = operand(shape, lb, r, (q) => c.draw(q, 1));
  const n = shape.reduce((p, s) => p * s, 1);
  const out = new Float32Array(n).fill(NaN), ref = new Float64Array(n);
  native.binary(c.op, shape, a.data, a.offset, a.strides, b.data, b.offset, b.strides, out, c.alpha);
  js.binary(c.op, shape, Float64Array.from(a.data), a.offset, a.strides, Float64Array.from(b.data), b.offset, b.strides, ref, c.alpha);
  const e = mismatch(c.tol === 'exact' ? { kind: 'exact' } : { kind: 'ulp', k: 1 }, out, ref);
  return e ? [`${c.name} ${label(shape, la, lb)}: ${e}`] : [];
}

/** Backward on dense operands of n elements, with ga and/or gb requested. */
export function compareBinaryBackward(native: Kernels, js: Kernels, c: BinaryCase, n: number, r: Rng, which: 'both' | 'a' | 'b'): string[] {
  const a = Float32Array.from({ length: n }, () => c.draw(r, 0));
  const b = Float32Array.from({ length: n }, () => c.draw(r, 1));
  const out = new Float32Array(n);
  native.binary(c.op, [n], a, 0, [1], b, 0, [1], out, c.alpha);
  const gy = Float32Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 1 : r.uniform(-2, 2)));
  const ga = which !== 'b' ? new Float32Array(n).fill(NaN) : null, gb = which !== 'a' ? new Float32Array(n).fill(NaN) : null;
  native.binaryBackward(c.op, n, a, b, out, gy, ga, gb, c.alpha);
  const ga64 = new Float64Array(n), gb64 = new Float64Array(n);
  const f = Float64Array.from.bind(Float64Array);
  js.binaryBackward(c.op, n, f(a), f(b), f(out), f(gy), ga64, gb64, c.alpha);
  const bound = c.tol === 'exact' ? { kind: 'exact' as const } : { kind: 'ulp' as const, k: 1 };
  const errors: string[] = [];
  const ea = ga && mismatch(bound, ga, ga64);
  const eb = gb && mismatch(bound, gb, gb64);
  if (ea) errors.push(`${c.name} backward ga n=${n} (${which}): ${ea}`);
  if (eb) errors.push(`${c.name} backward gb n=${n} (${which}): ${eb}`);
  return errors;
}

export const SHAPES: number[][] = [
  [], [0], [1], [0, 3], [3, 0],
  ...Array.from({ length: 34 }, (_, i) => [i + 1]),
  ...[1, 7, 8, 9, 15, 16, 17, 31, 33].map((n) => [3, n]),
  [1, 33], [5, 100], [17, 1], [40, 70], [2, 3, 5], [4, 1, 9], [2, 2, 3, 17],
];

/** where and stridedCopy: data movement, so bitwise equal to the twin, over the same layouts. */
export function compareMoves(native: Kernels, js: Kernels, shape: number[], la: Layout, lb: Layout, r: Rng): string[] {
  const errors: string[] = [];
  const n = shape.reduce((p, s) => p * s, 1);
  const c = operand(shape, la, r, (q) => (q.next() < 0.1 ? NaN : q.next() < 0.5 ? (q.next() < 0.5 ? -0 : 0) : q.int(-2, 2)));
  const a = operand(shape, lb, r, std);
  const b = operand(shape, la === 'dense' ? 'bcastRow' : 'dense', r, std);
  const out = new Float32Array(n), ref = new Float64Array(n);
  native.where(shape, c.data, c.offset, c.strides, a.data, a.offset, a.strides, b.data, b.offset, b.strides, out);
  const f = Float64Array.from.bind(Float64Array);
  js.where(shape, f(c.data), c.offset, c.strides, f(a.data), a.offset, a.strides, f(b.data), b.offset, b.strides, ref);
  const ew = mismatch({ kind: 'exact' }, out, ref);
  if (ew) errors.push(`where ${label(shape, la, lb)}: ${ew}`);
  // Copy x (layout la) into out (layout lb unless that broadcasts: out strides must be injective).
  const x = operand(shape, la, r, std);
  const ol: Layout = lb === 'transposed' || lb === 'offset' ? lb : 'dense';
  const o = operand(shape, ol, r, () => 7);
  const o64 = Float64Array.from(o.data);
  native.stridedCopy(shape, x.data, x.offset, x.strides, o.data, o.offset, o.strides);
  js.stridedCopy(shape, f(x.data), x.offset, x.strides, o64, o.offset, o.strides);
  const ec = mismatch({ kind: 'exact' }, o.data, o64);
  if (ec) errors.push(`stridedCopy ${label(shape, la, ol)}: ${ec}`);
  return errors;
}

/**
 * For a child process: mid-size shapes vs the twin, and fingerprints of native outputs at sizes where the
 * pool engages (one long row, many broadcast rows, transposed rows).
 */
export function isaReport(native: Kernels, js: Kernels): { errors: string[]; prints: string[] } {
  const r = new Rng(31);
  const errors: string[] = [];
  const prints: string[] = [];
  const mid: [number[], Layout, Layout][] = [[[1, 20_001], 'dense', 'dense'], [[70, 300], 'dense', 'bcastRow'], [[30, 701], 'transposed', 'bcastCol']];
  const big: [number[], Layout, Layout][] = [[[1, 140_001], 'dense', 'dense'], [[500, 300], 'dense', 'bcastRow'], [[300, 501], 'transposed', 'bcastCol']];
  for (const c of BINARY_CASES) {
    for (const [shape, la, lb] of mid) errors.push(...compareBinary(native, js, c, shape, la, lb, r));
    errors.push(...compareBinaryBackward(native, js, c, 20_001, r, 'both'));
    for (const [shape, la, lb] of big) {
      const a = operand(shape, la, r, (q) => c.draw(q, 0)), b = operand(shape, lb, r, (q) => c.draw(q, 1));
      const n = shape[0] * shape[1];
      const out = new Float32Array(n);
      native.binary(c.op, shape, a.data, a.offset, a.strides, b.data, b.offset, b.strides, out, c.alpha);
      prints.push(fingerprint(out));
    }
    const n = 140_001;
    const a = Float32Array.from({ length: n }, () => c.draw(r, 0)), b = Float32Array.from({ length: n }, () => c.draw(r, 1));
    const out = new Float32Array(n), ga = new Float32Array(n), gb = new Float32Array(n);
    native.binary(c.op, [n], a, 0, [1], b, 0, [1], out, c.alpha);
    native.binaryBackward(c.op, n, a, b, out, b, ga, gb, c.alpha);
    prints.push(fingerprint(ga) + fingerprint(gb));
  }
  for (const [shape, la, lb] of mid) errors.push(...compareMoves(native, js, shape, la, lb, r));
  for (const [shape, la] of big) {
    const x = operand(shape, la, r, std);
    const out = new Float32Array(shape[0] * shape[1]);
    native.stridedCopy(shape, x.data, x.offset, x.strides, out, 0, [shape[1], 1]);
    prints.push(fingerprint(out));
  }
  return { errors, prints };
}
