import { Tensor } from '../../lib/tensor.js';
/** Optimizer and scheduler trajectories recorded from PyTorch 1.13 by scripts/make_fixtures.py. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../lib/io/safetensors.js';
import { Adagrad, Adam, AdamW, lrScheduler, type Optimizer, type Param, RMSprop, SGD } from '../../lib/optim/index.js';
import { expectClose } from '../helpers/close.js';
import { repoRoot } from '../helpers/child.js';

function fixture(name: string) {
  return decodeSafetensors(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', name)), name);
}

const camel = (s: string) => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

describe('optimizers reproduce PyTorch trajectories (float64, 3 steps)', () => {
  const { tensors, metadata } = fixture('optim.safetensors');
  const configs = JSON.parse(metadata!.configs) as Record<string, Record<string, unknown>>;
  const classes: Record<string, new (ps: Param[], o: any) => Optimizer<any>> = {
    sgd: SGD, sgd_nesterov: SGD, adam: Adam, adam_amsgrad: Adam, adamw: AdamW, rmsprop: RMSprop, adagrad: Adagrad,
  };
  const p0 = tensors.get('p0')!.data as Float64Array;
  const grads = tensors.get('grads')!.data as Float64Array;
  for (const [name, cls] of Object.entries(classes)) {
    it(name, () => {
      const options = Object.fromEntries(Object.entries(configs[name]).map(([k, v]) => [camel(k), v]));
      const p: Param = new Tensor(p0.slice(), [7]);
      const opt = new cls([p], options);
      const want = tensors.get(name)!.data as Float64Array;
      for (let t = 0; t < 3; t++) {
        p.grad = new Tensor(grads.slice(7 * t, 7 * t + 7), [7]);
        opt.step();
        const ref = want.subarray(7 * t, 7 * t + 7);
        expectClose(p.data, ref, (i) => 1e-12 * Math.max(1, Math.abs(ref[i])), `${name} step ${t + 1}`);
      }
    });
  }
});

describe("optimizer defaults are PyTorch's", () => {
  const { metadata } = fixture('optim.safetensors');
  const torchDefaults = JSON.parse(metadata!.defaults) as Record<string, Record<string, unknown>>;
  const classes: Record<string, new (ps: Param[]) => Optimizer<any>> = { SGD, Adam, AdamW, RMSprop, Adagrad };
  for (const [name, cls] of Object.entries(classes)) {
    it(name, () => {
      const ours = new cls([new Tensor(new Float32Array(1), [1])]).defaults as Record<string, unknown>;
      const want = Object.fromEntries(Object.entries(torchDefaults[name]).map(([k, v]) => [camel(k), v]));
      // SGD's lr has no default in PyTorch 1.13 (2.x: 1e-3, as here); every other option matches by name and value.
      expect(name === 'SGD' ? { ...want, lr: 1e-3 } : want).toEqual(ours);
    });
  }
});

describe('schedulers reproduce PyTorch learning-rate traces', () => {
  const { tensors } = fixture('schedulers.safetensors');
  const S = lrScheduler;
  const makers: Record<string, (o: SGD) => { step(): void }> = {
    step: (o) => new S.StepLR(o, 3, 0.5),
    multistep: (o) => new S.MultiStepLR(o, [2, 5, 6], 0.3),
    exponential: (o) => new S.ExponentialLR(o, 0.9),
    cosine: (o) => new S.CosineAnnealingLR(o, 8, 0.001),
    linear: (o) => new S.LinearLR(o, { startFactor: 0.2, endFactor: 0.9, totalIters: 4 }),
    onecycle: (o) => new S.OneCycleLR(o, { maxLr: 0.5, totalSteps: 25 }),
    onecycle3: (o) => new S.OneCycleLR(o, { maxLr: 0.5, totalSteps: 20, annealStrategy: 'linear', threePhase: true, pctStart: 0.4 }),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(name, () => {
      const want = tensors.get(name)!.data as Float64Array;
      const opt = new SGD([new Tensor(new Float32Array(1), [1])], { lr: 0.1, momentum: 0.9 });
      const s = make(opt);
      const lrs: number[] = [];
      const moms: number[] = [];
      for (let i = 0; i < want.length; i++) {
        lrs.push(opt.paramGroups[0].lr);
        moms.push(opt.paramGroups[0].momentum);
        s.step();
      }
      // PyTorch computes most of these recursively (chainable form); the closed form agrees to rounding.
      expectClose(lrs, want, (i) => 1e-12 * Math.abs(want[i]), name);
      const wantMom = tensors.get(`${name}_momentum`);
      if (wantMom) expectClose(moms, wantMom.data as Float64Array, 1e-12, `${name} momentum`);
    });
  }

  it('plateau', () => {
    const metrics = tensors.get('plateau_metrics')!.data as Float64Array;
    const want = tensors.get('plateau')!.data as Float64Array;
    const opt = new SGD([new Tensor(new Float32Array(1), [1])], { lr: 1 });
    const s = new S.ReduceLROnPlateau(opt, { factor: 0.5, patience: 2, cooldown: 1, threshold: 0.01, minLr: 0.05 });
    const lrs = Array.from(metrics, (m) => {
      s.step(m);
      return opt.paramGroups[0].lr;
    });
    expect(lrs).toEqual(Array.from(want));
  });
});
