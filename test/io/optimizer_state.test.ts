import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOptimizerState, encodeOptimizerState } from '../../lib/io/optimizer_state.js';
import { encodeSafetensors, type RawTensor } from '../../lib/io/safetensors.js';
import { encodeStateDict } from '../../lib/io/state.js';
import { Adam, type Optimizer, RMSprop, SGD } from '../../lib/optim/index.js';
import { tensor } from '../../lib/ops/creation.js';
import { Tensor } from '../../lib/tensor.js';
import { rng } from '../helpers/rng.js';

describe('optimizer state files', () => {
  const makers: Record<string, (a: Tensor, b: Tensor) => Optimizer<any>> = {
    'Adam, two groups, amsgrad': (a, b) => new Adam([{ params: [a] }, { params: [b], lr: 0.1, betas: [0.5, 0.6] }], { amsgrad: true }),
    'SGD momentum': (a, b) => new SGD([a, b], { lr: 0.01, momentum: 0.9, nesterov: true }),
    'RMSprop centered, float64': (a, b) => new RMSprop([a, b], { centered: true, momentum: 0.2 }),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: save, load into a fresh optimizer, continue bitwise identically`, () => {
      const r = rng(21);
      const A = name.includes('float64') ? Float64Array : Float32Array;
      const grads = Array.from({ length: 6 }, () => [A.from(r.f32(3)), A.from(r.f32(2))]);
      const a = new Tensor(A.from(r.f32(3)), [3]);
      const b = new Tensor(A.from(r.f32(2)), [2]);
      const opt = make(a, b);
      const run = (o: Optimizer<any>, x: Tensor, y: Tensor, from: number, to: number) => {
        for (let t = from; t < to; t++) {
          x.grad = new Tensor(grads[t][0].slice(), [3]);
          y.grad = new Tensor(grads[t][1].slice(), [2]);
          o.step();
        }
      };
      run(opt, a, b, 0, 3);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-opt-')), 'opt.safetensors');
      opt.save(file);
      const a2 = new Tensor(a.data.slice(), [3]);
      const b2 = new Tensor(b.data.slice(), [2]);
      const opt2 = make(a2, b2);
      opt2.load(file);
      expect(opt2.paramGroups.map(({ params: _, ...o }) => o)).toEqual(opt.paramGroups.map(({ params: _, ...o }) => o));
      run(opt, a, b, 3, 6);
      run(opt2, a2, b2, 3, 6);
      expect(Buffer.from(a2.data.buffer)).toEqual(Buffer.from(a.data.buffer));
      expect(Buffer.from(b2.data.buffer)).toEqual(Buffer.from(b.data.buffer));
      fs.rmSync(path.dirname(file), { recursive: true });
    });
  }

  it('refuses a model state file and malformed metadata', () => {
    expect(() => decodeOptimizerState(encodeStateDict({ w: tensor([1]) }), 'model.safetensors')).toThrow(/model\.safetensors: not an optimizer state file/);
    const good = encodeOptimizerState({ state: {}, paramGroups: [{ lr: 1, params: [0] }] });
    expect(decodeOptimizerState(good).paramGroups).toEqual([{ lr: 1, params: [0] }]);
    expect(() => encodeOptimizerState({} as never)).toThrow(TypeError);
    const withMeta = (meta: Record<string, string>, tensors: Record<string, RawTensor> = {}) => encodeSafetensors(tensors, { format: 'nodegrad.optimizer', ...meta });
    expect(() => decodeOptimizerState(withMeta({ 'nodegrad.param_groups': '[{' }), 'o.st')).toThrow(/^nodegrad\.loadOptimizerState: o\.st: malformed metadata JSON/);
    expect(() => decodeOptimizerState(withMeta({ 'nodegrad.param_groups': '[{"lr":1}]' }))).toThrow(/param groups must be a list of objects with params/);
    expect(() => decodeOptimizerState(withMeta({ 'nodegrad.param_groups': '[]', 'nodegrad.scalars': '{"0":{"step":"3"}}' }))).toThrow(/scalar state 0\.step is not a number/);
    expect(() => decodeOptimizerState(withMeta({ 'nodegrad.param_groups': '[]' }, { 'state.0.m': { dtype: 'F32', shape: [1, 1], data: new Float32Array(1) } })))
      .toThrow(/unexpected tensor 'state\.0\.m'/);
    expect(() => decodeOptimizerState(withMeta({ 'nodegrad.param_groups': '[]' }, { weights: { dtype: 'F32', shape: [1], data: new Float32Array(1) } })))
      .toThrow(/unexpected tensor 'weights'/);
  });
});
