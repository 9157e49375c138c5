/**
 * ONNX export, validated by a real ONNX runtime: each model gets seeded random weights (and random running
 * statistics), is exported, and runs in onnxruntime-web (WASM) at several batch sizes; the output is compared
 * with nodegrad's eval-mode forward, both the float32 model and a float64 copy (the reference).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeOnnx, exportOnnx } from '../../lib/io/onnx.js';
import { nn, Tensor } from '../../lib/index.js';
import { EPS32, expectClose } from '../helpers/close.js';
import { rng, type Rng } from '../helpers/rng.js';
import { all, one, packed, str } from './onnx_reader.js';

type Dtype = 'float32' | 'float64';
type Build = (dtype: Dtype) => nn.Module;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

/** Random weights: normal·scale for parameters, random running means and variances in [0.5, 2]. */
function randomize(m: nn.Module, r: Rng): void {
  for (const [name, t] of Object.entries(m.stateDict())) {
    if (name.endsWith('num_batches_tracked')) continue;
    const d = t.data;
    for (let i = 0; i < d.length; i++) d[i] = name.endsWith('running_var') ? r.uniform(0.5, 2) : r.normal() * 0.5;
  }
}

function input(shape: number[], r: Rng, dtype: Dtype): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? Float64Array.from(r.f32(n)) : r.f32(n);
  return new Tensor(data, shape);
}

async function runOrt(session: ort.InferenceSession, x: Tensor): Promise<ort.Tensor> {
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(x.data), x.shape) });
  return out[session.outputNames[0]];
}

/**
 * Exports build('float32') with random weights and checks ONNX Runtime against the float64 copy at each batch
 * size. The bound is a network-level version of TESTING.md's GEMM bound: (K + 2)·eps32·(|ref| + 1) with K the
 * sum of the reduction lengths along the path (`depth`), enough for float32 rounding and far below the O(1)
 * errors of a wrong weight layout, attribute or op.
 */
async function check(build: Build, sampleShape: number[], depth: number, { batches = [1, 3, 5], salt = 0 } = {}): Promise<void> {
  const r = rng(salt);
  const m32 = build('float32');
  randomize(m32, r);
  m32.train();
  const m64 = build('float64');
  m64.loadStateDict(m32.stateDict());
  m64.eval();
  const bytes = encodeOnnx(m32, { inputShape: [2, ...sampleShape] });
  expect(m32.training).toBe(true);
  m32.eval();
  const session = await ort.InferenceSession.create(bytes);
  for (const n of batches) {
    const x = input([n, ...sampleShape], r, 'float64');
    const ref = m64.forward(x) as Tensor;
    const got = await runOrt(session, x);
    expect(got.dims).toEqual(ref.shape);
    const bound = (i: number) => (depth + 2) * EPS32 * (Math.abs(ref.data[i]) + 1);
    expectClose(got.data as Float32Array, ref.data, bound, `onnxruntime, batch ${n}`);
    expectClose((m32.forward(new Tensor(Float32Array.from(x.data), x.shape)) as Tensor).data, ref.data, bound, `nodegrad float32, batch ${n}`);
  }
  await session.release();
}

describe('ONNX export, run by onnxruntime-web', () => {
  it('MLP: Linear, ReLU, Dropout, Tanh, LogSoftmax', async () => {
    const build: Build = (dtype) => new nn.Sequential(
      new nn.Linear(12, 32, { dtype }), new nn.ReLU(), new nn.Dropout(0.3),
      new nn.Linear(32, 16, { dtype }), new nn.Tanh(),
      new nn.Linear(16, 5, { bias: false, dtype }), new nn.LogSoftmax(1),
    );
    await check(build, [12], 12 + 32 + 16);
  });

  it('LeNet-5: conv, BatchNorm, pools, Flatten, nested Sequential, GELU, Sigmoid, Softmax', async () => {
    const build: Build = (dtype) => new nn.Sequential({
      features: new nn.Sequential(
        new nn.Conv2d(1, 6, 5, { padding: 2, dtype }), new nn.BatchNorm2d(6, { dtype }), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Conv2d(6, 16, 5, { dtype }), new nn.Tanh(), new nn.AvgPool2d(2),
      ),
      flatten: new nn.Flatten(),
      classifier: new nn.Sequential(
        new nn.Linear(400, 120, { dtype }), new nn.BatchNorm1d(120, { dtype }), new nn.GELU(),
        new nn.Linear(120, 84, { dtype }), new nn.Sigmoid(), new nn.Dropout(), new nn.Linear(84, 10, { dtype }), new nn.Softmax(-1),
      ),
    });
    await check(build, [1, 28, 28], 25 + 150 + 4 + 400 + 120 + 84, { batches: [1, 4] });
  });

  it('conv geometry: stride, padding, dilation, groups, asymmetric same padding; pools in ceil mode', async () => {
    const build: Build = (dtype) => new nn.Sequential(
      new nn.Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2, dtype }),
      new nn.LeakyReLU(0.2),
      // An even kernel under 'same' pads one more at the bottom/right.
      new nn.Conv2d(6, 6, 4, { padding: 'same', dilation: [1, 3], groups: 3, dtype }),
      new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true, dilation: [1, 2] }),
      new nn.Conv2d(6, 8, 1, { bias: false, dtype }),
      new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
      new nn.ELU(0.7),
      new nn.AvgPool2d([2, 3], { stride: [1, 2], padding: [1, 1], ceilMode: true }),
      new nn.AdaptiveAvgPool2d(1),
      new nn.Flatten(),
      new nn.Linear(8, 3, { dtype }),
    );
    await check(build, [4, 13, 11], 12 + 32 + 9 + 6 + 9 + 6 + 8);
  });

  it('Conv1d, BatchNorm1d over [N, C, L], LayerNorm over 2 dims, SiLU, Softplus, GELU tanh, Flatten(2), Linear on rank 3', async () => {
    const build: Build = (dtype) => new nn.Sequential(
      new nn.Conv1d(3, 8, 4, { padding: 'same', dilation: 2, dtype }), new nn.BatchNorm1d(8, { dtype }), new nn.SiLU(),
      new nn.Conv1d(8, 8, 3, { stride: 2, padding: 1, groups: 4, dtype }), new nn.Softplus(2, 1),
      new nn.LayerNorm([8, 5], 1e-4, { dtype }), new nn.GELU('tanh'),
      new nn.Linear(5, 6, { dtype }), new nn.BatchNorm1d(8, { affine: false, dtype }),
      new nn.LayerNorm(6, 1e-5, { elementwiseAffine: false, dtype }),
      new nn.Flatten(1, 2), new nn.Softplus(), new nn.Identity(),
    );
    await check(build, [3, 10], 12 + 6 + 40 + 5 + 6);
  });

  it('AdaptiveAvgPool2d to a size that divides the input, Flatten(2, 3) as Reshape', async () => {
    const build: Build = (dtype) => new nn.Sequential(
      new nn.Conv2d(2, 3, 3, { padding: 1, dtype }), new nn.AdaptiveAvgPool2d([2, 3]), new nn.Flatten(2, 3), new nn.Softmax(1),
    );
    await check(build, [2, 8, 9], 18 + 12);
  });

  it('writes a file (exportOnnx) that onnxruntime loads by path, with a fixed batch when asked', async () => {
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.Flatten(0));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-onnx-'));
    const file = path.join(dir, 'm.onnx');
    exportOnnx(m, file, { inputShape: [4, 3], dynamicBatch: false, inputName: 'x', outputName: 'y' });
    const session = await ort.InferenceSession.create(file);
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const x = input([4, 3], rng(1), 'float32');
    const got = await runOrt(session, x);
    const ref = m.eval().forward(x) as Tensor;
    expect(got.dims).toEqual([8]);
    expectClose(got.data as Float32Array, ref.data, (i) => 5 * EPS32 * (Math.abs(ref.data[i]) + 1));
    await session.release();
    fs.rmSync(dir, { recursive: true });
  });
});

describe('ONNX export: the ModelProto', () => {
  it('has IR 8, opset 17, a symbolic batch dim and the state dict as FLOAT raw_data initializers', () => {
    const m = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.Flatten(), new nn.Linear(8, 2));
    randomize(m, rng(2));
    const bytes = encodeOnnx(m, { inputShape: [1, 1, 4, 4] });
    expect(Number(one(bytes, 1).int)).toBe(8);
    const opset = one(bytes, 8).bytes;
    expect(all(opset, 1).map(str).join('')).toBe('');
    expect(Number(one(opset, 2).int)).toBe(17);
    const graph = one(bytes, 7).bytes;
    const dims = (vi: Uint8Array) => all(one(one(one(vi, 2).bytes, 1).bytes, 2).bytes, 1).map((d) => d.bytes);
    const inDims = dims(one(graph, 11).bytes);
    expect(str(one(inDims[0], 2))).toBe('batch');
    expect(inDims.slice(1).map((d) => Number(one(d, 1).int))).toEqual([1, 4, 4]);
    expect(dims(one(graph, 12).bytes).slice(1).map((d) => Number(one(d, 1).int))).toEqual([2]);

    const state = m.stateDict();
    const inits = all(graph, 5).map((f) => f.bytes);
    const expected = Object.keys(state).filter((k) => !k.endsWith('num_batches_tracked'));
    expect(inits.map((t) => str(one(t, 8)))).toEqual(expected);
    for (const t of inits) {
      const name = str(one(t, 8));
      expect(Number(one(t, 2).int)).toBe(1);
      expect(packed(one(t, 1))).toEqual(state[name].shape);
      expect(Buffer.from(one(t, 9).bytes)).toEqual(Buffer.from(state[name].data.buffer, state[name].data.byteOffset, state[name].data.byteLength));
    }
    const ops = all(graph, 1).map((n) => str(one(n.bytes, 4)));
    expect(ops).toEqual(['Conv', 'BatchNormalization', 'Flatten', 'Gemm']);
  });

  it('leaves the model as it was: training flags, running statistics and the batch counter', () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Dropout());
    randomize(m, rng(3));
    m.train();
    (m.at(1) as nn.Module).eval();
    const before = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
    encodeOnnx(m, { inputShape: [5, 3] });
    expect([...m.modules()].map((x) => x.training)).toEqual([true, true, false, true]);
    expect(Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.data)]))).toEqual(before);
  });
});

describe('ONNX export: what it cannot express is a TypeError naming the module', () => {
  class Block extends nn.Module {
    fc = new nn.Linear(2, 2);
    override forward(x: Tensor): Tensor {
      return this.fc.forward(x).add(x);
    }
  }
  class ScaledLinear extends nn.Linear {
    override forward(x: Tensor): Tensor {
      return super.forward(x).mul(2);
    }
  }
  const opts = { inputShape: [1, 2] };

  it('rejects unknown modules, subclasses and overridden forwards, with the path and type', () => {
    expect(() => encodeOnnx(new nn.Sequential(new nn.ReLU(), new nn.Sequential(new nn.Identity(), new Block())), opts))
      .toThrow(TypeError);
    expect(() => encodeOnnx(new nn.Sequential(new nn.ReLU(), new nn.Sequential(new nn.Identity(), new Block())), opts))
      .toThrow(/^nodegrad\.exportOnnx: expected only supported modules .*'1\.1' \(Block\) is a module type with no ONNX mapping/);
    expect(() => encodeOnnx(new nn.Sequential({ head: new ScaledLinear(2, 2) }), opts)).toThrow(/'head' \(ScaledLinear\) is a subclass or overridden forward/);
    const patched = new nn.Linear(2, 2);
    patched.forward = (x: Tensor) => x;
    expect(() => encodeOnnx(new nn.Sequential(patched), opts)).toThrow(/'0' \(Linear\) is a subclass or overridden forward/);
    expect(() => encodeOnnx(new Block(), opts)).toThrow(/'<root>' \(Block\)/);
    expect(() => encodeOnnx(new nn.Sequential(new nn.ModuleList([new nn.ReLU()])), opts)).toThrow(/'0' \(ModuleList\)/);
    expect(() => encodeOnnx(new nn.Sequential(new nn.Embedding(4, 2)), opts)).toThrow(/'0' \(Embedding\)/);
  });

  it('rejects layers whose eval form ONNX does not have', () => {
    const bn = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3, { trackRunningStats: false }));
    expect(() => encodeOnnx(bn, opts)).toThrow(/'1' \(BatchNorm1d\): expected running statistics/);
    const pool = new nn.Sequential(new nn.AdaptiveAvgPool2d(3));
    expect(() => encodeOnnx(pool, { inputShape: [1, 1, 5, 5] })).toThrow(/'0' \(AdaptiveAvgPool2d\): expected an output size that divides/);
    expect(() => encodeOnnx(new nn.Sequential(new nn.Flatten(0)), opts)).toThrow(/'0' \(Flatten\): expected startDim >= 1/);
  });

  it('checks its arguments', () => {
    const m = new nn.Sequential(new nn.ReLU());
    expect(() => encodeOnnx({} as nn.Module, opts)).toThrow(/^nodegrad\.exportOnnx: expected model to be a Module/);
    expect(() => encodeOnnx(m, { inputShape: [1, 0] })).toThrow(RangeError);
    expect(() => encodeOnnx(m, {} as { inputShape: number[] })).toThrow(/expected inputShape/);
    expect(() => encodeOnnx(m, { inputShape: [1], inputName: 'a', outputName: 'a' })).toThrow(/to differ/);
    expect(() => exportOnnx(m, 3 as unknown as string, opts)).toThrow(/expected path to be a string/);
  });
});
