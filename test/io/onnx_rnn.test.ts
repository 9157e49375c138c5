/**
 * RNN, LSTM and GRU exported to ONNX and run by onnxruntime-web against nodegrad's forward on a float64 copy:
 * every output (output, h_n and for LSTM c_n) within TESTING.md's unrolled-recurrence bound, at two batch sizes.
 * Random weights make every gate block distinct, so a wrong gate order or reset placement is an O(1) error.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeOnnx } from '../../lib/io/onnx.js';
import { nn, Tensor } from '../../lib/index.js';
import type { RecurrentOptions } from '../../lib/nn/rnn.js';
import { expectClose } from '../helpers/close.js';
import { rng } from '../helpers/rng.js';

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

type Kind = 'RNN' | 'LSTM' | 'GRU';
type Options = RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' };

function make(kind: Kind, inputSize: number, hidden: number, options: Options): nn.Module {
  if (kind === 'LSTM') return new nn.LSTM(inputSize, hidden, options);
  if (kind === 'GRU') return new nn.GRU(inputSize, hidden, options);
  return new nn.RNN(inputSize, hidden, options);
}

/** The flattened tensors of forward's result: output, h_n (, c_n). */
function outputs(y: unknown): Tensor[] {
  return (y as unknown[]).flat() as Tensor[];
}

async function check(kind: Kind, options: Options, salt: number): Promise<void> {
  const r = rng(salt);
  const [I, H, T] = [5, 4, 6];
  const m32 = make(kind, I, H, { ...options, dtype: 'float32' });
  for (const t of Object.values(m32.stateDict())) for (let i = 0; i < t.data.length; i++) t.data[i] = r.uniform(-0.8, 0.8);
  const m64 = make(kind, I, H, { ...options, dtype: 'float64' });
  m64.loadStateDict(m32.stateDict());
  m64.eval();
  const shape = (b: number) => (options.batchFirst ? [b, T, I] : [T, b, I]);
  const session = await ort.InferenceSession.create(encodeOnnx(m32, { inputShape: shape(2) }));
  expect(session.outputNames).toEqual(kind === 'LSTM' ? ['output', 'h_n', 'c_n'] : ['output', 'h_n']);
  for (const b of [1, 3]) {
    const x = new Tensor(Float64Array.from(r.f32(T * b * I)), shape(b));
    const refs = outputs(m64.forward(x));
    const got = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.data), x.shape) });
    session.outputNames.forEach((name, i) => {
      expect(got[name].dims, name).toEqual(refs[i].shape);
      expectClose(got[name].data as Float32Array, refs[i].data, (j) => 1e-5 + 1e-4 * Math.abs(refs[i].data[j]), `${kind} ${name}, batch ${b}`);
    });
  }
  await session.release();
}

describe('ONNX export of recurrent layers, run by onnxruntime-web', () => {
  it('LSTM: one layer; two layers bidirectional batch-first; no bias', async () => {
    await check('LSTM', {}, 1);
    await check('LSTM', { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.5 }, 2);
    await check('LSTM', { bias: false }, 3);
  });

  it('GRU: one layer; two layers bidirectional; batch-first without bias', async () => {
    await check('GRU', {}, 4);
    await check('GRU', { numLayers: 2, bidirectional: true }, 5);
    await check('GRU', { batchFirst: true, bias: false }, 6);
  });

  it('RNN: tanh and relu, bidirectional', async () => {
    await check('RNN', { numLayers: 2 }, 7);
    await check('RNN', { nonlinearity: 'relu', bidirectional: true }, 8);
  });

  it('rejects inputs that are not [time, batch, features] sequences, and recurrent layers inside Sequential', () => {
    const lstm = new nn.LSTM(3, 2);
    expect(() => encodeOnnx(lstm, { inputShape: [4, 3] })).toThrow(/^nodegrad\.exportOnnx: '<root>' \(LSTM\): expected inputShape of rank 3/);
    expect(() => encodeOnnx(lstm, { inputShape: [4, 1, 5] })).toThrow(/expected 3 features/);
    expect(() => encodeOnnx(new nn.Sequential(new nn.GRU(3, 2)), { inputShape: [4, 1, 3] })).toThrow(/'0' \(GRU\) is a recurrent layer, which exports only as the whole model/);
  });
});
