/**
 * Element-wise arithmetic with NumPy/PyTorch broadcasting: add, sub, mul, div, pow, neg, exp, log, sqrt,
 * abs, square, reciprocal, clamp, maximum/minimum, where and the comparisons (0/1 tensors, no gradient).
 * A number operand is a scalar; tensor ⊙ number runs as one fused map (UnaryOp.AFFINE / POW_SCALAR).
 * Backward: add/sub reduce the upstream gradient to each input's shape; the other binary ops call the
 * fused `binaryBackward` kernel on operands expanded to the output shape, then reduce.
 */
import { backendFor } from '../backend/index.js';
import { BinaryOp, UnaryOp } from '../backend/kernels/elementwise.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { Tensor, shapeSize, type TensorLike } from '../tensor.js';
import {
  alloc, broadcastShapes, broadcastStrides, checkNum, checkSameDtype, checkTensor, coalesce, dense, describeValue, materialize, typeErr,
} from './helpers.js';
import { sumToShape } from './reduce.js';
import { expand, fullOf, sameShape } from './shape.js';

// ---- unary maps (shared with activation.ts) ----

interface UnarySaved { code: number; alpha: number; beta: number; x: Float32Array | Float64Array; y: Float32Array | Float64Array }

/** y = f_code(x; alpha, beta) through the `unary` kernel; records a node when x requires grad. */
export function unaryOp(name: string, code: number, x: Tensor, alpha = 0, beta = 0): Tensor {
  checkTensor(name, 'x', x);
  const xd = dense(x);
  const out = alloc(x.dtype, x.numel);
  backendFor(x.dtype).unary(code, x.numel, xd, out, alpha, beta);
  const y = new Tensor(out, x.shape.slice());
  if (!needsGrad(x)) return y;
  return record(y, `${name[0].toUpperCase()}${name.slice(1)}Backward`, unaryBackward, [x], { code, alpha, beta, x: xd, y: out });
}

function unaryBackward(node: Node, gy: Tensor): Tensor[] {
  const s = node.saved as UnarySaved;
  const n = gy.numel;
  const gx = alloc(gy.dtype, n);
  backendFor(gy.dtype).unaryBackward(s.code, n, s.x, s.y, dense(gy), gx, s.alpha, s.beta);
  return [new Tensor(gx, gy.shape.slice())];
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', UnaryOp.NEG, x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', UnaryOp.EXP, x);
export const log = (x: Tensor): Tensor => unaryOp('log', UnaryOp.LOG, x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', UnaryOp.SQRT, x);
export const abs = (x: Tensor): Tensor => unaryOp('abs', UnaryOp.ABS, x);
export const square = (x: Tensor): Tensor => unaryOp('square', UnaryOp.SQUARE, x);
export const reciprocal = (x: Tensor): Tensor => unaryOp('reciprocal', UnaryOp.RECIPROCAL, x);

/** Clamps to [min, max]; a null/undefined bound is no bound. Gradient passes where min ≤ x ≤ max. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min == null ? -Infinity : checkNum('clamp', 'min', min);
  const hi = max == null ? Infinity : checkNum('clamp', 'max', max);
  return unaryOp('clamp', UnaryOp.CLAMP, x, lo, hi);
}

// ---- binary ops ----

interface BinarySaved { code: number; alpha: number; out: Float32Array | Float64Array }

function asTensor(op: string, v: TensorLike, like: TensorLike): Tensor {
  if (v instanceof Tensor) return v;
  if (!(like instanceof Tensor)) throw typeErr(op, `expected a or b to be a Tensor, got ${describeValue(v)} and ${describeValue(like)}`);
  if (typeof v !== 'number') throw typeErr(op, `expected a Tensor or a number, got ${typeof v}`);
  return fullOf([], v, like.dtype);
}

/** out = f_code(a, b; alpha) with broadcasting. Non-contiguous operands are read through their strides. */
export function binaryOp(name: string, code: number, a: Tensor, b: Tensor, alpha = 1, differentiable = true): Tensor {
  checkTensor(name, 'a', a);
  checkTensor(name, 'b', b);
  checkSameDtype(name, a, b);
  let outShape: readonly number[];
  let kShape: number[], as: number[], bs: number[];
  if (sameShape(a.shape, b.shape) && a.isContiguous() && b.isContiguous()) {
    outShape = a.shape;
    kShape = [a.numel];
    as = [1];
    bs = [1];
  } else {
    outShape = broadcastShapes(name, a.shape, b.shape);
    [kShape, [as, bs]] = coalesce(outShape, [broadcastStrides(a, outShape), broadcastStrides(b, outShape)]);
  }
  const y = new Tensor(alloc(a.dtype, shapeSize(outShape)), outShape.slice());
  if (y.numel > 0) backendFor(a.dtype).binary(code, kShape, a.storage, a.offset, as, b.storage, b.offset, bs, y.storage, alpha);
  if (!differentiable || !needsGrad(a, b)) return y;
  return record(y, BINARY_NAMES[code], binaryBackward, [a, b], { code, alpha, out: y.storage });
}

const BINARY_NAMES: Record<number, string> = {
  [BinaryOp.ADD]: 'AddBackward', [BinaryOp.SUB]: 'SubBackward', [BinaryOp.MUL]: 'MulBackward',
  [BinaryOp.DIV]: 'DivBackward', [BinaryOp.POW]: 'PowBackward', [BinaryOp.MAXIMUM]: 'MaximumBackward',
  [BinaryOp.MINIMUM]: 'MinimumBackward', [BinaryOp.SMOOTH_L1]: 'SmoothL1Backward', [BinaryOp.HUBER]: 'HuberBackward',
  [BinaryOp.BCE]: 'BinaryCrossEntropyBackward', [BinaryOp.BCE_LOGITS]: 'BinaryCrossEntropyWithLogitsBackward',
};

/** Dense data of t broadcast to `shape`. */
function denseAs(t: Tensor, shape: readonly number[]): Float32Array | Float64Array {
  return sameShape(t.shape, shape) ? dense(t) : materialize(expand(t, shape));
}

function binaryBackward(node: Node, gy: Tensor): (Tensor | null)[] {
  const [a, b] = node.inputs;
  const { code, alpha, out } = node.saved as BinarySaved;
  if (code === BinaryOp.ADD || code === BinaryOp.SUB) {
    const gb = code === BinaryOp.SUB ? -1 : alpha;
    return [
      a.requiresGrad ? sumToShape(gy, a.shape) : null,
      b.requiresGrad ? sumToShape(gb === 1 ? gy : scale(gy, gb), b.shape) : null,
    ];
  }
  const n = gy.numel;
  const shape = gy.shape;
  const ga = a.requiresGrad ? alloc(gy.dtype, n) : null;
  const gb = b.requiresGrad ? alloc(gy.dtype, n) : null;
  backendFor(gy.dtype).binaryBackward(code, n, denseAs(a, shape), denseAs(b, shape), out, dense(gy), ga, gb, alpha);
  return [
    ga && sumToShape(new Tensor(ga, shape.slice()), a.shape),
    gb && sumToShape(new Tensor(gb, shape.slice()), b.shape),
  ];
}

/** alpha·x + beta as one fused map. */
export function affine(x: Tensor, alpha: number, beta: number): Tensor {
  return unaryOp('affine', UnaryOp.AFFINE, x, alpha, beta);
}

function scale(x: Tensor, s: number): Tensor {
  return affine(x, s, 0);
}

/** a + alpha·b. */
export function add(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, 1, alpha * b);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, alpha, a);
  const ta = asTensor('add', a, b);
  return binaryOp('add', BinaryOp.ADD, ta, asTensor('add', b, ta), alpha);
}

/** a − alpha·b. */
export function sub(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, 1, -alpha * b);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, -alpha, a);
  const ta = asTensor('sub', a, b);
  const tb = asTensor('sub', b, ta);
  return alpha === 1 ? binaryOp('sub', BinaryOp.SUB, ta, tb) : binaryOp('sub', BinaryOp.ADD, ta, tb, -alpha);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, b, 0);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, a, 0);
  const ta = asTensor('mul', a, b);
  return binaryOp('mul', BinaryOp.MUL, ta, asTensor('mul', b, ta));
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, 1 / b, 0);
  const ta = asTensor('div', a, b);
  return binaryOp('div', BinaryOp.DIV, ta, asTensor('div', b, ta));
}

/** a^b (Math.pow semantics). A number exponent runs as one map. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return unaryOp('pow', UnaryOp.POW_SCALAR, a, b);
  const ta = asTensor('pow', a, b);
  return binaryOp('pow', BinaryOp.POW, ta, asTensor('pow', b, ta));
}

function binaryLike(name: string, code: number, differentiable: boolean) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const ta = asTensor(name, a, b);
    return binaryOp(name, code, ta, asTensor(name, b, ta), 0, differentiable);
  };
}

/** Element-wise max; NaN if either is NaN; ties split the gradient. */
export const maximum = binaryLike('maximum', BinaryOp.MAXIMUM, true);
export const minimum = binaryLike('minimum', BinaryOp.MINIMUM, true);
/** Comparisons: 1 where true, 0 elsewhere (not differentiable). */
export const eq = binaryLike('eq', BinaryOp.EQ, false);
export const ne = binaryLike('ne', BinaryOp.NE, false);
export const lt = binaryLike('lt', BinaryOp.LT, false);
export const le = binaryLike('le', BinaryOp.LE, false);
export const gt = binaryLike('gt', BinaryOp.GT, false);
export const ge = binaryLike('ge', BinaryOp.GE, false);

/** cond ≠ 0 ? a : b, broadcasting all three. Differentiable in a and b. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'cond', cond);
  const ta = asTensor('where', a, cond);
  const tb = asTensor('where', b, ta);
  checkSameDtype('where', cond, ta);
  checkSameDtype('where', ta, tb);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, ta.shape), tb.shape);
  const [k, [cs, as, bs]] = coalesce(shape, [cond, ta, tb].map((t) => broadcastStrides(t, shape)));
  const y = new Tensor(alloc(ta.dtype, shapeSize(shape)), shape);
  if (y.numel > 0) backendFor(ta.dtype).where(k, cond.storage, cond.offset, cs, ta.storage, ta.offset, as, tb.storage, tb.offset, bs, y.storage);
  if (!needsGrad(ta, tb)) return y;
  return record(y, 'WhereBackward', (node, gy) => {
    const [c, x, z] = node.inputs;
    const zero = fullOf([], 0, gy.dtype);
    return [null, x.requiresGrad ? sumToShape(where(c, gy, zero), x.shape) : null, z.requiresGrad ? sumToShape(where(c, zero, gy), z.shape) : null];
  }, [cond, ta, tb]);
}
