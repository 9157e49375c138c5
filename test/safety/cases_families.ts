/**
 * Binding cases (see cases.ts) for the elementwise, conv, pool and optim families. Small sizes cover the
 * scalar paths and vector tails; `big` sizes pass each family's threshold for splitting work over the pool
 * (elementwise: 2^17 elements; softmax: a quarter of that; pool: 16384 elements per task; conv: several
 * im2col tiles), so determinism across thread counts is tested where threads actually run.
 */
import { jsKernels } from '../../lib/backend/js/index.js';
import { UnaryOp } from '../../lib/backend/kernels/elementwise.js';
import type { Rng } from '../helpers/rng.js';
import type { ArraySpec, BindingCase } from './cases.js';

const f32 = (r: Rng, n: number) => r.f32(n, -1, 1);
const input = (index: number, name: string): ArraySpec => ({ index, name, output: false });
const output = (index: number, name: string): ArraySpec => ({ index, name, output: true });

// ---- elementwise ----

const ELEMENTWISE_BIG = (1 << 17) + 4099;

function unaryCase(name: keyof typeof UnaryOp, alpha: number, beta: number): BindingCase {
  const op = UnaryOp[name];
  return {
    fn: 'unary',
    label: `unary ${name}`,
    args(r, big) {
      const n = big ? ELEMENTWISE_BIG : 37;
      return [op, n, r.f32(n, -4, 4), new Float32Array(n), alpha, beta];
    },
    arrays: [input(2, 'x'), output(3, 'out')],
  };
}

function unaryBackwardCase(name: keyof typeof UnaryOp, alpha: number, beta: number): BindingCase {
  const op = UnaryOp[name];
  return {
    fn: 'unaryBackward',
    label: `unaryBackward ${name}`,
    args(r, big) {
      const n = big ? ELEMENTWISE_BIG : 37;
      const x = r.f32(n, -4, 4), y = new Float32Array(n);
      jsKernels.unary(op, n, x, y, alpha, beta);
      return [op, n, x, y, f32(r, n), new Float32Array(n), alpha, beta];
    },
    arrays: [input(2, 'x'), input(3, 'y'), input(4, 'gy'), output(5, 'gx')],
  };
}

/** [outer, dim, inner] for softmax: inner 1 (lanes over dim) and inner > 1 (lanes over inner). */
function odi(big: boolean, innerOne: boolean): [number, number, number] {
  if (innerOne) return big ? [513, 129, 1] : [3, 11, 1];
  return big ? [40, 33, 65] : [2, 5, 9];
}

function softmaxCase(log: boolean, innerOne: boolean): BindingCase {
  const fn = log ? 'logSoftmax' : 'softmax';
  return {
    fn,
    label: `${fn} inner ${innerOne ? '1' : '> 1'}`,
    args(r, big) {
      const [o, d, i] = odi(big, innerOne);
      return [o, d, i, r.f32(o * d * i, -5, 5), new Float32Array(o * d * i)];
    },
    arrays: [input(3, 'x'), output(4, 'out')],
  };
}

function softmaxBackwardCase(log: boolean, innerOne: boolean): BindingCase {
  const fn = log ? 'logSoftmaxBackward' : 'softmaxBackward';
  return {
    fn,
    label: `${fn} inner ${innerOne ? '1' : '> 1'}`,
    args(r, big) {
      const [o, d, i] = odi(big, innerOne);
      const y = new Float32Array(o * d * i);
      (log ? jsKernels.logSoftmax : jsKernels.softmax)(o, d, i, r.f32(o * d * i, -5, 5), y);
      return [o, d, i, y, f32(r, o * d * i), new Float32Array(o * d * i)];
    },
    arrays: [input(3, 'y'), input(4, 'gy'), output(5, 'gx')],
  };
}

export const elementwiseCases: BindingCase[] = [
  unaryCase('EXP', 0, 0),
  unaryCase('GELU', 0, 0),
  unaryCase('TANH', 0, 0),
  unaryCase('CLAMP', -0.5, 0.25),
  unaryBackwardCase('SIGMOID', 0, 0),
  unaryBackwardCase('SOFTPLUS', 2, 3),
  unaryBackwardCase('ELU', 0.7, 0),
  ...[false, true].flatMap((log) => [true, false].flatMap((one) => [softmaxCase(log, one), softmaxBackwardCase(log, one)])),
];

// ---- conv ----

interface ConvGeometry {
  n: number; c: number; h: number; w: number; oc: number; kh: number; kw: number;
  sh: number; sw: number; pt: number; pb: number; pl: number; pr: number; dh: number; dw: number; groups: number;
}

function convOut(size: number, p0: number, p1: number, k: number, d: number, s: number): number {
  return Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

function convSizes(g: ConvGeometry) {
  const oh = convOut(g.h, g.pt, g.pb, g.kh, g.dh, g.sh), ow = convOut(g.w, g.pl, g.pr, g.kw, g.dw, g.sw);
  return { x: g.n * g.c * g.h * g.w, wt: g.oc * (g.c / g.groups) * g.kh * g.kw, y: g.n * g.oc * oh * ow, spatial: oh * ow };
}

const convGeometryArgs = (g: ConvGeometry) =>
  [g.n, g.c, g.h, g.w, g.oc, g.kh, g.kw, g.sh, g.sw, g.pt, g.pb, g.pl, g.pr, g.dh, g.dw, g.groups];

/** Plain 3×3 'same', and strided, dilated, grouped with asymmetric padding. */
function convGeometry(variant: 'plain' | 'grouped', big: boolean): ConvGeometry {
  if (variant === 'plain') {
    return big
      ? { n: 3, c: 8, h: 24, w: 21, oc: 16, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 }
      : { n: 2, c: 3, h: 6, w: 5, oc: 4, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 };
  }
  return big
    ? { n: 2, c: 12, h: 29, w: 26, oc: 18, kh: 3, kw: 2, sh: 2, sw: 1, pt: 2, pb: 1, pl: 0, pr: 1, dh: 2, dw: 1, groups: 3 }
    : { n: 2, c: 4, h: 7, w: 6, oc: 6, kh: 3, kw: 2, sh: 2, sw: 1, pt: 2, pb: 1, pl: 0, pr: 1, dh: 2, dw: 1, groups: 2 };
}

function convCases(variant: 'plain' | 'grouped'): BindingCase[] {
  const label = (fn: string) => `${fn} ${variant}`;
  const withBias = variant === 'plain';
  return [
    {
      fn: 'conv2dForward',
      label: label('conv2dForward'),
      args(r, big) {
        const g = convGeometry(variant, big), s = convSizes(g);
        return [...convGeometryArgs(g), f32(r, s.x), f32(r, s.wt), withBias ? f32(r, g.oc) : null, new Float32Array(s.y)];
      },
      arrays: [input(16, 'x'), input(17, 'weight'), ...(withBias ? [input(18, 'bias')] : []), output(19, 'y')],
    },
    {
      fn: 'conv2dBackwardData',
      label: label('conv2dBackwardData'),
      args(r, big) {
        const g = convGeometry(variant, big), s = convSizes(g);
        return [...convGeometryArgs(g), f32(r, s.y), f32(r, s.wt), new Float32Array(s.x)];
      },
      arrays: [input(16, 'dy'), input(17, 'weight'), output(18, 'dx')],
    },
    {
      fn: 'conv2dBackwardWeight',
      label: label('conv2dBackwardWeight'),
      args(r, big) {
        const g = convGeometry(variant, big), s = convSizes(g);
        return [...convGeometryArgs(g), f32(r, s.x), f32(r, s.y), new Float32Array(s.wt)];
      },
      arrays: [input(16, 'x'), input(17, 'dy'), output(18, 'dweight')],
    },
    {
      fn: 'conv2dBackward',
      label: label('conv2dBackward'),
      args(r, big) {
        const g = convGeometry(variant, big), s = convSizes(g);
        return [...convGeometryArgs(g), f32(r, s.x), f32(r, s.y), f32(r, s.wt), new Float32Array(s.x), new Float32Array(s.wt),
          withBias ? new Float32Array(g.oc) : null];
      },
      arrays: [input(16, 'x'), input(17, 'dy'), input(18, 'weight'), output(19, 'dx'), output(20, 'dweight'),
        ...(withBias ? [output(21, 'dbias')] : [])],
    },
  ];
}

export const convCasesAll: BindingCase[] = [
  ...convCases('plain'),
  ...convCases('grouped'),
  {
    fn: 'conv2dBackwardBias',
    label: 'conv2dBackwardBias',
    args(r, big) {
      const [n, oc, spatial] = big ? [4, 16, 4099] : [2, 3, 7];
      return [n, oc, spatial, f32(r, n * oc * spatial), new Float32Array(oc)];
    },
    arrays: [input(3, 'dy'), output(4, 'db')],
  },
];

// ---- pool ----

/** n, c, h, w, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight. */
type PoolGeometry = [number, number, number, number, number, number, number, number, number, number, number, number];

function poolGeometry(big: boolean): PoolGeometry {
  return big ? [4, 16, 33, 31, 3, 2, 2, 1, 1, 0, 1, 1] : [2, 3, 7, 6, 3, 2, 2, 1, 1, 0, 1, 1];
}

function poolOut(g: PoolGeometry, dh: number, dw: number, ceil: boolean): number {
  const out = (size: number, p0: number, p1: number, k: number, d: number, s: number) => {
    const num = size + p0 + p1 - d * (k - 1) - 1;
    let o = (ceil ? Math.ceil(num / s) : Math.floor(num / s)) + 1;
    if (ceil && (o - 1) * s >= size + p0) o--;
    return o;
  };
  const [n, c, h, w, kh, kw, sh, sw, pt, pb, pl, pr] = g;
  return n * c * out(h, pt, pb, kh, dh, sh) * out(w, pl, pr, kw, dw, sw);
}

const xLength = (g: PoolGeometry) => g[0] * g[1] * g[2] * g[3];

export const poolCases: BindingCase[] = [
  {
    fn: 'maxPool2dForward',
    label: 'maxPool2dForward dilated, ceil mode',
    args(r, big) {
      const g = poolGeometry(big), ny = poolOut(g, 2, 1, true);
      return [...g, 2, 1, true, f32(r, xLength(g)), new Float32Array(ny), new Int32Array(ny)];
    },
    arrays: [input(15, 'x'), output(16, 'y'), { index: 17, name: 'indices', output: true, kind: 'i32' }],
  },
  {
    fn: 'maxPool2dBackward',
    label: 'maxPool2dBackward dilated, ceil mode',
    args(r, big) {
      const g = poolGeometry(big), ny = poolOut(g, 2, 1, true);
      // Indices from the JS twin's forward: valid by construction, independent of the native forward.
      const indices = new Int32Array(ny);
      jsKernels.maxPool2dForward(...g, 2, 1, true, f32(r, xLength(g)), new Float32Array(ny), indices);
      return [...g, 2, 1, true, f32(r, ny), indices, new Float32Array(xLength(g))];
    },
    arrays: [input(15, 'dy'), { index: 16, name: 'indices', output: false, kind: 'i32' }, output(17, 'dx')],
  },
  {
    fn: 'avgPool2dForward',
    label: 'avgPool2dForward countIncludePad',
    args(r, big) {
      const g = poolGeometry(big);
      return [...g, false, true, f32(r, xLength(g)), new Float32Array(poolOut(g, 1, 1, false))];
    },
    arrays: [input(14, 'x'), output(15, 'y')],
  },
  {
    fn: 'avgPool2dBackward',
    label: 'avgPool2dBackward ceil mode',
    args(r, big) {
      const g = poolGeometry(big);
      return [...g, true, false, f32(r, poolOut(g, 1, 1, true)), new Float32Array(xLength(g))];
    },
    arrays: [input(14, 'dy'), output(15, 'dx')],
  },
  ...[true, false].map((forward): BindingCase => ({
    fn: forward ? 'adaptiveAvgPool2dForward' : 'adaptiveAvgPool2dBackward',
    label: forward ? 'adaptiveAvgPool2dForward' : 'adaptiveAvgPool2dBackward',
    args(r, big) {
      const [n, c, h, w, oh, ow] = big ? [4, 16, 37, 29, 5, 7] : [2, 3, 9, 7, 4, 3];
      const nx = n * c * h * w, ny = n * c * oh * ow;
      return [n, c, h, w, oh, ow, f32(r, forward ? nx : ny), new Float32Array(forward ? ny : nx)];
    },
    arrays: forward ? [input(6, 'x'), output(7, 'y')] : [input(6, 'dy'), output(7, 'dx')],
  })),
];

// ---- optim: every state array is updated in place (an output) ----

const optimLength = (big: boolean) => (big ? ELEMENTWISE_BIG : 41);
const positive = (r: Rng, n: number) => r.f32(n, 0.01, 1);

export const optimCases: BindingCase[] = [
  {
    fn: 'sgdUpdate',
    label: 'sgdUpdate momentum, nesterov, weight decay',
    args(r, big) {
      const n = optimLength(big);
      return [f32(r, n), f32(r, n), f32(r, n), false, 0.1, 0.9, 0.1, 0.01, true, false];
    },
    arrays: [output(0, 'p'), input(1, 'grad'), output(2, 'buf')],
  },
  {
    fn: 'adamUpdate',
    label: 'adamUpdate AdamW amsgrad',
    args(r, big) {
      const n = optimLength(big);
      return [f32(r, n), f32(r, n), f32(r, n), positive(r, n), positive(r, n), 3, 1e-2, 0.9, 0.999, 1e-8, 0.01, true, false];
    },
    arrays: [output(0, 'p'), input(1, 'grad'), output(2, 'm'), output(3, 'v'), output(4, 'vmax')],
  },
  {
    fn: 'rmspropUpdate',
    label: 'rmspropUpdate centered, momentum',
    args(r, big) {
      const n = optimLength(big);
      // v ≥ gAvg² keeps the centred denominator real.
      return [f32(r, n), f32(r, n), r.f32(n, 1, 2), f32(r, n), f32(r, n), 1e-2, 0.99, 1e-8, 0.01, 0.9, true];
    },
    arrays: [output(0, 'p'), input(1, 'grad'), output(2, 'v'), output(3, 'gAvg'), output(4, 'buf')],
  },
  {
    fn: 'adagradUpdate',
    label: 'adagradUpdate lr decay',
    args(r, big) {
      const n = optimLength(big);
      return [f32(r, n), f32(r, n), positive(r, n), 4, 1e-2, 0.01, 1e-10, 0.01, false];
    },
    arrays: [output(0, 'p'), input(1, 'grad'), output(2, 'sum')],
  },
];
