import { Tensor } from '../../lib/tensor.js';
import { describe, expect, it } from 'vitest';
import { Adam, lrScheduler, type Param, SGD } from '../../lib/optim/index.js';

const { CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau, StepLR } = lrScheduler;

function sgd(lrs = [0.1, 0.02]): SGD {
  const p = (): Param => (new Tensor(new Float32Array(1), [1]));
  return new SGD(lrs.map((lr) => ({ params: [p()], lr })), { lr: 1, momentum: 0.9 });
}

/** The lrs of every group for epochs 0..n-1: the constructor sets epoch 0, each step() the next. */
function trace(opt: SGD | Adam, scheduler: { step(): void }, n: number): number[][] {
  const out = [opt.paramGroups.map((g) => g.lr)];
  for (let e = 1; e < n; e++) {
    scheduler.step();
    out.push(opt.paramGroups.map((g) => g.lr));
  }
  return out;
}

function expectTrace(actual: number[][], formula: (base: number, epoch: number) => number, bases = [0.1, 0.02]): void {
  actual.forEach((lrs, e) => lrs.forEach((lr, i) => {
    const want = formula(bases[i], e);
    expect(Math.abs(lr - want), `epoch ${e} group ${i}: ${lr} vs ${want}`).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(want)));
  }));
}

describe('schedulers follow their formulas', () => {
  it('StepLR', () => {
    const opt = sgd();
    const t = trace(opt, new StepLR(opt, 3, 0.5), 10);
    expectTrace(t, (b, e) => b * 0.5 ** Math.floor(e / 3));
    expect(t.map((x) => x[0])).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125]);
  });

  it('MultiStepLR (milestones in any order)', () => {
    const opt = sgd();
    const t = trace(opt, new MultiStepLR(opt, [5, 2], 0.1), 8);
    expectTrace(t, (b, e) => b * 0.1 ** ((e >= 2 ? 1 : 0) + (e >= 5 ? 1 : 0)));
  });

  it('ExponentialLR', () => {
    const opt = sgd();
    expectTrace(trace(opt, new ExponentialLR(opt, 0.9), 12), (b, e) => b * 0.9 ** e);
  });

  it('CosineAnnealingLR, past tMax too', () => {
    const opt = sgd();
    const t = trace(opt, new CosineAnnealingLR(opt, 10, 0.001), 25);
    expectTrace(t, (b, e) => 0.001 + ((b - 0.001) * (1 + Math.cos((Math.PI * e) / 10))) / 2);
    expect(t[10][0]).toBeCloseTo(0.001, 15);
    expect(t[5][0]).toBeCloseTo((0.1 + 0.001) / 2, 15);
  });

  it('LinearLR', () => {
    const opt = sgd();
    const t = trace(opt, new LinearLR(opt, { startFactor: 0.25, endFactor: 1, totalIters: 4 }), 8);
    expectTrace(t, (b, e) => b * (0.25 + (0.75 * Math.min(e, 4)) / 4));
    expect(t[4][0]).toBe(0.1);
  });

  it('OneCycleLR (cos, two phases) with SGD momentum', () => {
    const opt = sgd([0.1, 0.1]);
    const T = 20;
    const s = new OneCycleLR(opt, { maxLr: [1, 0.5], totalSteps: T });
    const lrs: number[][] = [];
    const moms: number[] = [];
    for (let i = 0; i < T; i++) {
      lrs.push(opt.paramGroups.map((g) => g.lr));
      moms.push(opt.paramGroups[0].momentum);
      if (i < T - 1) s.step();
    }
    const cos = (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1);
    const up = 0.3 * T - 1;
    lrs.forEach((pair, i) => pair.forEach((lr, g) => {
      const max = [1, 0.5][g];
      const want = i <= up ? cos(max / 25, max, i / up) : cos(max, max / 25 / 1e4, (i - up) / (T - 1 - up));
      expect(lr).toBeCloseTo(want, 14);
    }));
    expect(lrs[0][0]).toBeCloseTo(1 / 25, 15);
    expect(lrs[up][0]).toBeCloseTo(1, 15);
    expect(lrs[T - 1][0]).toBeCloseTo(1 / 25 / 1e4, 15);
    expect(moms[0]).toBeCloseTo(0.95, 15);
    expect(moms[up]).toBeCloseTo(0.85, 15);
    expect(moms[T - 1]).toBeCloseTo(0.95, 15);
    s.step();
    expect(() => s.step()).toThrow(/stepped 21 times, but totalSteps is 20/);
  });

  it('OneCycleLR (linear, three phases) with Adam cycles beta1', () => {
    const p: Param = new Tensor(new Float32Array(1), [1]);
    const opt = new Adam([p]);
    const s = new OneCycleLR(opt, { maxLr: 0.01, epochs: 2, stepsPerEpoch: 5, annealStrategy: 'linear', threePhase: true, pctStart: 0.25 });
    const seen: Array<[number, number]> = [];
    for (let i = 0; i < 10; i++) {
      seen.push([opt.paramGroups[0].lr, opt.paramGroups[0].betas[0]]);
      if (i < 9) s.step();
    }
    const lin = (a: number, b: number, pct: number) => (b - a) * pct + a;
    const e1 = 1.5;
    const e2 = 3;
    seen.forEach(([lr, beta], i) => {
      let want: number;
      let wantBeta: number;
      if (i <= e1) [want, wantBeta] = [lin(0.0004, 0.01, i / e1), lin(0.95, 0.85, i / e1)];
      else if (i <= e2) [want, wantBeta] = [lin(0.01, 0.0004, (i - e1) / (e2 - e1)), lin(0.85, 0.95, (i - e1) / (e2 - e1))];
      else [want, wantBeta] = [lin(0.0004, 0.0004 / 1e4, (i - e2) / (9 - e2)), 0.95];
      expect(lr).toBeCloseTo(want, 15);
      expect(beta).toBeCloseTo(wantBeta, 15);
    });
    expect(opt.paramGroups[0].betas[1]).toBe(0.999);
  });

  it('ReduceLROnPlateau: patience, factor, cooldown, minLr', () => {
    const opt = sgd([0.1, 0.1]);
    const s = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, cooldown: 1, minLr: [0, 0.04] });
    const metrics = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.5];
    const lrs = metrics.map((m) => {
      s.step(m);
      return opt.paramGroups.map((g) => g.lr);
    });
    // Bad epochs: the 2nd non-improvement after 0.9 reduces (epoch 4), then one cooldown epoch, then two more.
    expect(lrs.map((x) => x[0])).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025]);
    expect(lrs.map((x) => x[1])).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.04, 0.04, 0.04, 0.04]);
    expect(s.getLastLr()).toEqual([0.025, 0.04]);
  });

  it('ReduceLROnPlateau in max mode with an absolute threshold', () => {
    const opt = sgd([1]);
    const s = new ReduceLROnPlateau(opt, { mode: 'max', thresholdMode: 'abs', threshold: 0.1, patience: 0 });
    s.step(1);
    s.step(1.05); // not better by 0.1: reduce at once (patience 0)
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.1, 15);
    s.step(1.2);
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.1, 15);
  });
});

describe('scheduler state', () => {
  it('a stateDict round trip resumes the schedule', () => {
    const a = sgd();
    const sa = new StepLR(a, 2, 0.5);
    for (let i = 0; i < 3; i++) sa.step();
    const saved = sa.stateDict();
    expect(saved).toMatchObject({ lastEpoch: 3, stepSize: 2, gamma: 0.5, baseLrs: [0.1, 0.02] });
    expect('optimizer' in saved).toBe(false);
    const b = sgd();
    const sb = new StepLR(b, 2, 0.5);
    sb.loadStateDict(saved);
    sa.step();
    sb.step();
    expect(b.paramGroups.map((g) => g.lr)).toEqual(a.paramGroups.map((g) => g.lr));
    expect(sb.getLastLr()).toEqual(sa.getLastLr());
  });

  const resumable: Record<string, (o: SGD) => { step(): void; stateDict(): Record<string, unknown>; loadStateDict(s: Record<string, unknown>): void }> = {
    StepLR: (o) => new StepLR(o, 2, 0.5),
    MultiStepLR: (o) => new MultiStepLR(o, [1, 4, 7], 0.3),
    ExponentialLR: (o) => new ExponentialLR(o, 0.8),
    CosineAnnealingLR: (o) => new CosineAnnealingLR(o, 6, 0.01),
    LinearLR: (o) => new LinearLR(o, { startFactor: 0.1, totalIters: 7 }),
    OneCycleLR: (o) => new OneCycleLR(o, { maxLr: [1, 0.5], totalSteps: 12, threePhase: true }),
  };
  for (const [name, make] of Object.entries(resumable)) {
    it(`${name}: a fresh scheduler given the saved optimizer and scheduler states continues identically`, () => {
      const a = sgd();
      const sa = make(a);
      for (let i = 0; i < 5; i++) sa.step();
      const saved = JSON.parse(JSON.stringify({ opt: a.stateDict(), sched: sa.stateDict() }));
      const b = sgd([0.7, 0.7]);
      const sb = make(b);
      b.loadStateDict(saved.opt);
      sb.loadStateDict(saved.sched);
      for (let i = 0; i < 5; i++) {
        sa.step();
        sb.step();
        expect(b.paramGroups.map((g) => [g.lr, g.momentum])).toEqual(a.paramGroups.map((g) => [g.lr, g.momentum]));
      }
    });
  }

  it('lastEpoch resumes the closed form once initialLr is recorded; unknown state keys are refused', () => {
    const opt = sgd();
    new StepLR(opt, 2, 0.5); // records initialLr
    opt.paramGroups.forEach((g) => { g.lr = 123; });
    const s = new StepLR(opt, 2, 0.5, 3);
    expect(s.lastEpoch).toBe(4);
    expectTrace([opt.paramGroups.map((g) => g.lr)], (b) => b * 0.5 ** 2);
    expect(() => s.loadStateDict({ stepsize: 3 })).toThrow(/^nodegrad\.StepLR\.loadStateDict: unexpected key 'stepsize'/);
  });

  it('ReduceLROnPlateau state round trip', () => {
    const a = sgd([1]);
    const sa = new ReduceLROnPlateau(a, { patience: 2 });
    sa.step(1);
    sa.step(2);
    const sb = new ReduceLROnPlateau(sgd([1]), { patience: 2 });
    sb.loadStateDict(sa.stateDict());
    expect(sb.numBadEpochs).toBe(1);
    expect(sb.best).toBe(1);
  });

  it('constructor arguments are validated', () => {
    const opt = sgd();
    expect(() => new StepLR(opt, 0)).toThrow(/stepSize/);
    expect(() => new ExponentialLR(opt, -1)).toThrow(/gamma/);
    expect(() => new MultiStepLR(opt, [1.5])).toThrow(/milestones/);
    expect(() => new CosineAnnealingLR(opt, 0)).toThrow(/tMax/);
    expect(() => new LinearLR(opt, { startFactor: 0 })).toThrow(/startFactor/);
    expect(() => new OneCycleLR(opt, { maxLr: 1 })).toThrow(/totalSteps/);
    expect(() => new OneCycleLR(opt, { maxLr: [1], totalSteps: 5 })).toThrow(/2 maxLr values/);
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/factor/);
    expect(() => new ReduceLROnPlateau(opt, { mode: 'avg' as 'min' })).toThrow(/mode/);
    expect(() => new StepLR(sgd(), 2, 0.1, 5)).toThrow(/initialLr/);
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 5, maxMomentum: 1.5 })).toThrow(/^nodegrad\.OneCycleLR: expected maxMomentum/);
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 5, baseMomentum: NaN })).toThrow(/baseMomentum/);
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 5, threePhase: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 5, pctStart: 1.5 })).toThrow(/pctStart/);
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 5, annealStrategy: 'exp' as 'cos' })).toThrow(/annealStrategy/);
    expect(() => new ReduceLROnPlateau(opt, { patience: -1 })).toThrow(/patience/);
    expect(() => new ReduceLROnPlateau(opt, { minLr: [0.1] })).toThrow(/2 minLr values/);
    expect(() => new ReduceLROnPlateau(opt).step(NaN)).toThrow(/metric/);
  });
});
