import { Tensor } from '../../lib/tensor.js';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, type Optimizer, type Param, RMSprop, SGD } from '../../lib/optim/index.js';
import { expectClose } from '../helpers/close.js';
import { rng } from '../helpers/rng.js';

function param(data: Float32Array | Float64Array): Param {
  return new Tensor(data, [data.length]);
}

/** Plain float64 statements of each documented rule, one element at a time, written independently of lib/. */
type Rule = (p: number[], g: number[], t: number, s: Record<string, number[]>) => void;

const rules: Record<string, { make: (ps: Param[]) => Optimizer<any>; rule: Rule }> = {
  'SGD plain': { make: (ps) => new SGD(ps, { lr: 0.1 }), rule: (p, g) => p.forEach((_, i) => { p[i] -= 0.1 * g[i]; }) },
  'SGD momentum, dampening, weight decay': {
    make: (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, dampening: 0.2, weightDecay: 0.01 }),
    rule: (p, g, t, s) => p.forEach((_, i) => {
      const d = g[i] + 0.01 * p[i];
      s.b ??= [];
      s.b[i] = t === 1 ? d : 0.9 * s.b[i] + 0.8 * d;
      p[i] -= 0.05 * s.b[i];
    }),
  },
  'SGD nesterov': {
    make: (ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true }),
    rule: (p, g, t, s) => p.forEach((_, i) => {
      s.b ??= [];
      s.b[i] = t === 1 ? g[i] : 0.8 * s.b[i] + g[i];
      p[i] -= 0.05 * (g[i] + 0.8 * s.b[i]);
    }),
  },
  'SGD maximize': { make: (ps) => new SGD(ps, { lr: 0.1, maximize: true }), rule: (p, g) => p.forEach((_, i) => { p[i] += 0.1 * g[i]; }) },
  Adam: {
    make: (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.1 }),
    rule: adamRule(0.01, 0.9, 0.999, 1e-8, 0.1, false, false),
  },
  'Adam amsgrad': { make: (ps) => new Adam(ps, { lr: 0.01, betas: [0.8, 0.9], amsgrad: true }), rule: adamRule(0.01, 0.8, 0.9, 1e-8, 0, false, true) },
  AdamW: { make: (ps) => new AdamW(ps, { lr: 0.01 }), rule: adamRule(0.01, 0.9, 0.999, 1e-8, 0.01, true, false) },
  RMSprop: {
    make: (ps) => new RMSprop(ps, { lr: 0.01, weightDecay: 0.05 }),
    rule: (p, g, _t, s) => p.forEach((_, i) => {
      const d = g[i] + 0.05 * p[i];
      s.v ??= [];
      s.v[i] = 0.99 * (s.v[i] ?? 0) + 0.01 * d * d;
      p[i] -= (0.01 * d) / (Math.sqrt(s.v[i]) + 1e-8);
    }),
  },
  'RMSprop centered momentum': {
    make: (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true }),
    rule: (p, g, _t, s) => p.forEach((_, i) => {
      s.v ??= []; s.a ??= []; s.b ??= [];
      s.v[i] = 0.9 * (s.v[i] ?? 0) + 0.1 * g[i] * g[i];
      s.a[i] = 0.9 * (s.a[i] ?? 0) + 0.1 * g[i];
      s.b[i] = 0.5 * (s.b[i] ?? 0) + g[i] / (Math.sqrt(s.v[i] - s.a[i] ** 2) + 1e-8);
      p[i] -= 0.01 * s.b[i];
    }),
  },
  Adagrad: {
    make: (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1, weightDecay: 0.02 }),
    rule: (p, g, t, s) => p.forEach((_, i) => {
      const d = g[i] + 0.02 * p[i];
      s.s ??= [];
      s.s[i] = (s.s[i] ?? 0.1) + d * d;
      p[i] -= ((0.1 / (1 + (t - 1) * 0.01)) * d) / (Math.sqrt(s.s[i]) + 1e-10);
    }),
  },
};

function adamRule(lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean, ams: boolean): Rule {
  return (p, g, t, s) => p.forEach((_, i) => {
    s.m ??= []; s.v ??= []; s.vmax ??= [];
    let d = g[i];
    if (decoupled) p[i] *= 1 - lr * wd;
    else d += wd * p[i];
    s.m[i] = b1 * (s.m[i] ?? 0) + (1 - b1) * d;
    s.v[i] = b2 * (s.v[i] ?? 0) + (1 - b2) * d * d;
    s.vmax[i] = Math.max(s.vmax[i] ?? 0, s.v[i]);
    const mHat = s.m[i] / (1 - b1 ** t);
    const vHat = (ams ? s.vmax[i] : s.v[i]) / (1 - b2 ** t);
    // PyTorch adds eps to √v / √(1 − β2^t), the same as √v̂ here.
    p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
  });
}

describe('optimizers match a float64 statement of their rule', () => {
  for (const [name, { make, rule }] of Object.entries(rules)) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} (${dtype}), 3 steps on fixed gradients`, () => {
        const r = rng(7);
        const init = r.f32(17, -2, 2);
        const grads = [r.f32(17, -1, 1), r.f32(17, -1, 1), r.f32(17, -1, 1)];
        const A = dtype === 'float32' ? Float32Array : Float64Array;
        const p = param(A.from(init));
        const opt = make([p]);
        const ref = Array.from(init);
        const st: Record<string, number[]> = {};
        for (let t = 1; t <= 3; t++) {
          p.grad = new Tensor(A.from(grads[t - 1]), [17]);
          opt.step();
          rule(ref, Array.from(grads[t - 1]), t, st);
          // float32 storage of the state rounds each step; the reference keeps float64 throughout.
          expectClose(p.data, ref, (i) => (dtype === 'float32' ? 1e-6 : 1e-12) * Math.max(1, Math.abs(ref[i])), `${name} step ${t}`);
        }
      });
    }
  }
});

function rosenbrockGrad(x: number, y: number): [number, number] {
  return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];
}

describe('optimizers minimise the Rosenbrock function', () => {
  const makers: Record<string, (ps: Param[]) => Optimizer<any>> = {
    SGD: (ps) => new SGD(ps, { lr: 1e-4, momentum: 0.9 }),
    'SGD nesterov': (ps) => new SGD(ps, { lr: 1e-4, momentum: 0.9, nesterov: true }),
    Adam: (ps) => new Adam(ps, { lr: 1e-2 }),
    'Adam amsgrad': (ps) => new Adam(ps, { lr: 1e-2, amsgrad: true }),
    AdamW: (ps) => new AdamW(ps, { lr: 1e-2 }),
    RMSprop: (ps) => new RMSprop(ps, { lr: 1e-3 }),
    'RMSprop centered': (ps) => new RMSprop(ps, { lr: 1e-3, centered: true, momentum: 0.5 }),
    Adagrad: (ps) => new Adagrad(ps, { lr: 0.3 }),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: the distance to (1, 1) shrinks over 2,000 steps`, () => {
      const p = param(new Float32Array([1.5, 1.5]));
      const opt = make([p]);
      const dist = () => Math.hypot(p.data[0] - 1, p.data[1] - 1);
      const d0 = dist();
      for (let i = 0; i < 2000; i++) {
        opt.zeroGrad();
        p.grad = new Tensor(Float32Array.from(rosenbrockGrad(p.data[0], p.data[1])), [2]);
        opt.step();
      }
      expect(Number.isFinite(dist())).toBe(true);
      // The valley is curved and the walk along it slow (PyTorch's test_optim only asks for any decrease).
      expect(dist()).toBeLessThan(0.85 * d0);
    });
  }
});

describe('Optimizer base', () => {
  it('skips parameters without gradients and creates state lazily', () => {
    const a = param(new Float32Array([1, 2]));
    const b = param(new Float32Array([3]));
    const opt = new Adam([a, b]);
    a.grad = new Tensor(new Float32Array([1, 1]), [2]);
    opt.step();
    expect(Array.from(b.data)).toEqual([3]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.get(a)!.step).toBe(1);
  });

  it('uses per-group options over the defaults', () => {
    const a = param(new Float64Array([1]));
    const b = param(new Float64Array([1]));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    expect(opt.paramGroups[1].lr).toBe(0.5);
    a.grad = new Tensor(new Float64Array([1]), [1]);
    b.grad = new Tensor(new Float64Array([1]), [1]);
    opt.step();
    expect(a.data[0]).toBeCloseTo(0.9, 15);
    expect(b.data[0]).toBeCloseTo(0.5, 15);
    const c = param(new Float64Array([0]));
    opt.addParamGroup({ params: [c], momentum: 0.9 });
    expect(opt.paramGroups[2]).toMatchObject({ lr: 0.1, momentum: 0.9 });
  });

  it('refuses a parameter in two groups, or twice in one', () => {
    const a = param(new Float32Array(1));
    expect(() => new SGD([{ params: [a] }, { params: [a] }])).toThrow(/one group only/);
    const opt = new SGD([a]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(RangeError);
    expect(() => new SGD([a, a])).toThrow(/appears twice/);
    expect(() => new SGD([])).toThrow(/non-empty/);
    expect(() => new SGD([{} as Param])).toThrow(TypeError);
  });

  it('zeroGrad sets to null, or fills zeros in place', () => {
    const a = param(new Float32Array(2));
    const opt = new SGD([a]);
    const g = new Tensor(new Float32Array([1, 2]), [2]);
    a.grad = g;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(Array.from(g.data)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('refuses a non-leaf tensor as a parameter', () => {
    const a = new Tensor(new Float32Array([1, 2]), [2]).requiresGrad_();
    expect(() => new SGD([a.mul(2)])).toThrow(/^nodegrad\.SGD\.addParamGroup: expected params\[0\] to be a leaf tensor/);
  });

  it('creates a buffer when a scheduler turns an option on after the first step (RMSprop momentum)', () => {
    const p = param(new Float64Array([1, -1]));
    const opt = new RMSprop([p], { lr: 0.1, alpha: 0.5 });
    const g = [0.5, -2];
    p.grad = new Tensor(Float64Array.from(g), [2]);
    opt.step();
    opt.paramGroups[0].momentum = 0.9;
    const before = Array.from(p.data);
    opt.step();
    // v after two steps: 0.5·(0.5·g²) + 0.5·g² = 0.75·g²; the new buffer starts at zero, so b = g/(√v + eps).
    const want = before.map((x, i) => x - (0.1 * g[i]) / (Math.sqrt(0.75 * g[i] * g[i]) + 1e-8));
    expectClose(p.data, want, 1e-15);
    expectClose(opt.state.get(p)!.momentumBuffer as Float64Array, g.map((x) => x / (Math.sqrt(0.75 * x * x) + 1e-8)), 1e-15);
  });

  it('rejects a gradient of another shape', () => {
    const a = param(new Float32Array(2));
    const opt = new SGD([a]);
    a.grad = new Tensor(new Float32Array(3), [3]);
    expect(() => opt.step()).toThrow(/gradient's shape \[3\]/);
  });

  it('returns the closure loss', () => {
    const a = param(new Float32Array(1));
    const opt = new SGD([a]);
    expect(opt.step(() => 2.5)).toBe(2.5);
    expect(opt.step(() => ({ item: () => 1.5 }))).toBe(1.5);
  });

  for (const [name, make] of Object.entries({
    SGD: (ps: Param[]) => new SGD(ps, { lr: 0.01, momentum: 0.9 }),
    Adam: (ps: Param[]) => new Adam(ps, { amsgrad: true }),
    RMSprop: (ps: Param[]) => new RMSprop(ps, { centered: true, momentum: 0.3 }),
    Adagrad: (ps: Param[]) => new Adagrad(ps),
  })) {
    it(`${name}: a stateDict round trip continues bitwise identically`, () => {
      const r = rng(3);
      const init = r.f32(5);
      const grads = Array.from({ length: 6 }, () => r.f32(5));
      const run = (p: Param, opt: Optimizer<any>, from: number, to: number) => {
        for (let t = from; t < to; t++) {
          p.grad = new Tensor(grads[t], [5]);
          opt.step();
        }
      };
      const a = param(init.slice());
      const optA = make([a]);
      run(a, optA, 0, 3);
      const saved = optA.stateDict();
      const b = param(a.data.slice() as Float32Array);
      const optB = make([b]);
      optB.loadStateDict(saved);
      run(a, optA, 3, 6);
      run(b, optB, 3, 6);
      expect(Buffer.from(b.data.buffer)).toEqual(Buffer.from(a.data.buffer));
      // The snapshot is a copy: later steps did not change it.
      expect(optA.stateDict()).not.toEqual(saved);
    });
  }

  it('loadStateDict checks the group layout and buffer lengths', () => {
    const a = param(new Float32Array(2));
    const opt = new SGD([a], { momentum: 0.9 });
    a.grad = new Tensor(new Float32Array([1, 1]), [2]);
    opt.step();
    const sd = opt.stateDict();
    const other = new SGD([param(new Float32Array(3))], { momentum: 0.9 });
    expect(() => other.loadStateDict(sd)).toThrow(/2 elements, got 3|expected state/);
    const two = new SGD([{ params: [param(new Float32Array(2))] }, { params: [param(new Float32Array(2))] }]);
    expect(() => two.loadStateDict(sd)).toThrow(/2 param groups, got 1/);
    const badLr = { ...sd, paramGroups: [{ ...sd.paramGroups[0], lr: -1 }] };
    expect(() => opt.loadStateDict(badLr)).toThrow(/^nodegrad\.SGD\.loadStateDict: expected lr/);
    expect(() => opt.loadStateDict({ state: { 5: {} }, paramGroups: sd.paramGroups })).toThrow(/state for parameter 5, which no group lists/);
    const twoGroups = new SGD([{ params: [param(new Float32Array(1))] }, { params: [param(new Float32Array(1))] }], { lr: 0.1 });
    const twoSd = twoGroups.stateDict();
    expect(() => twoGroups.loadStateDict({ ...twoSd, paramGroups: [{ ...twoSd.paramGroups[0], lr: 0.5 }, { ...twoSd.paramGroups[1], momentum: -1 }] })).toThrow(/momentum/);
    // A failed load changed nothing.
    expect(opt.stateDict()).toEqual(sd);
    expect(twoGroups.paramGroups[0].lr).toBe(0.1);
  });
});

describe('hyper-parameter validation', () => {
  const p = () => [param(new Float32Array(1))];
  const bad: Array<[string, () => unknown, RegExp]> = [
    ['negative lr', () => new SGD(p(), { lr: -1 }), /lr/],
    ['NaN lr', () => new Adam(p(), { lr: NaN }), /lr/],
    ['negative momentum', () => new SGD(p(), { momentum: -0.1 }), /momentum/],
    ['nesterov without momentum', () => new SGD(p(), { nesterov: true }), /nesterov/],
    ['nesterov with dampening', () => new SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 }), /nesterov/],
    ['negative weight decay', () => new SGD(p(), { weightDecay: -1 }), /weightDecay/],
    ['beta1 = 1', () => new Adam(p(), { betas: [1, 0.999] }), /betas\[0\]/],
    ['beta2 < 0', () => new AdamW(p(), { betas: [0.9, -0.1] }), /betas\[1\]/],
    ['eps = 0', () => new Adam(p(), { eps: 0 }), /eps/],
    ['RMSprop alpha < 0', () => new RMSprop(p(), { alpha: -1 }), /alpha/],
    ['RMSprop eps < 0', () => new RMSprop(p(), { eps: -1 }), /eps/],
    ['Adagrad lrDecay < 0', () => new Adagrad(p(), { lrDecay: -1 }), /lrDecay/],
    ['Adagrad initial accumulator < 0', () => new Adagrad(p(), { initialAccumulatorValue: -1 }), /initialAccumulatorValue/],
    ['bad group lr', () => new SGD([{ params: p(), lr: Infinity }]), /lr/],
    ['RMSprop momentum < 0', () => new RMSprop(p(), { momentum: -0.5 }), /momentum/],
    ['RMSprop weight decay < 0', () => new RMSprop(p(), { weightDecay: -0.5 }), /weightDecay/],
    ['Adagrad eps = 0', () => new Adagrad(p(), { eps: 0 }), /eps/],
    ['Adagrad weight decay < 0', () => new Adagrad(p(), { weightDecay: -1 }), /weightDecay/],
    ['AdamW weight decay < 0', () => new AdamW(p(), { weightDecay: -0.01 }), /weightDecay/],
    ['SGD infinite dampening', () => new SGD(p(), { dampening: Infinity }), /dampening/],
    ['group added later with a bad beta', () => new Adam(p()).addParamGroup({ params: p(), betas: [0.9, 1] }), /betas\[1\]/],
  ];
  for (const [name, make, message] of bad) {
    it(`${name} throws RangeError`, () => {
      expect(make).toThrow(RangeError);
      expect(make).toThrow(message);
      expect(make).toThrow(/^nodegrad\.\w+/);
    });
  }
});

describe('option names and kinds', () => {
  const p = () => [param(new Float32Array(1))];
  const bad: Array<[string, () => unknown, RegExp]> = [
    ['misspelt option', () => new SGD(p(), { momentun: 0.9 } as never), /^nodegrad\.SGD: unknown option 'momentun' \(expected one of lr, momentum, dampening, weightDecay, nesterov, maximize\)/],
    ['AdamW misspelt option', () => new AdamW(p(), { weight_decay: 0.1 } as never), /^nodegrad\.AdamW: unknown option 'weight_decay'/],
    ['options not an object', () => new Adagrad(p(), 0.1 as never), /^nodegrad\.Adagrad: expected options to be an object/],
    ['nesterov a number', () => new SGD(p(), { nesterov: 1 as never, momentum: 0.9 }), /^nodegrad\.SGD\.addParamGroup: expected nesterov to be a boolean/],
    ['amsgrad a string', () => new Adam(p(), { amsgrad: 'yes' as never }), /expected amsgrad to be a boolean/],
    ['centered 0', () => new RMSprop(p(), { centered: 0 as never }), /expected centered to be a boolean/],
    ['maximize null', () => new Adagrad(p(), { maximize: null as never }), /expected maximize to be a boolean/],
  ];
  for (const [name, make, message] of bad) {
    it(`${name} throws TypeError naming it`, () => {
      expect(make).toThrow(TypeError);
      expect(make).toThrow(message);
    });
  }
});
