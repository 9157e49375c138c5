/**
 * Every op, listed explicitly (tests iterate over this module). Each family's file holds the forward and,
 * right below it, the backward. The pattern (see activation.ts for a small complete example):
 *
 *   export function op(x: Tensor, ...options): Tensor {
 *     checkTensor('op', 'x', x);                         // TypeError/RangeError "nodegrad.op: expected ..."
 *     const out = alloc(x.dtype, n);                      // pooled output buffer
 *     backendFor(x.dtype).kernel(sizes..., dense(x), out); // dense(x): x's elements, copied only if strided
 *     const y = new Tensor(out, shape);
 *     if (!needsGrad(x)) return y;                        // no graph when grad is off or nothing requires it
 *     return record(y, 'OpBackward', opBackward, [x], saved);
 *   }
 *
 *   function opBackward(node: Node, gy: Tensor): (Tensor | null)[] {
 *     // one gradient per node.inputs entry (null to skip), each of that input's shape
 *   }
 *
 * Backward functions run with grad mode off and may call other ops; gy may be non-contiguous (use dense).
 */
export {
  abs, add, affine, clamp, div, eq, exp, ge, gt, le, log, lt, maximum, minimum, mul, ne, neg, pow, reciprocal, sqrt,
  square, sub, where,
} from './elementwise.js';
export { elu, gelu, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, softplus, tanh } from './activation.js';
export { amax, amin, argmax, argmin, logsumexp, max, mean, min, std, sum, sumToShape, variance } from './reduce.js';
export type { ValuesIndices, VarOptions } from './reduce.js';
export { linear, matmul } from './linalg.js';
export {
  cat, chunk, clone, contiguous, expand, flatten, narrow, permute, reshape, select, slice, split, squeeze, stack,
  transpose, unsqueeze, view,
} from './shape.js';
export { gather, indexSelect, oneHot, pad } from './index_ops.js';
export {
  Generator, arange, defaultGenerator, eye, full, fullLike, linspace, manualSeed, ones, onesLike, rand, randLike,
  randint, randn, randnLike, tensor, zeros, zerosLike,
} from './creation.js';
export type { CreateOptions, RandomOptions, TensorOptions } from './creation.js';
export { binaryCrossEntropy, bceWithLogits, crossEntropy, huberLoss, l1Loss, mseLoss, nllLoss, smoothL1Loss } from './loss.js';
export type { BceOptions, BceWithLogitsOptions, CrossEntropyOptions, NllOptions, Reduction, ReductionOptions } from './loss.js';
export { klDiv, poissonNllLoss } from './loss_prob.js';
export type { KlDivOptions, PoissonNllOptions } from './loss_prob.js';
export { cosineEmbeddingLoss, marginRankingLoss } from './loss_pairs.js';
export type { MarginOptions } from './loss_pairs.js';
export { dropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export { conv1d, conv2d } from './conv.js';
export type { Conv1dOptions, Conv2dOptions } from './conv.js';
export { adaptiveAvgPool2d, avgPool2d, maxPool2d } from './pool.js';
export type { AvgPool2dOptions, MaxPool2dOptions, Pool2dOptions } from './pool.js';
export { gruCell, lstmCell, rnnCell, rnnSequence } from './rnn.js';
export type { RnnLayerWeights, RnnMode, RnnSequenceOptions, RnnSequenceResult } from './rnn.js';
