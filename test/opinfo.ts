/**
 * The op table (TESTING.md §2.0): one entry per op, driving the generic suites in test/ops/opinfo.test.ts
 * (native vs JS float64, gradcheck, non-contiguous inputs, zero-size dims, determinism, bad inputs).
 * An entry builds its output from tensor inputs; non-tensor arguments are closed over.
 */
import * as ng from '../lib/index.js';
import type { Tensor } from '../lib/index.js';
import type { Rng } from './helpers/rng.js';

export interface OpInfo {
  name: string;
  fn: (...xs: Tensor[]) => Tensor;
  /** Input shapes per sample (tiny: ≤ 5 per dim). */
  samples: number[][][];
  /** A value for input i (default uniform in [−2, 2]); keep away from non-differentiable points. */
  value?: (r: Rng, input: number) => number;
  /** Which inputs are differentiable (default all); false for none. */
  differentiable?: boolean | boolean[];
  /**
   * Per-element bound factor for float32 native vs float64 JS: |y − ref| ≤ tol·eps32·(max|ref| + |ref_i|).
   * Default 16; reductions and matmul scale with their reduction length.
   */
  tol?: number;
  /** Input shapes with a zero-size dim, and the expected output shape. */
  zeroSize?: { shapes: number[][]; out: number[] };
  /** Bad calls: each must throw `cls` with a message matching `message` (prefix `nodegrad.<op>:`). */
  errors?: { call: () => unknown; cls: typeof TypeError | typeof RangeError; message: RegExp }[];
  /** Element-wise op whose NaN input must give NaN output. */
  nanPropagates?: boolean;
}

const uni = (r: Rng) => r.uniform(-2, 2);
/** Away from 0 by at least 0.05 (kinks of relu, abs, ...). */
const awayFromZero = (r: Rng) => {
  const v = r.uniform(0.05, 2);
  return r.next() < 0.5 ? -v : v;
};
const positive = (r: Rng) => r.uniform(0.2, 3);

const f32 = ng.tensor([1, 2, 3]);
const f64 = ng.tensor([1, 2, 3], { dtype: 'float64' });

function unary(name: string, fn: (x: Tensor) => Tensor, value: OpInfo['value'] = uni, extra: Partial<OpInfo> = {}): OpInfo {
  return {
    name,
    fn,
    samples: [[[5]], [[3, 4]], [[2, 3, 4]], [[]]],
    value,
    zeroSize: { shapes: [[0, 3]], out: [0, 3] },
    nanPropagates: true,
    errors: [{ call: () => fn(3 as never), cls: TypeError, message: /^nodegrad\.\w+: expected (x|a or b) to be a Tensor/ }],
    ...extra,
  };
}

function binary(name: string, fn: (a: Tensor, b: Tensor) => Tensor, value: OpInfo['value'] = uni, extra: Partial<OpInfo> = {}): OpInfo {
  return {
    name,
    fn,
    samples: [[[5], [5]], [[3, 4], [4]], [[2, 1, 4], [3, 1]], [[3, 1], [1, 4]], [[], [2, 3]]],
    value,
    zeroSize: { shapes: [[0, 3], [3]], out: [0, 3] },
    nanPropagates: true,
    errors: [
      { call: () => fn(ng.ones([2, 3]), ng.ones([4])), cls: RangeError, message: /^nodegrad\.\w+: expected broadcastable shapes, got \[2, 3\] and \[4\]/ },
      { call: () => fn(f32, f64), cls: TypeError, message: /^nodegrad\.\w+: expected tensors of the same dtype/ },
    ],
    ...extra,
  };
}

function comparison(name: string, fn: (a: Tensor, b: Tensor) => Tensor): OpInfo {
  // Values on a coarse grid so ties actually occur.
  return binary(name, fn, (r) => r.int(-2, 2), { differentiable: false, tol: 0, nanPropagates: false });
}

export const opInfos: OpInfo[] = [
  unary('neg', ng.neg),
  unary('exp', ng.exp),
  unary('log', ng.log, positive),
  unary('sqrt', ng.sqrt, positive),
  unary('abs', ng.abs, awayFromZero),
  unary('square', ng.square),
  unary('reciprocal', ng.reciprocal, awayFromZero),
  unary('clamp', (x) => ng.clamp(x, -0.5, 0.7), (r) => [-1.5, -0.3, 0.1, 0.4, 1.2][r.int(0, 4)] + r.uniform(-0.1, 0.1)),
  unary('relu', ng.relu, awayFromZero),
  unary('leakyRelu', (x) => ng.leakyRelu(x, 0.1), awayFromZero),
  unary('elu', (x) => ng.elu(x, 1.3), awayFromZero),
  unary('gelu', ng.gelu),
  unary('geluTanh', (x) => ng.gelu(x, { approximate: 'tanh' })),
  unary('sigmoid', ng.sigmoid),
  unary('tanh', ng.tanh),
  unary('softplus', (x) => ng.softplus(x, { beta: 1.5 })),
  unary('silu', ng.silu),
  unary('powScalar', (x) => ng.pow(x, 2.5), positive),
  unary('addScalar', (x) => ng.add(x, 1.5)),
  unary('mulScalar', (x) => ng.mul(x, -0.75)),
  unary('rsubScalar', (x) => ng.sub(2, x)),
  binary('add', ng.add),
  binary('addAlpha', (a, b) => ng.add(a, b, 0.5)),
  binary('sub', ng.sub),
  binary('mul', ng.mul),
  binary('div', ng.div, (r, i) => (i === 1 ? awayFromZero(r) : uni(r))),
  binary('pow', ng.pow, (r, i) => (i === 0 ? positive(r) : uni(r))),
  binary('maximum', ng.maximum),
  binary('minimum', ng.minimum),
  comparison('eq', ng.eq),
  comparison('ne', ng.ne),
  comparison('lt', ng.lt),
  comparison('le', ng.le),
  comparison('gt', ng.gt),
  comparison('ge', ng.ge),
];

function reduction(name: string, fn: (x: Tensor) => Tensor, extra: Partial<OpInfo> = {}): OpInfo {
  return {
    name,
    fn,
    samples: [[[5]], [[3, 4]], [[2, 3, 4]]],
    tol: 32,
    nanPropagates: true,
    errors: [{ call: () => fn(null as never), cls: TypeError, message: /^nodegrad\.\w+: expected x to be a Tensor, got null/ }],
    ...extra,
  };
}

opInfos.push(
  reduction('sum', (x) => ng.sum(x), { zeroSize: { shapes: [[0, 3]], out: [] } }),
  reduction('sumDimKeep', (x) => ng.sum(x, -1, true), { zeroSize: { shapes: [[0, 3]], out: [0, 1] } }),
  reduction('sumDims', (x) => ng.sum(x, [0, -1])),
  reduction('mean', (x) => ng.mean(x)),
  reduction('meanDim', (x) => ng.mean(x, 0), { zeroSize: { shapes: [[3, 0]], out: [0] } }),
  reduction('amax', (x) => ng.amax(x, -1), { value: (r) => r.uniform(-2, 2) }),
  reduction('amin', (x) => ng.amin(x)),
  reduction('maxDim', (x) => ng.max(x, 0).values),
  reduction('minDimKeep', (x) => ng.min(x, -1, true).values),
  reduction('var', (x) => ng.variance(x, -1)),
  reduction('std', (x) => ng.std(x)),
  reduction('logsumexp', (x) => ng.logsumexp(x, -1)),
  reduction('softmax', (x) => ng.softmax(x, -1), { zeroSize: { shapes: [[0, 3]], out: [0, 3] } }),
  reduction('softmaxDim0', (x) => ng.softmax(x, 0)),
  reduction('logSoftmax', (x) => ng.logSoftmax(x, -1), { zeroSize: { shapes: [[0, 3]], out: [0, 3] } }),
  reduction('argmax', (x) => ng.argmax(x, -1), { differentiable: false, tol: 0, nanPropagates: false }),
);

const mmErrors: OpInfo['errors'] = [
  { call: () => ng.matmul(ng.ones([2, 3]), ng.ones([4, 2])), cls: RangeError, message: /^nodegrad\.matmul: expected a \[\.\.\., m, k\] and b \[\.\.\., k, n\] with the same k, got \[2, 3\] and \[4, 2\]/ },
  { call: () => ng.matmul(ng.ones([]), ng.ones([2])), cls: RangeError, message: /^nodegrad\.matmul: expected tensors with at least 1 dim/ },
  { call: () => ng.matmul(ng.ones([2]), 'x' as never), cls: TypeError, message: /^nodegrad\.matmul: expected b to be a Tensor, got a string/ },
];

opInfos.push(
  {
    name: 'matmul',
    fn: ng.matmul,
    samples: [[[3, 4], [4, 5]], [[4], [4]], [[4], [4, 3]], [[2, 4], [4]], [[2, 3, 4], [4, 5]], [[2, 1, 3, 4], [3, 4, 2]], [[1, 5], [5, 1]]],
    tol: 64,
    zeroSize: { shapes: [[0, 3], [3, 4]], out: [0, 4] },
    errors: mmErrors,
  },
  {
    // Sizes past the micro-kernel tiles, with transposed (gemm transA/transB) operands in backward.
    name: 'matmulMedium',
    fn: ng.matmul,
    samples: [[[9, 33], [33, 17]], [[2, 7, 19], [19, 33]]],
    tol: 128,
  },
  {
    name: 'matmulK0',
    fn: ng.matmul,
    samples: [],
    zeroSize: { shapes: [[2, 0], [0, 3]], out: [2, 3] },
  },
  {
    name: 'linear',
    fn: (x, w, b) => ng.linear(x, w, b),
    samples: [[[3, 4], [5, 4], [5]], [[2, 3, 4], [2, 4], [2]], [[4], [3, 4], [3]]],
    tol: 64,
    zeroSize: { shapes: [[0, 4], [5, 4], [5]], out: [0, 5] },
    errors: [
      { call: () => ng.linear(ng.ones([2, 3]), ng.ones([4, 2])), cls: RangeError, message: /^nodegrad\.linear: expected x \[\.\.\., in\] and weight \[out, in\], got \[2, 3\] and \[4, 2\]/ },
      { call: () => ng.linear(ng.ones([2, 3]), ng.ones([4, 3]), ng.ones([3])), cls: RangeError, message: /^nodegrad\.linear: expected bias of shape \[4\], got \[3\]/ },
    ],
  },
  {
    name: 'linearNoBias',
    fn: (x, w) => ng.linear(x, w),
    samples: [[[3, 4], [5, 4]]],
    tol: 64,
  },
);

opInfos.push(
  { name: 'reshape', fn: (x) => ng.reshape(x, [-1, 2]), samples: [[[3, 4]], [[2, 3, 2]]], tol: 0, zeroSize: { shapes: [[0, 4]], out: [0, 2] },
    errors: [{ call: () => ng.reshape(ng.ones([3]), [2, 2]), cls: RangeError, message: /^nodegrad\.reshape: shape \[2, 2\] is invalid for 3 elements/ }] },
  { name: 'permute', fn: (x) => ng.permute(x, [2, 0, 1]), samples: [[[2, 3, 4]]], tol: 0,
    errors: [{ call: () => ng.permute(ng.ones([2, 3]), [0, 0]), cls: RangeError, message: /^nodegrad\.permute: expected a permutation/ }] },
  { name: 'transposeMul', fn: (x) => ng.mul(ng.transpose(x, 0, 1), 2), samples: [[[3, 4]]], tol: 0 },
  { name: 'expandSum', fn: (x) => ng.expand(x, [3, 2, 4]).mul(ng.arange(4, undefined, 1, { dtype: x.dtype })), samples: [[[2, 1]]], tol: 16,
    errors: [{ call: () => ng.expand(ng.ones([2, 3]), [2, 4]), cls: RangeError, message: /^nodegrad\.expand: cannot expand shape \[2, 3\] to \[2, 4\]/ }] },
  { name: 'sliceStep', fn: (x) => ng.slice(x, 1, 1, undefined, 2), samples: [[[3, 5]]], tol: 0, zeroSize: { shapes: [[0, 5]], out: [0, 2] } },
  { name: 'select', fn: (x) => ng.select(x, 0, -1), samples: [[[3, 5]]], tol: 0,
    errors: [{ call: () => ng.select(ng.ones([3]), 0, 3), cls: RangeError, message: /^nodegrad\.select: expected index in \[-3, 2\], got 3/ }] },
  { name: 'squeezeUnsqueeze', fn: (x) => ng.unsqueeze(ng.squeeze(x), 0), samples: [[[3, 1, 4]]], tol: 0 },
  { name: 'flatten', fn: (x) => ng.flatten(x, 1), samples: [[[2, 3, 4]]], tol: 0 },
  { name: 'cat', fn: (a, b) => ng.cat([a, b], 1), samples: [[[2, 3], [2, 2]], [[2, 1, 2], [2, 3, 2]]], tol: 0, zeroSize: { shapes: [[2, 0], [2, 3]], out: [2, 3] },
    errors: [{ call: () => ng.cat([ng.ones([2, 3]), ng.ones([3, 3])], 1), cls: RangeError, message: /^nodegrad\.cat: expected tensors\[1\] of shape \[2, 3\] except in dim 1, got \[3, 3\]/ }] },
  { name: 'stack', fn: (a, b) => ng.stack([a, b], -1), samples: [[[2, 3], [2, 3]]], tol: 0 },
  { name: 'split', fn: (x) => ng.split(x, 2, 1)[1], samples: [[[2, 5]]], tol: 0 },
  { name: 'chunk', fn: (x) => ng.chunk(x, 3, 0)[2].mul(ng.chunk(x, 3, 0)[0]), samples: [[[6, 2]]], tol: 16 },
  { name: 'pad', fn: (x) => ng.pad(x, [1, 2, 0, 1], 0.5), samples: [[[2, 3]], [[2, 2, 3]]], tol: 0, zeroSize: { shapes: [[0, 3]], out: [1, 6] },
    errors: [{ call: () => ng.pad(ng.ones([2]), [1]), cls: RangeError, message: /^nodegrad\.pad: expected an even number of pads/ }] },
  { name: 'indexSelect', fn: (x) => ng.indexSelect(x, 1, [2, 0, 2]), samples: [[[2, 3]], [[2, 4, 2]]], tol: 0,
    errors: [{ call: () => ng.indexSelect(ng.ones([2, 3]), 1, [3]), cls: RangeError, message: /^nodegrad\.indexSelect: expected index\[0\] to be an integer in \[0, 2\], got 3/ }] },
  { name: 'gather', fn: (x) => ng.gather(x, 1, ng.tensor([[0, 2], [1, 1]], { dtype: x.dtype })), samples: [[[2, 3]]], tol: 0,
    errors: [{ call: () => ng.gather(ng.ones([2, 3]), 1, ng.tensor([[0.5]])), cls: RangeError, message: /^nodegrad\.gather: expected index\[0\] to be an integer/ }] },
  { name: 'where', fn: (a, b) => ng.where(ng.gt(a, b), a, b.mul(2)), samples: [[[3, 4], [4]]], tol: 16 },
);

/** Class indices i mod C for logits [N, C, ...]; the second sample is ignored when `ignore`. */
function targetsFor(x: Tensor, ignore: boolean): Tensor {
  const c = x.ndim === 1 ? x.shape[0] : x.shape[1];
  const shape = x.ndim === 1 ? [] : [x.shape[0], ...x.shape.slice(2)];
  const n = shape.reduce((a, b) => a * b, 1);
  const t = Array.from({ length: n }, (_, i) => (ignore && i === 1 ? -100 : (i * 7 + 1) % c));
  return ng.tensor(t, { shape, dtype: x.dtype });
}

const weightFor = (x: Tensor) => ng.tensor([0.5, 1.5, 1, 2, 0.75].slice(0, x.shape[1]), { dtype: x.dtype });
const prob = (r: Rng) => r.uniform(0.05, 0.95);

opInfos.push(
  { name: 'crossEntropy', fn: (x) => ng.crossEntropy(x, targetsFor(x, false)), samples: [[[4, 5]], [[3, 4, 2]], [[5]]], tol: 32,
    zeroSize: { shapes: [[0, 3]], out: [] },
    errors: [
      { call: () => ng.crossEntropy(ng.ones([2, 3]), ng.tensor([0, 3])), cls: RangeError, message: /^nodegrad\.crossEntropy: expected target\[1\] to be a class index in \[0, 2\] or ignoreIndex -100, got 3/ },
      { call: () => ng.crossEntropy(ng.ones([2, 3]), ng.tensor([0])), cls: RangeError, message: /^nodegrad\.crossEntropy: expected input \[N, C, \.\.\.\] and target \[N, \.\.\.\], got \[2, 3\] and \[1\]/ },
      { call: () => ng.crossEntropy(ng.ones([2, 3]), ng.tensor([0, 1]), { reduction: 'avg' as never }), cls: RangeError, message: /^nodegrad\.crossEntropy: expected reduction/ },
    ] },
  { name: 'crossEntropyFull', samples: [[[4, 5]], [[3, 4, 2]]], tol: 32,
    fn: (x) => ng.crossEntropy(x, targetsFor(x, true), { weight: weightFor(x), labelSmoothing: 0.1 }) },
  { name: 'crossEntropySumNone', samples: [[[4, 3]]], tol: 32,
    fn: (x) => ng.add(ng.crossEntropy(x, targetsFor(x, true), { reduction: 'sum' }), ng.crossEntropy(x, targetsFor(x, false), { reduction: 'none' })) },
  { name: 'nllLoss', samples: [[[4, 5]]], tol: 32, fn: (x) => ng.nllLoss(x, targetsFor(x, true), { weight: weightFor(x) }) },
  { name: 'mseLoss', samples: [[[3, 4], [3, 4]], [[5], [5]]], tol: 32, fn: (a, b) => ng.mseLoss(a, b), zeroSize: { shapes: [[0], [0]], out: [] } },
  { name: 'l1Loss', samples: [[[3, 4], [3, 4]]], tol: 32, fn: (a, b) => ng.l1Loss(a, b, { reduction: 'sum' }) },
  { name: 'smoothL1Loss', samples: [[[3, 4], [3, 4]]], tol: 32, fn: (a, b) => ng.smoothL1Loss(a, b, { beta: 0.5 }) },
  { name: 'huberLoss', samples: [[[3, 4], [3, 4]]], tol: 32, fn: (a, b) => ng.huberLoss(a, b, { delta: 0.7, reduction: 'none' }) },
  { name: 'binaryCrossEntropy', samples: [[[3, 4], [3, 4]]], tol: 64, value: prob, fn: (a, b) => ng.binaryCrossEntropy(a, b),
    errors: [
      { call: () => ng.binaryCrossEntropy(ng.ones([2]), ng.ones([3])), cls: RangeError, message: /^nodegrad\.binaryCrossEntropy: expected target of the input's shape \[2\], got \[3\]/ },
      { call: () => ng.binaryCrossEntropy(ng.ones([2, 3]), ng.ones([3])), cls: RangeError, message: /^nodegrad\.binaryCrossEntropy: expected target of the input's shape \[2, 3\], got \[3\]/ },
      { call: () => ng.binaryCrossEntropy(ng.ones([3]), ng.ones([3]), { weight: ng.ones([2, 3]) }), cls: RangeError, message: /^nodegrad\.binaryCrossEntropy: expected weight broadcastable to the input shape \[3\], got \[2, 3\]/ },
      { call: () => ng.binaryCrossEntropy(ng.ones([3]), ng.ones([3], { dtype: 'float64' })), cls: TypeError, message: /^nodegrad\.binaryCrossEntropy: expected target of the input's dtype float32, got float64/ },
    ] },
  { name: 'bceWithLogits', samples: [[[3, 4], [3, 4]]], tol: 32, value: (r, i) => (i === 1 ? prob(r) : r.uniform(-4, 4)),
    fn: (a, b) => ng.bceWithLogits(a, b, { weight: ng.tensor([1, 2, 0.5, 1], { dtype: a.dtype }) }) },
  { name: 'crossEntropyProbs', samples: [[[4, 5], [4, 5]], [[3, 4, 2], [3, 4, 2]], [[5], [5]]], tol: 32, value: (r, i) => (i === 1 ? prob(r) : r.uniform(-2, 2)),
    fn: (x, t) => ng.crossEntropy(x, t, { weight: weightFor(x.ndim === 1 ? ng.unsqueeze(x, 0) : x), labelSmoothing: 0.1 }),
    zeroSize: { shapes: [[0, 3], [0, 3]], out: [] },
    errors: [
      { call: () => ng.crossEntropy(ng.ones([2, 3]), ng.ones([2, 3]), { ignoreIndex: 0 }), cls: RangeError, message: /^nodegrad\.crossEntropy: expected ignoreIndex < 0 with probability targets/ },
      { call: () => ng.crossEntropy(ng.ones([2, 3]), ng.ones([2, 3], { dtype: 'float64' })), cls: TypeError, message: /^nodegrad\.crossEntropy: expected target of the input's dtype float32, got float64/ },
      { call: () => ng.crossEntropy(ng.ones([2, 3]), ng.ones([2, 3]), { weight: ng.ones([2]) }), cls: RangeError, message: /^nodegrad\.crossEntropy: expected weight of shape \[3\], got \[2\]/ },
      { call: () => ng.crossEntropy(ng.ones([2, 3]), ng.ones([2, 3]), { labelSmoothing: 1.5 }), cls: RangeError, message: /^nodegrad\.crossEntropy: expected labelSmoothing in \[0, 1\], got 1\.5/ },
      { call: () => ng.crossEntropy(ng.ones([2, 3]), ng.ones([2, 3]), { reduction: 'batchmean' as never }), cls: RangeError, message: /^nodegrad\.crossEntropy: expected reduction/ },
    ] },
  { name: 'crossEntropyProbsSumNone', samples: [[[4, 3, 2], [4, 3, 2]]], tol: 32, value: (r, i) => (i === 1 ? prob(r) : r.uniform(-2, 2)),
    fn: (x, t) => ng.add(ng.crossEntropy(x, t, { reduction: 'sum', weight: weightFor(x) }), ng.crossEntropy(x, t, { reduction: 'none', labelSmoothing: 0.3 })) },
  { name: 'bceWithLogitsPosWeight', samples: [[[3, 4], [3, 4], [4]], [[2, 3, 4], [2, 3, 4], [1]]], tol: 32,
    value: (r, i) => (i === 1 ? prob(r) : i === 2 ? r.uniform(0.2, 4) : r.uniform(-4, 4)),
    fn: (a, b, p) => ng.bceWithLogits(a, b, { posWeight: p, weight: ng.tensor([1, 2, 0.5, 1], { dtype: a.dtype }), reduction: 'none' }),
    errors: [
      { call: () => ng.bceWithLogits(ng.ones([2, 3]), ng.ones([2, 3]), { posWeight: ng.ones([2]) }), cls: RangeError, message: /^nodegrad\.bceWithLogits: expected posWeight broadcastable to the input shape \[2, 3\], got \[2\]/ },
      { call: () => ng.bceWithLogits(ng.ones([3]), ng.ones([3]), { posWeight: ng.ones([2, 3]) }), cls: RangeError, message: /^nodegrad\.bceWithLogits: expected posWeight broadcastable to the input shape \[3\], got \[2, 3\]/ },
      { call: () => ng.bceWithLogits(ng.ones([2, 3]), ng.ones([1, 3])), cls: RangeError, message: /^nodegrad\.bceWithLogits: expected target of the input's shape \[2, 3\], got \[1, 3\]/ },
      { call: () => ng.bceWithLogits(ng.ones([2, 3]), ng.ones([2, 3]), { weight: ng.ones([2]) }), cls: RangeError, message: /^nodegrad\.bceWithLogits: expected weight broadcastable to the input shape \[2, 3\], got \[2\]/ },
      { call: () => ng.bceWithLogits(ng.ones([3]), ng.ones([3]), { posWeight: [2] as never }), cls: TypeError, message: /^nodegrad\.bceWithLogits: expected posWeight to be a Tensor, got an Array/ },
      { call: () => ng.bceWithLogits(ng.ones([3]), ng.ones([3]), { posWeight: ng.ones([3], { dtype: 'float64' }) }), cls: TypeError, message: /^nodegrad\.bceWithLogits: expected posWeight of the input's dtype float32, got float64/ },
    ] },
  { name: 'klDiv', samples: [[[3, 5], [3, 5]], [[2, 3, 4], [3, 4]], [[], []]], tol: 32, value: (r, i) => (i === 1 ? prob(r) : r.uniform(-3, 0)),
    fn: (x, t) => ng.klDiv(x, t, { reduction: 'batchmean' }), zeroSize: { shapes: [[0, 3], [0, 3]], out: [] },
    errors: [
      { call: () => ng.klDiv(ng.ones([2, 3]), ng.ones([2, 3]), { reduction: 'avg' as never }), cls: RangeError, message: /^nodegrad\.klDiv: expected reduction 'mean', 'batchmean', 'sum' or 'none', got avg/ },
      { call: () => ng.klDiv(ng.ones([2, 3]), ng.ones([2, 3]), { logTarget: 1 as never }), cls: TypeError, message: /^nodegrad\.klDiv: expected logTarget to be a boolean, got number/ },
      { call: () => ng.klDiv(ng.ones([2, 3]), ng.ones([2])), cls: RangeError, message: /^nodegrad\.klDiv: expected input and target of broadcastable shapes, got \[2, 3\] and \[2\]/ },
      { call: () => ng.klDiv(ng.ones([2, 3]), 0.5 as never), cls: TypeError, message: /^nodegrad\.klDiv: expected target to be a Tensor/ },
    ] },
  { name: 'klDivLogTarget', samples: [[[3, 5], [3, 5]]], tol: 32, value: (r) => r.uniform(-3, 0),
    fn: (x, t) => ng.add(ng.klDiv(x, t, { logTarget: true, reduction: 'none' }), ng.klDiv(x, t, { logTarget: true })) },
  { name: 'poissonNllLoss', samples: [[[3, 4], [3, 4]], [[2, 3], [3]]], tol: 32, value: (r, i) => (i === 1 ? r.uniform(1.2, 5) : r.uniform(-2, 2)),
    fn: (x, t) => ng.add(ng.poissonNllLoss(x, t, { full: true, reduction: 'none' }), ng.poissonNllLoss(x, t)),
    errors: [
      { call: () => ng.poissonNllLoss(ng.ones([2, 3]), ng.ones([2])), cls: RangeError, message: /^nodegrad\.poissonNllLoss: expected input and target of broadcastable shapes, got \[2, 3\] and \[2\]/ },
      { call: () => ng.poissonNllLoss(ng.ones([2]), ng.ones([2]), { eps: -1 }), cls: RangeError, message: /^nodegrad\.poissonNllLoss: expected eps >= 0 and finite, got -1/ },
      { call: () => ng.poissonNllLoss(ng.ones([2]), ng.ones([2]), { full: 1 as never }), cls: TypeError, message: /^nodegrad\.poissonNllLoss: expected full to be a boolean, got number/ },
      { call: () => ng.poissonNllLoss(ng.ones([2]), ng.ones([2]), { logInput: 'no' as never }), cls: TypeError, message: /^nodegrad\.poissonNllLoss: expected logInput to be a boolean, got string/ },
      { call: () => ng.poissonNllLoss(ng.ones([2]), ng.ones([2]), { reduction: 'batchmean' as never }), cls: RangeError, message: /^nodegrad\.poissonNllLoss: expected reduction/ },
    ] },
  { name: 'poissonNllLossRate', samples: [[[3, 4], [3, 4]]], tol: 32, value: (r, i) => (i === 1 ? r.uniform(0, 5) : r.uniform(0.2, 3)),
    fn: (x, t) => ng.poissonNllLoss(x, t, { logInput: false, eps: 0.01, reduction: 'sum' }) },
  { name: 'marginRankingLoss', samples: [[[6], [6], [6]], [[3, 4], [3, 4], [3, 1]]], tol: 32,
    value: (r, i) => (i === 2 ? (r.next() < 0.5 ? -1 : 1) : r.uniform(-2, 2)),
    fn: (a, b, y) => ng.marginRankingLoss(a, b, y, { margin: 0.25, reduction: 'none' }),
    errors: [
      { call: () => ng.marginRankingLoss(ng.ones([1, 2]), ng.ones([2]), ng.ones([2])), cls: RangeError, message: /^nodegrad\.marginRankingLoss: expected input1, input2 and target with the same number of dims, got \[1, 2\], \[2\] and \[2\]/ },
      { call: () => ng.marginRankingLoss(ng.ones([3]), ng.ones([2]), ng.ones([3])), cls: RangeError, message: /^nodegrad\.marginRankingLoss: expected input1 and input2 of broadcastable shapes, got \[3\] and \[2\]/ },
      { call: () => ng.marginRankingLoss(ng.ones([3]), ng.ones([3]), ng.ones([3]), { margin: '1' as never }), cls: TypeError, message: /^nodegrad\.marginRankingLoss: expected margin to be a number/ },
      { call: () => ng.marginRankingLoss(ng.ones([3]), ng.ones([3], { dtype: 'float64' }), ng.ones([3])), cls: TypeError, message: /^nodegrad\.marginRankingLoss: expected input2 of the input's dtype float32, got float64/ },
    ] },
  { name: 'cosineEmbeddingLoss', samples: [[[4, 5], [4, 5], [4]], [[3, 2], [1, 2], [3]], [[5], [5], []]], tol: 64,
    value: (r, i) => (i === 2 ? (r.next() < 0.5 ? -1 : 1) : r.uniform(-2, 2)),
    fn: (a, b, y) => ng.cosineEmbeddingLoss(a, b, y, { margin: -0.5, reduction: 'none' }), differentiable: [true, true, false],
    errors: [
      { call: () => ng.cosineEmbeddingLoss(ng.ones([2, 3]), ng.ones([2, 3]), ng.tensor([1, 0])), cls: RangeError, message: /^nodegrad\.cosineEmbeddingLoss: expected target values 1 or -1, got 0 at index 1/ },
      { call: () => ng.cosineEmbeddingLoss(ng.ones([2, 3]), ng.ones([2, 3]), ng.ones([2, 1])), cls: RangeError, message: /^nodegrad\.cosineEmbeddingLoss: expected input1 and input2 \[N, D\] with target \[N\], or \[D\] with \[\], got \[2, 3\], \[2, 3\] and \[2, 1\]/ },
      { call: () => ng.cosineEmbeddingLoss(ng.ones([2, 3]), ng.ones([2, 3]), ng.ones([3])), cls: RangeError, message: /^nodegrad\.cosineEmbeddingLoss: expected target of shape \[2\], got \[3\]/ },
      { call: () => ng.cosineEmbeddingLoss(ng.ones([2, 3]), ng.ones([2, 4]), ng.ones([2])), cls: RangeError, message: /^nodegrad\.cosineEmbeddingLoss: expected input1 and input2 of broadcastable shapes/ },
    ] },
  { name: 'dropoutEval', samples: [[[3, 4]]], tol: 0, fn: (x) => ng.dropout(x, { p: 0.3, training: false }) },
  { name: 'dropout', samples: [[[3, 4]]], tol: 16, fn: (x) => ng.dropout(x, { p: 0.3, generator: new ng.Generator(1) }),
    errors: [{ call: () => ng.dropout(ng.ones([2]), { p: 1.5 }), cls: RangeError, message: /^nodegrad\.dropout: expected p in \[0, 1\], got 1\.5/ }] },
);
