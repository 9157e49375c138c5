/**
 * PyTorch interop, against fixtures written by scripts/make_fixtures.py (PyTorch 1.13): a PyTorch state dict
 * loads into the matching nodegrad model (strict) and gives PyTorch's outputs; a state dict saved by nodegrad
 * has exactly PyTorch's keys, dtypes and shapes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../lib/io/safetensors.js';
import { load } from '../../lib/io/state.js';
import {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, Dropout, Flatten, GELU, MaxPool2d, Embedding, GRU, GRUCell, LayerNorm, Linear, LSTM, LSTMCell, type Module, ModuleDict, ReLU, RNN,
  RNNCell, Sequential, Tanh,
} from '../../lib/nn/index.js';
import type { Tensor } from '../../lib/tensor.js';
import { expectClose } from '../helpers/close.js';
import { repoRoot } from '../helpers/child.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-interop-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** name → {dtype, shape} from a file's header. */
function layout(file: string): Record<string, { dtype: string; shape: number[] }> {
  const { tensors } = decodeSafetensors(fs.readFileSync(file), file);
  return Object.fromEntries([...tensors].map(([k, t]) => [k, { dtype: t.dtype, shape: t.shape }]));
}

interface Case {
  make: () => Module;
  run: (m: Module, io: Record<string, Tensor>) => Record<string, Tensor>;
}

const single = (m: Module, io: Record<string, Tensor>) => ({ output: m.forward(io.input) as Tensor });

export const modelCases: Record<string, Case> = {
  mlp: { make: () => new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3)), run: single },
  bn1d: {
    make: () => new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Tanh(), new Dropout(0.5), new Linear(4, 2)),
    run: single,
  },
  embedding: { make: () => new Sequential(new Embedding(10, 6), new LayerNorm(6)), run: single },
  cnn: {
    make: () => new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
      new Conv2d(4, 6, 3, { groups: 2 }), new ReLU(), new AvgPool2d(2, { stride: 1 }), new AdaptiveAvgPool2d(1),
      new Flatten(), new Linear(6, 3),
    ),
    run: single,
  },
  conv1d: {
    make: () => new Sequential(new Conv1d(2, 3, 3, { padding: 1 }), new GELU(), new Conv1d(3, 2, 2, { stride: 2, dilation: 2 })),
    run: single,
  },
  lstm: {
    make: () => new LSTM(3, 5, { numLayers: 2, bidirectional: true, batchFirst: true }),
    run: (m, io) => {
      const [output, [h_n, c_n]] = (m as LSTM).forward(io.input, [io.h0, io.c0]);
      return { output, h_n, c_n };
    },
  },
  gru: {
    make: () => new GRU(3, 4),
    run: (m, io) => {
      const [output, h_n] = (m as GRU).forward(io.input);
      return { output, h_n };
    },
  },
  rnn: {
    make: () => new RNN(3, 4, { numLayers: 2 }),
    run: (m, io) => {
      const [output, h_n] = (m as RNN).forward(io.input);
      return { output, h_n };
    },
  },
  conv_same: {
    make: () => new ModuleDict({ c2: new Conv2d(2, 3, [4, 3], { padding: 'same', dilation: [1, 2] }), c1: new Conv1d(2, 2, 4, { padding: 'same' }) }),
    run: (m, io) => {
      const d = m as ModuleDict;
      return { y2: d.get('c2')!.forward(io.x2) as Tensor, y1: d.get('c1')!.forward(io.x1) as Tensor };
    },
  },
  cells: {
    make: () => new ModuleDict({ lstm: new LSTMCell(3, 4), gru: new GRUCell(3, 4), rnn: new RNNCell(3, 4) }),
    run: (m, io) => {
      const d = m as ModuleDict;
      const [lstm_h, lstm_c] = (d.get('lstm') as LSTMCell).forward(io.input, [io.h0, io.c0]);
      return {
        lstm_h, lstm_c, gru_h: (d.get('gru') as GRUCell).forward(io.input, io.h0), rnn_h: (d.get('rnn') as RNNCell).forward(io.input, io.h0),
      };
    },
  },
};

export function checkInterop(cases: Record<string, Case>): void {
  for (const [name, { make, run }] of Object.entries(cases)) {
    describe(name, () => {
      it("loads PyTorch's state dict strictly and reproduces PyTorch's outputs", () => {
        const model = make();
        expect(model.load(path.join(fixtures, `${name}.safetensors`))).toEqual({ missingKeys: [], unexpectedKeys: [] });
        model.eval();
        const io = load(path.join(fixtures, `${name}.io.safetensors`));
        const outs = run(model, io);
        for (const [key, y] of Object.entries(outs)) {
          const ref = io[key];
          expect(y.shape, key).toEqual(ref.shape);
          expectClose(y.data, ref.data, (i) => 1e-5 * Math.abs(ref.data[i]) + 1e-6, `${name}.${key}`);
        }
      });

      it("saves exactly PyTorch's key names, dtypes and shapes", () => {
        const file = path.join(tmp, `${name}.safetensors`);
        make().save(file);
        expect(layout(file)).toEqual(layout(path.join(fixtures, `${name}.safetensors`)));
        // And the bytes of a loaded-then-saved model equal PyTorch's tensors.
        const model = make();
        model.load(path.join(fixtures, `${name}.safetensors`));
        model.save(file);
        const ours = decodeSafetensors(fs.readFileSync(file)).tensors;
        for (const [k, t] of decodeSafetensors(fs.readFileSync(path.join(fixtures, `${name}.safetensors`))).tensors) {
          expect(Array.from(ours.get(k)!.data as ArrayLike<number | bigint>), k).toEqual(Array.from(t.data as ArrayLike<number | bigint>));
        }
      });
    });
  }
}

checkInterop(modelCases);

describe('half-precision files saved by PyTorch (F16, BF16) load into a float32 model', () => {
  const io = load(path.join(fixtures, 'halves.io.safetensors'));
  for (const [name, dtype] of [['f16', 'F16'], ['bf16', 'BF16']] as const) {
    it(`mlp.${name}: widened exactly as PyTorch's .float(), and gives the rounded model's outputs`, () => {
      const file = path.join(fixtures, `mlp.${name}.safetensors`);
      const bytes = fs.readFileSync(file);
      const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
      expect(header['0.weight'].dtype).toBe(dtype);
      const model = modelCases.mlp.make();
      expect(model.load(file)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      for (const [k, t] of Object.entries(model.stateDict())) {
        expect(t.dtype).toBe('float32');
        expect(Buffer.from(t.data.buffer), k).toEqual(Buffer.from(io[`${name}.${k}`].data.buffer));
      }
      const y = model.forward(io.input) as Tensor;
      const ref = io[`output_${name}`];
      expectClose(y.data, ref.data, (i) => 1e-5 * Math.abs(ref.data[i]) + 1e-6, `${name} output`);
    });
  }
});

