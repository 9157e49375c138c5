/**
 * JS twin of the elementwise kernel family: element-wise maps, broadcasting binary ops, where and strided
 * copies (reductions, softmax and NLL live in elementwise_reduce.ts). Semantics are specified in
 * ../kernels/elementwise.ts. Each op is a small scalar function in a table indexed by its code; the loops at
 * the end of the file give each op its own loop (and so its own inlined call site).
 */
import { BINARY_OP_COUNT, UNARY_OP_COUNT, type ElementwiseKernels } from '../kernels/elementwise.js';
import type { FloatArray } from '../types.js';
import { checkFloatArray, checkLength, checkNumber, checkSize } from './check.js';
import { checkStrided, opCode, reduceKernels } from './elementwise_reduce.js';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

/** erfc in float64 (~1e-15 relative for x ≥ 0): a positive-term series for erf below 2.5, a continued fraction above. */
export function erfc(x: number): number {
  if (x !== x) return x;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) return 1 - erfPositiveSeries(x);
  if (x > 27) return 0;
  let t = x;
  for (let k = 60; k >= 1; k--) t = x + k / 2 / t;
  return (Math.exp(-x * x) * INV_SQRT_PI) / t;
}

export function erf(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  const r = a < 2.5 ? erfPositiveSeries(a) : 1 - erfc(a);
  return x < 0 ? -r : r;
}

// erf(x) = 2/√π·e^(−x²)·Σ_n (2x²)^n·x / (1·3·…·(2n+1)): every term is positive, so no cancellation.
function erfPositiveSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = 0;
  for (let n = 1; n < 200; n++) {
    sum += term;
    term *= x2 / (2 * n + 1);
    if (term < 1e-17 * sum) break;
  }
  return 2 * INV_SQRT_PI * Math.exp(-x * x) * sum;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

type Map1 = (x: number, a: number, b: number) => number;

// Scalar definitions, indexed by UnaryOp code.
const UNARY_F: Map1[] = [
  (x) => -x,
  (x) => Math.abs(x),
  (x) => Math.exp(x),
  (x) => Math.log(x),
  (x) => Math.sqrt(x),
  (x) => x * x,
  (x) => 1 / x,
  (x) => (x > 0 || x !== x ? x : 0),
  (x, a) => (x > 0 ? x : a * x),
  (x, a) => (x > 0 ? x : a * Math.expm1(x)),
  (x) => 0.5 * x * erfc(-x * SQRT1_2),
  (x) => 0.5 * x * (1 + Math.tanh(GELU_K * (x + GELU_C * x * x * x))),
  (x) => sigmoid(x),
  (x) => Math.tanh(x),
  (x, beta, threshold) => (x * beta > threshold ? x : Math.log1p(Math.exp(beta * x)) / beta),
  (x) => x * sigmoid(x),
  (x, lo, hi) => Math.min(Math.max(x, lo), hi),
  (x, p) => Math.pow(x, p),
  (x, a, b) => a * x + b,
];

type Grad1 = (x: number, y: number, gy: number, a: number, b: number) => number;

const UNARY_G: Grad1[] = [
  (_x, _y, g) => -g,
  (x, _y, g) => (x > 0 ? g : x < 0 ? -g : x === 0 ? 0 : NaN),
  (_x, y, g) => g * y,
  (x, _y, g) => g / x,
  (_x, y, g) => g / (2 * y),
  (x, _y, g) => 2 * x * g,
  (_x, y, g) => -g * y * y,
  (x, _y, g) => (x > 0 ? g : 0),
  (x, _y, g, a) => (x > 0 ? g : a * g),
  (x, _y, g, a) => (x > 0 ? g : g * a * Math.exp(x)),
  (x, _y, g) => g * (0.5 * erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x)),
  (x, _y, g) => {
    const t = Math.tanh(GELU_K * (x + GELU_C * x * x * x));
    return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * x * x));
  },
  (_x, y, g) => g * y * (1 - y),
  (_x, y, g) => g * (1 - y * y),
  (x, _y, g, beta, threshold) => {
    if (x * beta > threshold) return g;
    const z = Math.exp(x * beta);
    return (g * z) / (z + 1);
  },
  (x, _y, g) => {
    const s = sigmoid(x);
    return g * s * (1 + x * (1 - s));
  },
  (x, _y, g, lo, hi) => (x >= lo && x <= hi ? g : 0),
  (x, _y, g, p) => (p === 0 ? 0 : g * p * Math.pow(x, p - 1)),
  (_x, _y, g, a) => a * g,
];

type Map2 = (a: number, b: number, p: number) => number;

function bceLog(v: number): number {
  return Math.max(Math.log(v), -100);
}

const BINARY_F: Map2[] = [
  (a, b, p) => a + p * b,
  (a, b) => a - b,
  (a, b) => a * b,
  (a, b) => a / b,
  (a, b) => Math.pow(a, b),
  (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
  (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
  (a, b) => (a === b ? 1 : 0),
  (a, b) => (a !== b ? 1 : 0),
  (a, b) => (a < b ? 1 : 0),
  (a, b) => (a <= b ? 1 : 0),
  (a, b) => (a > b ? 1 : 0),
  (a, b) => (a >= b ? 1 : 0),
  (a, b, beta) => {
    const d = Math.abs(a - b);
    return d < beta ? (0.5 * d * d) / beta : d - 0.5 * beta;
  },
  (a, b, delta) => {
    const d = Math.abs(a - b);
    return d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
  },
  (p, y) => -(y * bceLog(p) + (1 - y) * bceLog(1 - p)),
  (x, y) => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))),
];

/** Writes [ga, gb] of one element into r; `o` is the forward output. */
type Grad2 = (a: number, b: number, o: number, g: number, p: number, r: Float64Array) => void;

function zeroGrad(_a: number, _b: number, _o: number, _g: number, _p: number, r: Float64Array): void {
  r[0] = 0;
  r[1] = 0;
}

const BINARY_G: Grad2[] = [
  (_a, _b, _o, g, p, r) => { r[0] = g; r[1] = p * g; },
  (_a, _b, _o, g, _p, r) => { r[0] = g; r[1] = -g; },
  (a, b, _o, g, _p, r) => { r[0] = g * b; r[1] = g * a; },
  (a, b, _o, g, _p, r) => { r[0] = g / b; r[1] = (-g * a) / (b * b); },
  (a, b, o, g, _p, r) => {
    r[0] = b === 0 ? 0 : g * b * Math.pow(a, b - 1);
    r[1] = a === 0 && b >= 0 ? 0 : g * o * Math.log(a);
  },
  // maximum / minimum: ties split the gradient, a NaN operand sends it to both (PyTorch's formula).
  (a, b, _o, g, _p, r) => { r[0] = a === b ? g / 2 : a < b ? 0 : g; r[1] = a === b ? g / 2 : a > b ? 0 : g; },
  (a, b, _o, g, _p, r) => { r[0] = a === b ? g / 2 : a > b ? 0 : g; r[1] = a === b ? g / 2 : a < b ? 0 : g; },
  zeroGrad, zeroGrad, zeroGrad, zeroGrad, zeroGrad, zeroGrad,
  (a, b, _o, g, beta, r) => {
    const d = a - b;
    const s = beta === 0 ? Math.sign(d) : Math.min(Math.max(d / beta, -1), 1);
    r[0] = g * s;
    r[1] = -g * s;
  },
  (a, b, _o, g, delta, r) => {
    const s = Math.min(Math.max(a - b, -delta), delta);
    r[0] = g * s;
    r[1] = -g * s;
  },
  (p, y, _o, g, _q, r) => {
    r[0] = (g * (p - y)) / Math.max(p * (1 - p), 1e-12);
    r[1] = g * (bceLog(1 - p) - bceLog(p));
  },
  (x, y, _o, g, _p, r) => { r[0] = g * (sigmoid(x) - y); r[1] = -g * x; },
];

function unary(op: number, n: number, x: FloatArray, out: FloatArray, alpha: number, beta: number): void {
  const k = 'unary';
  opCode(k, op, UNARY_OP_COUNT);
  checkSize(k, 'n', n);
  checkFloatArray(k, 'x', x);
  checkFloatArray(k, 'out', out);
  checkNumber(k, 'alpha', alpha);
  checkNumber(k, 'beta', beta);
  checkLength(k, 'x', x, n);
  checkLength(k, 'out', out, n);
  unaryLoop(op, n, x, out, alpha, beta);
}

function unaryBackward(
  op: number, n: number, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, alpha: number, beta: number,
): void {
  const k = 'unaryBackward';
  opCode(k, op, UNARY_OP_COUNT);
  checkSize(k, 'n', n);
  checkArrays(k, n, x, y, gy, gx);
  checkNumber(k, 'alpha', alpha);
  checkNumber(k, 'beta', beta);
  unaryBackwardLoop(op, n, x, y, gy, gx, alpha, beta);
}

function checkArrays(k: string, n: number, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray): void {
  const names = k === 'unaryBackward' ? ['x', 'y', 'gy', 'gx'] : ['a', 'b', 'out', 'gy'];
  const arrays = [x, y, gy, gx];
  for (let j = 0; j < 4; j++) checkLength(k, names[j], checkFloatArray(k, names[j], arrays[j]), n);
}

/**
 * Calls row(len, offsets) for every row (last dim) of `shape`, walking the leading dims odometer-style and
 * advancing each operand's offset by its strides; the row function walks the last dim itself.
 */
function forEachRow(
  shape: readonly number[], strides: (readonly number[])[], offsets: number[],
  row: (len: number, offs: number[]) => void,
): void {
  const r = shape.length;
  for (let d = 0; d < r; d++) if (shape[d] === 0) return;
  if (r === 0) {
    row(1, offsets);
    return;
  }
  const len = shape[r - 1];
  const idx = new Array<number>(r).fill(0);
  const m = offsets.length;
  for (;;) {
    row(len, offsets);
    let d = r - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      for (let j = 0; j < m; j++) offsets[j] += strides[j][d];
      if (idx[d] < shape[d]) break;
      for (let j = 0; j < m; j++) offsets[j] -= strides[j][d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

function binary(
  op: number, shape: readonly number[], a: FloatArray, aOffset: number, aStrides: readonly number[],
  b: FloatArray, bOffset: number, bStrides: readonly number[], out: FloatArray, alpha: number,
): void {
  const k = 'binary';
  opCode(k, op, BINARY_OP_COUNT);
  const total = checkStrided(k, shape, [
    ['a', a, aOffset, aStrides],
    ['b', b, bOffset, bStrides],
  ]);
  checkLength(k, 'out', checkFloatArray(k, 'out', out), total);
  checkNumber(k, 'alpha', alpha);
  const r = shape.length;
  const as = r > 0 ? aStrides[r - 1] : 0;
  const bs = r > 0 ? bStrides[r - 1] : 0;
  if (r <= 1) {
    binaryRow(op, r === 0 ? 1 : shape[0], a, aOffset, as, b, bOffset, bs, out, 0, alpha);
    return;
  }
  let o = 0;
  forEachRow(shape, [aStrides, bStrides], [aOffset, bOffset], (len, offs) => {
    binaryRow(op, len, a, offs[0], as, b, offs[1], bs, out, o, alpha);
    o += len;
  });
}

const pair = new Float64Array(2);

function binaryBackward(
  op: number, n: number, a: FloatArray, b: FloatArray, out: FloatArray, gy: FloatArray,
  ga: FloatArray | null, gb: FloatArray | null, alpha: number,
): void {
  const k = 'binaryBackward';
  opCode(k, op, BINARY_OP_COUNT);
  checkSize(k, 'n', n);
  checkArrays(k, n, a, b, out, gy);
  if (ga !== null) checkLength(k, 'ga', checkFloatArray(k, 'ga', ga), n);
  if (gb !== null) checkLength(k, 'gb', checkFloatArray(k, 'gb', gb), n);
  checkNumber(k, 'alpha', alpha);
  binaryBackwardLoop(op, n, a, b, out, gy, ga, gb, alpha);
}

function where(
  shape: readonly number[], cond: FloatArray, condOffset: number, condStrides: readonly number[],
  a: FloatArray, aOffset: number, aStrides: readonly number[],
  b: FloatArray, bOffset: number, bStrides: readonly number[], out: FloatArray,
): void {
  const k = 'where';
  const total = checkStrided(k, shape, [
    ['cond', cond, condOffset, condStrides],
    ['a', a, aOffset, aStrides],
    ['b', b, bOffset, bStrides],
  ]);
  checkLength(k, 'out', checkFloatArray(k, 'out', out), total);
  const r = shape.length;
  const cs = r > 0 ? condStrides[r - 1] : 0;
  const as = r > 0 ? aStrides[r - 1] : 0;
  const bs = r > 0 ? bStrides[r - 1] : 0;
  let o = 0;
  forEachRow(shape, [condStrides, aStrides, bStrides], [condOffset, aOffset, bOffset], (len, offs) => {
    let ic = offs[0], ia = offs[1], ib = offs[2];
    for (let i = 0; i < len; i++, ic += cs, ia += as, ib += bs) out[o++] = cond[ic] !== 0 ? a[ia] : b[ib];
  });
}

function stridedCopy(
  shape: readonly number[], x: FloatArray, xOffset: number, xStrides: readonly number[],
  out: FloatArray, outOffset: number, outStrides: readonly number[],
): void {
  checkStrided('stridedCopy', shape, [
    ['x', x, xOffset, xStrides],
    ['out', out, outOffset, outStrides],
  ]);
  const r = shape.length;
  const xs = r > 0 ? xStrides[r - 1] : 0;
  const os = r > 0 ? outStrides[r - 1] : 0;
  const sameKind = x.constructor === out.constructor;
  forEachRow(shape, [xStrides, outStrides], [xOffset, outOffset], (len, offs) => {
    let ix = offs[0], io = offs[1];
    if (xs === 1 && os === 1 && sameKind) {
      (out as Float64Array).set((x as Float64Array).subarray(ix, ix + len), io);
      return;
    }
    for (let i = 0; i < len; i++, ix += xs, io += os) out[io] = x[ix];
  });
}

// One case per op so every `f(...)` call site sees a single function and V8 inlines it (a shared call site
// over many functions goes megamorphic and runs ~20x slower).
function unaryLoop(op: number, n: number, x: FloatArray, out: FloatArray, a: number, b: number): void {
  const T = UNARY_F;
  switch (op) {
    case 0: { const f = T[0]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 1: { const f = T[1]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 2: { const f = T[2]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 3: { const f = T[3]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 4: { const f = T[4]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 5: { const f = T[5]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 6: { const f = T[6]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 7: { const f = T[7]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 8: { const f = T[8]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 9: { const f = T[9]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 10: { const f = T[10]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 11: { const f = T[11]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 12: { const f = T[12]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 13: { const f = T[13]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 14: { const f = T[14]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 15: { const f = T[15]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 16: { const f = T[16]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 17: { const f = T[17]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
    case 18: { const f = T[18]; for (let i = 0; i < n; i++) out[i] = f(x[i], a, b); return; }
  }
}

function unaryBackwardLoop(
  op: number, n: number, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, a: number, b: number,
): void {
  const T = UNARY_G;
  switch (op) {
    case 0: { const f = T[0]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 1: { const f = T[1]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 2: { const f = T[2]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 3: { const f = T[3]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 4: { const f = T[4]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 5: { const f = T[5]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 6: { const f = T[6]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 7: { const f = T[7]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 8: { const f = T[8]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 9: { const f = T[9]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 10: { const f = T[10]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 11: { const f = T[11]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 12: { const f = T[12]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 13: { const f = T[13]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 14: { const f = T[14]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 15: { const f = T[15]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 16: { const f = T[16]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 17: { const f = T[17]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
    case 18: { const f = T[18]; for (let i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i], a, b); return; }
  }
}

/** out[o..o+len) = f(a[ia + i·as], b[ib + i·bs]) for one row. */
function binaryRow(
  op: number, len: number, a: FloatArray, ia: number, as: number, b: FloatArray, ib: number, bs: number,
  out: FloatArray, o: number, p: number,
): void {
  const T = BINARY_F;
  switch (op) {
    case 0: { const f = T[0]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 1: { const f = T[1]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 2: { const f = T[2]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 3: { const f = T[3]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 4: { const f = T[4]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 5: { const f = T[5]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 6: { const f = T[6]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 7: { const f = T[7]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 8: { const f = T[8]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 9: { const f = T[9]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 10: { const f = T[10]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 11: { const f = T[11]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 12: { const f = T[12]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 13: { const f = T[13]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 14: { const f = T[14]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 15: { const f = T[15]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
    case 16: { const f = T[16]; for (let i = 0; i < len; i++, ia += as, ib += bs) out[o + i] = f(a[ia], b[ib], p); return; }
  }
}

function binaryBackwardLoop(
  op: number, n: number, a: FloatArray, b: FloatArray, out: FloatArray, gy: FloatArray,
  ga: FloatArray | null, gb: FloatArray | null, p: number,
): void {
  const T = BINARY_G;
  const r = pair;
  switch (op) {
    case 0: { const f = T[0]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 1: { const f = T[1]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 2: { const f = T[2]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 3: { const f = T[3]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 4: { const f = T[4]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 5: { const f = T[5]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 6: { const f = T[6]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 7: { const f = T[7]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 8: { const f = T[8]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 9: { const f = T[9]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 10: { const f = T[10]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 11: { const f = T[11]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 12: { const f = T[12]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 13: { const f = T[13]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 14: { const f = T[14]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 15: { const f = T[15]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
    case 16: { const f = T[16]; for (let i = 0; i < n; i++) { f(a[i], b[i], out[i], gy[i], p, r); if (ga !== null) ga[i] = r[0]; if (gb !== null) gb[i] = r[1]; } return; }
  }
}

export const elementwiseJs: ElementwiseKernels = {
  unary,
  unaryBackward,
  binary,
  binaryBackward,
  where,
  stridedCopy,
  ...reduceKernels,
};
