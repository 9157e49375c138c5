/** The ONNX node recipes of each exportable layer (opset 17 operator semantics; INTEROP.md §3.2). */
import { samePadding } from '../backend/js/conv.js';
import type { Tensor } from '../tensor.js';
import type { Module } from '../nn/module.js';
import { GELU, ELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh } from '../nn/activation.js';
import { AdaptiveAvgPool2d, AvgPool2d, Conv1d, Conv2d, MaxPool2d } from '../nn/conv.js';
import { Dropout, Flatten, Identity, Linear } from '../nn/layers.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from '../nn/normalization.js';
import type { AttrValue } from './onnx_proto.js';

/** How a recipe adds nodes and initializers; every name it returns is unique in the graph. */
export interface Emit {
  node(scope: string, op: string, inputs: string[], attrs?: Record<string, AttrValue>): string;
  /** A node with `count` outputs. */
  nodes(scope: string, op: string, inputs: string[], count: number, attrs?: Record<string, AttrValue>): string[];
  /** The initializer of a parameter or buffer, named by its state dict key (emitted once). */
  param(t: Tensor, path: string): string;
  /** A FLOAT initializer with this name (data derived from parameters). */
  tensor(name: string, shape: number[], data: Float32Array): string;
  /** A FLOAT initializer (a scalar by default). */
  constant(scope: string, values: number[], shape?: number[]): string;
  /** A 1-D INT64 initializer (Reshape's shape). */
  int64s(scope: string, values: number[]): string;
}

export interface Site {
  scope: string;
  path: string;
  input: string;
  inShape: readonly number[];
  outShape: readonly number[];
  dynamicBatch: boolean;
  emit: Emit;
  fail(what: string): TypeError;
}

interface Handler<M extends Module = Module> {
  cls: abstract new (...args: never[]) => M;
  /** Rejects a configuration before the shape pass runs the module. */
  check?(m: M, fail: (what: string) => TypeError): void;
  emit(m: M, s: Site): string;
}

const key = (s: Site, leaf: string) => (s.path ? `${s.path}.${leaf}` : leaf);

function handler<M extends Module>(cls: abstract new (...args: never[]) => M, emit: (m: M, s: Site) => string, check?: Handler<M>['check']): Handler {
  return { cls, emit, check } as Handler;
}

function linear(m: Linear, s: Site): string {
  const { emit, scope } = s;
  const w = emit.param(m.weight, key(s, 'weight'));
  const b = m.bias ? [emit.param(m.bias, key(s, 'bias'))] : [];
  if (s.inShape.length === 2) return emit.node(scope, 'Gemm', [s.input, w, ...b], { transB: 1 });
  const y = emit.node(scope, 'MatMul', [s.input, emit.node(scope, 'Transpose', [w], { perm: [1, 0] })]);
  return b.length ? emit.node(scope, 'Add', [y, b[0]]) : y;
}

function needRank(s: Site, rank: number): void {
  if (s.inShape.length !== rank) throw s.fail(`expected an input of rank ${rank} (batch first), got shape [${s.inShape.join(', ')}]`);
}

/** ONNX pads: every axis' begin, then every axis' end. */
function pads(begin: number[], end: number[]): number[] {
  return [...begin, ...end];
}

function conv(m: Conv1d | Conv2d, s: Site): string {
  const is2d = m instanceof Conv2d;
  needRank(s, is2d ? 4 : 3);
  const k = is2d ? m.kernelSize : [m.kernelSize];
  const stride = is2d ? m.stride : [m.stride];
  const dilation = is2d ? m.dilation : [m.dilation];
  const spatial = s.inShape.slice(2);
  let begin: number[];
  let end: number[];
  if (m.padding === 'same') {
    const pp = spatial.map((size, i) => samePadding(size, k[i], stride[i], dilation[i]));
    begin = pp.map((p) => p[0]);
    end = pp.map((p) => p[1]);
  } else {
    begin = typeof m.padding === 'number' ? [m.padding] : [...m.padding];
    end = begin;
  }
  const inputs = [s.input, s.emit.param(m.weight, key(s, 'weight'))];
  if (m.bias) inputs.push(s.emit.param(m.bias, key(s, 'bias')));
  return s.emit.node(s.scope, 'Conv', inputs, { kernel_shape: k, strides: stride, pads: pads(begin, end), dilations: dilation, group: m.groups });
}

function pool(m: MaxPool2d | AvgPool2d, s: Site): string {
  needRank(s, 4);
  const attrs: Record<string, AttrValue> = {
    kernel_shape: m.kernelSize,
    strides: m.stride,
    pads: pads(m.padding, m.padding),
    ceil_mode: m.ceilMode ? 1 : 0,
  };
  if (m instanceof MaxPool2d) return s.emit.node(s.scope, 'MaxPool', [s.input], { ...attrs, dilations: m.dilation });
  return s.emit.node(s.scope, 'AveragePool', [s.input], { ...attrs, count_include_pad: m.countIncludePad ? 1 : 0 });
}

function adaptiveAvg(_m: AdaptiveAvgPool2d, s: Site): string {
  needRank(s, 4);
  const [h, w] = s.inShape.slice(2);
  const [oh, ow] = s.outShape.slice(2);
  if (oh === 1 && ow === 1) return s.emit.node(s.scope, 'GlobalAveragePool', [s.input]);
  if (h % oh !== 0 || w % ow !== 0) throw s.fail(`expected an output size that divides the input size, got ${oh}×${ow} from ${h}×${w}`);
  const k = [h / oh, w / ow];
  return s.emit.node(s.scope, 'AveragePool', [s.input], { kernel_shape: k, strides: k });
}

function checkBatchNorm(m: BatchNorm1d | BatchNorm2d, fail: (what: string) => TypeError): void {
  if (!m.running_mean || !m.running_var) throw fail('expected running statistics (trackRunningStats true): without them eval mode normalises by batch statistics');
}

function batchNorm(m: BatchNorm1d | BatchNorm2d, s: Site): string {
  const c = m.numFeatures;
  const { emit, scope } = s;
  const scale = m.weight ? emit.param(m.weight, key(s, 'weight')) : emit.constant(scope, new Array<number>(c).fill(1), [c]);
  const bias = m.bias ? emit.param(m.bias, key(s, 'bias')) : emit.constant(scope, new Array<number>(c).fill(0), [c]);
  const mean = emit.param(m.running_mean!, key(s, 'running_mean'));
  const variance = emit.param(m.running_var!, key(s, 'running_var'));
  return emit.node(scope, 'BatchNormalization', [s.input, scale, bias, mean, variance], { epsilon: { float: m.eps } });
}

function layerNorm(m: LayerNorm, s: Site): string {
  const { emit, scope } = s;
  const shape = m.normalizedShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const scale = m.weight ? emit.param(m.weight, key(s, 'weight')) : emit.constant(scope, new Array<number>(size).fill(1), shape);
  const inputs = [s.input, scale];
  if (m.bias) inputs.push(emit.param(m.bias, key(s, 'bias')));
  return emit.node(scope, 'LayerNormalization', inputs, { axis: -shape.length, epsilon: { float: m.eps } });
}

function flatten(m: Flatten, s: Site): string {
  const rank = s.inShape.length;
  const start = m.startDim < 0 ? m.startDim + rank : m.startDim;
  const end = m.endDim < 0 ? m.endDim + rank : m.endDim;
  if (start === 0 && s.dynamicBatch) throw s.fail('expected startDim >= 1: flattening the batch dim needs a fixed batch (dynamicBatch false)');
  if (start === 1 && end === rank - 1) return s.emit.node(s.scope, 'Flatten', [s.input], { axis: 1 });
  // Reshape to the known output shape; the batch dim is copied (0) or, when flattened into, inferred (−1).
  const shape = s.outShape.map((d, i) => (i === 0 ? (start === 0 ? -1 : 0) : d));
  return s.emit.node(s.scope, 'Reshape', [s.input, s.emit.int64s(s.scope, shape)]);
}

/** x·Φ(x) = x/2·(1 + erf(x/√2)), or the tanh form x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as GELU computes. */
function gelu(m: GELU, s: Site): string {
  const { emit, scope, input: x } = s;
  const c = (v: number) => emit.constant(scope, [v]);
  let inner: string;
  if (m.approximate === 'tanh') {
    const x3 = emit.node(scope, 'Mul', [emit.node(scope, 'Mul', [x, x]), x]);
    const poly = emit.node(scope, 'Add', [x, emit.node(scope, 'Mul', [x3, c(0.044715)])]);
    inner = emit.node(scope, 'Tanh', [emit.node(scope, 'Mul', [poly, c(Math.sqrt(2 / Math.PI))])]);
  } else {
    inner = emit.node(scope, 'Erf', [emit.node(scope, 'Mul', [x, c(Math.SQRT1_2)])]);
  }
  const half = emit.node(scope, 'Mul', [x, c(0.5)]);
  return emit.node(scope, 'Mul', [half, emit.node(scope, 'Add', [inner, c(1)])]);
}

/** ln(1 + e^(βx))/β, and x itself where βx > threshold (as Softplus computes). */
function softplus(m: Softplus, s: Site): string {
  const { emit, scope, input: x } = s;
  const bx = m.beta === 1 ? x : emit.node(scope, 'Mul', [x, emit.constant(scope, [m.beta])]);
  let y = emit.node(scope, 'Softplus', [bx]);
  if (m.beta !== 1) y = emit.node(scope, 'Div', [y, emit.constant(scope, [m.beta])]);
  const linearPart = emit.node(scope, 'Greater', [bx, emit.constant(scope, [m.threshold])]);
  return emit.node(scope, 'Where', [linearPart, x, y]);
}

const unary = (op: string) => (_m: Module, s: Site) => s.emit.node(s.scope, op, [s.input]);
const passThrough = (_m: Module, s: Site) => s.input;

export const HANDLERS: Handler[] = [
  handler(Linear, linear),
  handler(Conv1d, conv),
  handler(Conv2d, conv),
  handler(MaxPool2d, pool),
  handler(AvgPool2d, pool),
  handler(AdaptiveAvgPool2d, adaptiveAvg),
  handler(BatchNorm1d, batchNorm, checkBatchNorm),
  handler(BatchNorm2d, batchNorm, checkBatchNorm),
  handler(LayerNorm, layerNorm),
  handler(Flatten, flatten),
  handler(Dropout, passThrough),
  handler(Identity, passThrough),
  handler(ReLU, unary('Relu')),
  handler(LeakyReLU, (m, s) => s.emit.node(s.scope, 'LeakyRelu', [s.input], { alpha: { float: m.negativeSlope } })),
  handler(ELU, (m, s) => s.emit.node(s.scope, 'Elu', [s.input], { alpha: { float: m.alpha } })),
  handler(GELU, gelu),
  handler(Sigmoid, unary('Sigmoid')),
  handler(Tanh, unary('Tanh')),
  handler(SiLU, (_m, s) => s.emit.node(s.scope, 'Mul', [s.input, s.emit.node(s.scope, 'Sigmoid', [s.input])])),
  handler(Softplus, softplus),
  handler(Softmax, (m, s) => s.emit.node(s.scope, 'Softmax', [s.input], { axis: m.dim })),
  handler(LogSoftmax, (m, s) => s.emit.node(s.scope, 'LogSoftmax', [s.input], { axis: m.dim })),
];
