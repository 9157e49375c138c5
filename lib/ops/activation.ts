/**
 * Activations (element-wise, through the `unary` kernel with its fused backward) and softmax /
 * log-softmax over one dim (numerically stable kernels; backward from the saved output).
 */
import { backendFor } from '../backend/index.js';
import { UnaryOp } from '../backend/kernels/elementwise.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { Tensor, shapeSize } from '../tensor.js';
import { alloc, checkNum, checkTensor, dense, normDim, rangeErr } from './helpers.js';
import { unaryOp } from './elementwise.js';

/** max(x, 0); relu'(0) = 0 and relu(NaN) = NaN, as PyTorch. */
export const relu = (x: Tensor): Tensor => unaryOp('relu', UnaryOp.RELU, x);

/** x > 0 ? x : slope·x. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return unaryOp('leakyRelu', UnaryOp.LEAKY_RELU, x, checkNum('leakyRelu', 'negativeSlope', negativeSlope));
}

/** x > 0 ? x : alpha·(eˣ − 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return unaryOp('elu', UnaryOp.ELU, x, checkNum('elu', 'alpha', alpha));
}

/** x·Φ(x) with the exact erf form, or the tanh approximation with {approximate: 'tanh'}. */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const a = options.approximate ?? 'none';
  if (a !== 'none' && a !== 'tanh') throw rangeErr('gelu', `expected approximate 'none' or 'tanh', got ${String(a)}`);
  return unaryOp('gelu', a === 'tanh' ? UnaryOp.GELU_TANH : UnaryOp.GELU, x);
}

export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', UnaryOp.SIGMOID, x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', UnaryOp.TANH, x);
/** x·sigmoid(x). */
export const silu = (x: Tensor): Tensor => unaryOp('silu', UnaryOp.SILU, x);

/** ln(1 + e^(βx))/β, linear where βx > threshold (PyTorch defaults β = 1, threshold = 20). */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  const beta = checkNum('softplus', 'beta', options.beta ?? 1);
  const threshold = checkNum('softplus', 'threshold', options.threshold ?? 20);
  return unaryOp('softplus', UnaryOp.SOFTPLUS, x, beta, threshold);
}

interface SoftmaxSaved { outer: number; dim: number; inner: number; y: Float32Array | Float64Array; log: boolean }

function softmaxLike(op: string, log: boolean, x: Tensor, dim: number): Tensor {
  checkTensor(op, 'x', x);
  const d = normDim(op, dim, x.ndim);
  const outer = shapeSize(x.shape.slice(0, d));
  const n = x.ndim === 0 ? 1 : x.shape[d];
  const inner = shapeSize(x.shape.slice(d + 1));
  const out = alloc(x.dtype, x.numel);
  const k = backendFor(x.dtype);
  if (log) k.logSoftmax(outer, n, inner, dense(x), out);
  else k.softmax(outer, n, inner, dense(x), out);
  const y = new Tensor(out, x.shape.slice());
  if (!needsGrad(x)) return y;
  return record(y, log ? 'LogSoftmaxBackward' : 'SoftmaxBackward', softmaxBackward, [x], { outer, dim: n, inner, y: out, log } satisfies SoftmaxSaved);
}

function softmaxBackward(node: Node, gy: Tensor): Tensor[] {
  const s = node.saved as SoftmaxSaved;
  const gx = alloc(gy.dtype, gy.numel);
  const k = backendFor(gy.dtype);
  if (s.log) k.logSoftmaxBackward(s.outer, s.dim, s.inner, s.y, dense(gy), gx);
  else k.softmaxBackward(s.outer, s.dim, s.inner, s.y, dense(gy), gx);
  return [new Tensor(gx, gy.shape.slice())];
}

/** e^x / Σ e^x along dim. */
export const softmax = (x: Tensor, dim: number): Tensor => softmaxLike('softmax', false, x, dim);
/** x − log Σ e^x along dim. */
export const logSoftmax = (x: Tensor, dim: number): Tensor => softmaxLike('logSoftmax', true, x, dim);
