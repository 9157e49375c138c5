/**
 * RNN, LSTM and GRU as ONNX RNN/LSTM/GRU nodes, one per layer (INTEROP.md §3.2). ONNX orders the gate blocks
 * differently: LSTM i, o, f, c (PyTorch i, f, g, o) and GRU z, r, h (PyTorch r, z, n), and PyTorch's GRU applies
 * the reset gate after the recurrent matmul, which is ONNX's linear_before_reset=1. Per layer, W [D, G·H, in],
 * R [D, G·H, H] and B [D, 2·G·H] = (b_ih, b_hh) are new initializers named `<key>.onnx_W/R/B`; Y [T, D, B, H] is
 * transposed and reshaped to PyTorch's [T, B, D·H], and the layers' final states are concatenated into [L·D, B, H].
 */
import type { Tensor } from '../tensor.js';
import { GRU, LSTM, RNN } from '../nn/rnn.js';
import type { Module } from '../nn/module.js';
import type { Emit } from './onnx_layers.js';

type Recurrent = RNN | LSTM | GRU;

/** Exactly one of the recurrent classes (no subclass, no overridden forward). */
export function isRecurrent(m: Module): m is Recurrent {
  return [RNN, LSTM, GRU].some((cls) => Object.getPrototypeOf(m) === cls.prototype && m.forward === cls.prototype.forward);
}

/** Gate blocks of PyTorch's rows in ONNX order. */
function order(m: Recurrent): number[] {
  if (m.mode === 'lstm') return [0, 3, 1, 2];
  if (m.mode === 'gru') return [1, 0, 2];
  return [0];
}

/** Rows of [G·H, cols] regrouped by gate block order, appended to out at `at`. */
function reorder(t: Tensor, blocks: number[], h: number, out: Float32Array, at: number): number {
  const data = t.contiguous().data;
  const cols = t.shape.length === 2 ? t.shape[1] : 1;
  for (const b of blocks) {
    out.set(data.subarray(b * h * cols, (b + 1) * h * cols), at);
    at += h * cols;
  }
  return at;
}

export interface RecurrentGraph {
  /** Output value names with their ONNX shapes, in forward's order (output, h_n, c_n). */
  outputs: Array<{ name: string; shape: Array<number | string> }>;
  input: Array<number | string>;
}

/** Emits the nodes of `m` applied to the graph input `x` of inputShape ([T, B, I], or [B, T, I] with batchFirst). */
export function recurrentGraph(m: Recurrent, x: string, inputShape: readonly number[], dynamicBatch: boolean, emit: Emit, fail: (what: string) => TypeError): RecurrentGraph {
  if (inputShape.length !== 3) throw fail(`expected inputShape of rank 3 (${m.batchFirst ? '[batch, time, features]' : '[time, batch, features]'}), got [${inputShape.join(', ')}]`);
  if (inputShape[2] !== m.inputSize) throw fail(`expected ${m.inputSize} features in inputShape's last dim, got [${inputShape.join(', ')}]`);
  const D = m.bidirectional ? 2 : 1;
  const H = m.hiddenSize;
  const G = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 }[m.mode];
  const blocks = order(m);
  const op = m.mode === 'lstm' ? 'LSTM' : m.mode === 'gru' ? 'GRU' : 'RNN';
  const attrs = {
    hidden_size: H,
    direction: { string: m.bidirectional ? 'bidirectional' : 'forward' },
    ...(m.mode === 'gru' ? { linear_before_reset: 1 } : {}),
    ...(op === 'RNN' ? { activations: { strings: new Array<string>(D).fill(m.mode === 'rnn_relu' ? 'Relu' : 'Tanh') } } : {}),
  };
  const p = (name: string) => m[name] as Tensor;
  let seq = m.batchFirst ? emit.node('input', 'Transpose', [x], { perm: [1, 0, 2] }) : x;
  const hs: string[] = [];
  const cs: string[] = [];
  for (let l = 0; l < m.numLayers; l++) {
    const scope = `l${l}`;
    const suffix = (d: number) => `_l${l}${d === 1 ? '_reverse' : ''}`;
    const inSize = l === 0 ? m.inputSize : D * H;
    const W = new Float32Array(D * G * H * inSize);
    const R = new Float32Array(D * G * H * H);
    const B = new Float32Array(D * 2 * G * H);
    for (let d = 0; d < D; d++) {
      reorder(p(`weight_ih${suffix(d)}`), blocks, H, W, d * G * H * inSize);
      reorder(p(`weight_hh${suffix(d)}`), blocks, H, R, d * G * H * H);
      if (m.bias) reorder(p(`bias_hh${suffix(d)}`), blocks, H, B, reorder(p(`bias_ih${suffix(d)}`), blocks, H, B, d * 2 * G * H));
    }
    const inputs = [
      seq,
      emit.tensor(`weight_ih_l${l}.onnx_W`, [D, G * H, inSize], W),
      emit.tensor(`weight_hh_l${l}.onnx_R`, [D, G * H, H], R),
    ];
    if (m.bias) inputs.push(emit.tensor(`bias_l${l}.onnx_B`, [D, 2 * G * H], B));
    const [y, yh, yc] = emit.nodes(scope, op, inputs, op === 'LSTM' ? 3 : 2, attrs);
    hs.push(yh);
    if (yc) cs.push(yc);
    // [T, D, B, H] → [T, B, D, H] → [T, B, D·H].
    const tbdh = emit.node(scope, 'Transpose', [y], { perm: [0, 2, 1, 3] });
    seq = emit.node(scope, 'Reshape', [tbdh, emit.int64s(scope, [0, 0, -1])]);
  }
  const out = m.batchFirst ? emit.node('output', 'Transpose', [seq], { perm: [1, 0, 2] }) : seq;
  const states = (list: string[]) => (list.length === 1 ? list[0] : emit.node('state', 'Concat', list, { axis: 0 }));
  const [d0, d1] = inputShape;
  const batch = dynamicBatch ? 'batch' : m.batchFirst ? d0 : d1;
  const time = m.batchFirst ? d1 : d0;
  const input = m.batchFirst ? [batch, time, m.inputSize] : [time, batch, m.inputSize];
  const stateShape = [m.numLayers * D, batch, H];
  const outputs = [
    { name: out, shape: m.batchFirst ? [batch, time, D * H] : [time, batch, D * H] },
    { name: states(hs), shape: stateShape },
  ];
  if (cs.length) outputs.push({ name: states(cs), shape: stateShape });
  return { outputs, input };
}
