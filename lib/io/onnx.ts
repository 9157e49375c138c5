/**
 * ONNX export (INTEROP.md §3): a model made of nn.Sequential (nested too) and the layers listed in SUPPORTED, or
 * a whole RNN/LSTM/GRU (./onnx_rnn.ts: outputs output, h_n and c_n), becomes an ONNX ModelProto (IR 8, opset 17)
 * with a symbolic batch dimension. Parameters and buffers are FLOAT initializers named by their state dict keys.
 * Shapes are found by running the model once in eval mode on a zero input of `inputShape`; the graph itself is
 * built from the module tree, never from a trace, so a module whose forward the exporter does not know (an
 * unknown class, a subclass, an overridden forward) is a TypeError.
 */
import fs from 'node:fs';
import { noGrad } from '../autograd/grad_mode.js';
import { zeros } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/containers.js';
import { HANDLERS, type Emit } from './onnx_layers.js';
import { isRecurrent, recurrentGraph, type RecurrentGraph } from './onnx_rnn.js';
import { model as encodeModel, node, tensorProto, valueInfo, type AttrValue, type Message } from './onnx_proto.js';
import { PRODUCER } from './state.js';

export interface OnnxExportOptions {
  /**
   * The input's shape, batch first (recurrent models: [time, batch, features], or batch first with batchFirst):
   * the model runs once on zeros of this shape to find every layer's shape.
   */
  inputShape: number[];
  /** Export the batch dim as the symbolic 'batch' (default) rather than its inputShape size. */
  dynamicBatch?: boolean;
  inputName?: string;
  outputName?: string;
}

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Record<string, AttrValue>;
}

const OP = 'nodegrad.exportOnnx';

/** The ONNX bytes of `model` (see the file comment). */
export function encodeOnnx(model: Module, options: OnnxExportOptions): Uint8Array {
  if (!(model instanceof Module)) throw new TypeError(`${OP}: expected model to be a Module, got ${model === null ? 'null' : typeof model}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`${OP}: expected an options object with inputShape`);
  const { inputShape, dynamicBatch = true, inputName = 'input', outputName = 'output' } = options;
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`${OP}: expected inputShape to be a non-empty array of integers >= 1, got ${String(inputShape)}`);
  }
  for (const [k, v] of [['inputName', inputName], ['outputName', outputName]]) {
    if (typeof v !== 'string' || v === '') throw new TypeError(`${OP}: expected ${k} to be a non-empty string, got ${String(v)}`);
  }
  if (inputName === outputName) throw new TypeError(`${OP}: expected inputName and outputName to differ, got '${inputName}' twice`);

  const names = new Map<Tensor, string>();
  for (const [k, t] of model.namedParameters()) names.set(t, k);
  for (const [k, t] of model.namedBuffers()) names.set(t, k);
  const nodes: NodeSpec[] = [];
  const initializers: Message[] = [];
  const emitted = new Set<string>();
  let counter = 0;

  const emit: Emit = {
    node(scope, op, inputs, attrs = {}) {
      return emit.nodes(scope, op, inputs, 1, attrs)[0];
    },
    nodes(scope, op, inputs, count, attrs = {}) {
      const name = `${scope}/${op}_${counter++}`;
      const outputs = Array.from({ length: count }, (_, i) => (count === 1 ? name : `${name}:${i}`));
      nodes.push({ op, inputs, outputs, name, attrs });
      return outputs;
    },
    tensor(name, shape, data) {
      initializers.push(tensorProto(name, shape, data));
      return name;
    },
    param(t, path) {
      const name = names.get(t) ?? path;
      if (!emitted.has(name)) {
        emitted.add(name);
        initializers.push(tensorProto(name, t.shape, Float32Array.from(t.contiguous().data)));
      }
      return name;
    },
    constant(scope, values, shape = []) {
      const name = `${scope}/const_${counter++}`;
      initializers.push(tensorProto(name, shape, Float32Array.from(values)));
      return name;
    },
    int64s(scope, values) {
      const name = `${scope}/shape_${counter++}`;
      initializers.push(tensorProto(name, [values.length], BigInt64Array.from(values.map(BigInt))));
      return name;
    },
  };

  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  let graph: RecurrentGraph;
  try {
    graph = noGrad(() => {
      if (isRecurrent(model)) return recurrentGraph(model, inputName, inputShape, dynamicBatch, emit, (what) => new TypeError(`${OP}: ${describe('', model)}: ${what}`));
      const last = walk(model, '', { name: inputName, value: zeros(inputShape) }, { emit, dynamicBatch });
      const sym = (shape: readonly number[]) => (dynamicBatch ? ['batch', ...shape.slice(1)] : [...shape]);
      return { input: sym(inputShape), outputs: [{ name: last.name, shape: sym(last.value.shape) }] };
    });
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
  const outputNames = [outputName, 'h_n', 'c_n'];
  graph.outputs.forEach((o, i) => nameOutput(nodes, o.name, outputNames[i]));
  return encodeModel({
    nodes: nodes.map((n) => node(n.op, n.inputs, n.outputs, n.name, n.attrs)),
    initializers,
    inputs: [valueInfo(inputName, graph.input)],
    outputs: graph.outputs.map((o, i) => valueInfo(outputNames[i], o.shape)),
    graphName: model.constructor.name,
    producerVersion: PRODUCER.split(' ')[1],
  });
}

/** Renames the node output `from` (and its uses) to the graph output name `to`, or adds an Identity node. */
function nameOutput(nodes: NodeSpec[], from: string, to: string): void {
  const producer = nodes.find((n) => n.outputs.includes(from));
  if (!producer) {
    nodes.push({ op: 'Identity', inputs: [from], outputs: [to], name: `${to}/Identity`, attrs: {} });
    return;
  }
  for (const n of nodes) {
    n.outputs = n.outputs.map((o) => (o === from ? to : o));
    n.inputs = n.inputs.map((i) => (i === from ? to : i));
  }
}

/** Writes `encodeOnnx(model, options)` to `path`. */
export function exportOnnx(model: Module, path: string, options: OnnxExportOptions): void {
  if (typeof path !== 'string') throw new TypeError(`${OP}: expected path to be a string, got ${typeof path}`);
  fs.writeFileSync(path, encodeOnnx(model, options));
}

interface Value {
  name: string;
  /** The value nodegrad computes for the zero input: only its shape is used. */
  value: Tensor;
}

function describe(path: string, m: Module): string {
  return `'${path || '<root>'}' (${m.constructor.name})`;
}

/** Exactly this class with its own forward: a subclass or an instance-level forward is a different function. */
function isExactly(m: Module, cls: Function): boolean {
  return Object.getPrototypeOf(m) === cls.prototype && m.forward === cls.prototype.forward;
}

function walk(m: Module, path: string, x: Value, ctx: { emit: Emit; dynamicBatch: boolean }): Value {
  if (isExactly(m, Sequential)) {
    let y = x;
    for (const [name, child] of m.namedChildren()) y = walk(child, path ? `${path}.${name}` : name, y, ctx);
    return y;
  }
  const handler = HANDLERS.find((h) => isExactly(m, h.cls));
  if (!handler) {
    const why = isRecurrent(m)
      ? 'a recurrent layer, which exports only as the whole model (its forward returns a tuple)'
      : m instanceof Sequential || HANDLERS.some((h) => m instanceof h.cls)
        ? 'a subclass or overridden forward of a supported module'
        : 'a module type with no ONNX mapping';
    throw new TypeError(`${OP}: expected only supported modules (${SUPPORTED.join(', ')}), but ${describe(path, m)} is ${why}`);
  }
  const fail = (what: string) => new TypeError(`${OP}: ${describe(path, m)}: ${what}`);
  handler.check?.(m, fail);
  const value = m.forward(x.value) as Tensor;
  const scope = path || m.constructor.name;
  const name = handler.emit(m, { scope, path, input: x.name, inShape: x.value.shape, outShape: value.shape, ...ctx, fail });
  return { name, value };
}

/** Module types the exporter maps, for messages and the README. */
export const SUPPORTED = ['Sequential', ...HANDLERS.map((h) => h.cls.name)];
