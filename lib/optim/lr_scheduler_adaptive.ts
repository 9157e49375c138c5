/** OneCycleLR (per-batch warm-up then annealing, with inverse momentum) and ReduceLROnPlateau. */
import { LRScheduler, type SchedulerState } from './lr_scheduler.js';
import type { BaseOptions, Optimizer } from './optimizer.js';
import { checkFlag, checkNumber } from './optimizer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<BaseOptions & Record<string, any>>;

export interface OneCycleLROptions {
  /** Peak lr, one for all groups or one per group. */
  maxLr: number | number[];
  /** Either totalSteps, or epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  lr: [string, string];
  momentum: [string, string];
}

/**
 * The 1cycle policy (Smith & Topin), as PyTorch's OneCycleLR: lr rises from maxLr/divFactor to maxLr over
 * the first pctStart of totalSteps, then anneals to initialLr/finalDivFactor; momentum (or Adam's β1) moves
 * the opposite way between maxMomentum and baseMomentum. Step once per batch.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  readonly useBeta1: boolean;
  readonly phases: Phase[];

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const op = 'nodegrad.OneCycleLR';
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false,
    } = options;
    const positiveInt = (name: string, v: unknown) => {
      if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`${op}: expected ${name} to be an integer >= 1, got ${String(v)}`);
    };
    if (totalSteps !== undefined) positiveInt('totalSteps', totalSteps);
    else {
      if (epochs === undefined || stepsPerEpoch === undefined) throw new RangeError(`${op}: expected totalSteps, or epochs and stepsPerEpoch`);
      positiveInt('epochs', epochs);
      positiveInt('stepsPerEpoch', stepsPerEpoch);
    }
    this.totalSteps = totalSteps ?? epochs! * stepsPerEpoch!;
    checkNumber(op, 'pctStart', pctStart, 0, false, 1);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new RangeError(`${op}: expected annealStrategy to be 'cos' or 'linear', got ${String(annealStrategy)}`);
    checkNumber(op, 'divFactor', divFactor, 0, true);
    checkNumber(op, 'finalDivFactor', finalDivFactor, 0, true);
    checkNumber(op, 'baseMomentum', baseMomentum, 0, false, 1);
    checkNumber(op, 'maxMomentum', maxMomentum, 0, false, 1);
    checkFlag(op, 'cycleMomentum', cycleMomentum);
    checkFlag(op, 'threePhase', threePhase);
    this.annealStrategy = annealStrategy;
    const T = this.totalSteps;
    this.phases = threePhase
      ? [
        { endStep: pctStart * T - 1, lr: ['initialLr', 'maxLr'], momentum: ['maxMomentum', 'baseMomentum'] },
        { endStep: 2 * pctStart * T - 2, lr: ['maxLr', 'initialLr'], momentum: ['baseMomentum', 'maxMomentum'] },
        { endStep: T - 1, lr: ['initialLr', 'minLr'], momentum: ['maxMomentum', 'maxMomentum'] },
      ]
      : [
        { endStep: pctStart * T - 1, lr: ['initialLr', 'maxLr'], momentum: ['maxMomentum', 'baseMomentum'] },
        { endStep: T - 1, lr: ['maxLr', 'minLr'], momentum: ['baseMomentum', 'maxMomentum'] },
      ];

    const groups = optimizer.paramGroups;
    const maxLrs = Array.isArray(maxLr) ? maxLr : groups.map(() => maxLr);
    if (maxLrs.length !== groups.length) throw new RangeError(`${op}: expected ${groups.length} maxLr values (one per group), got ${maxLrs.length}`);
    maxLrs.forEach((m, i) => checkNumber(op, `maxLr[${i}]`, m, 0));
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum && !this.useBeta1 && !('momentum' in optimizer.defaults)) {
      throw new RangeError(`${op}: expected an optimizer with momentum or betas when cycleMomentum is true`);
    }
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = g.initialLr / finalDivFactor;
        if (cycleMomentum) {
          g.maxMomentum = maxMomentum;
          g.baseMomentum = baseMomentum;
          this.setMomentum(g, maxMomentum);
        }
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.init();
  }

  private setMomentum(g: Record<string, unknown>, m: number): void {
    if (this.useBeta1) g.betas = [m, (g.betas as number[])[1]];
    else g.momentum = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    return this.annealStrategy === 'cos' ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  protected lrAt(step: number): number[] {
    if (step > this.totalSteps) {
      throw new RangeError(`nodegrad.OneCycleLR.step: stepped ${step} times, but totalSteps is ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((g) => {
      let start = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (step <= phase.endStep || i === this.phases.length - 1) {
          const pct = (step - start) / (phase.endStep - start);
          if (this.cycleMomentum) this.setMomentum(g, this.anneal(g[phase.momentum[0]] as number, g[phase.momentum[1]] as number, pct));
          return this.anneal(g[phase.lr[0]] as number, g[phase.lr[1]] as number, pct);
        }
        start = phase.endStep;
      }
      throw new Error('unreachable');
    });
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/**
 * Multiplies each group's lr by `factor` once the metric passed to `step(metric)` has not improved for more
 * than `patience` steps (improved: below best·(1 − threshold) in 'min'/'rel' mode, and so on), then waits
 * `cooldown` steps before counting again. An lr never goes below minLr, and changes smaller than eps are skipped.
 */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(readonly optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const op = 'nodegrad.ReduceLROnPlateau';
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`${op}: expected mode to be 'min' or 'max', got ${String(mode)}`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`${op}: expected thresholdMode to be 'rel' or 'abs', got ${String(thresholdMode)}`);
    checkNumber(op, 'factor', factor, 0, false, 1, true);
    if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`${op}: expected patience to be an integer >= 0, got ${patience}`);
    if (!Number.isInteger(cooldown) || cooldown < 0) throw new RangeError(`${op}: expected cooldown to be an integer >= 0, got ${cooldown}`);
    checkNumber(op, 'threshold', threshold, 0);
    checkNumber(op, 'eps', eps, 0);
    const groups = optimizer.paramGroups;
    const minLrs = Array.isArray(minLr) ? minLr.slice() : groups.map(() => minLr);
    if (minLrs.length !== groups.length) throw new RangeError(`${op}: expected ${groups.length} minLr values (one per group), got ${minLrs.length}`);
    minLrs.forEach((m, i) => checkNumber(op, `minLr[${i}]`, m, 0));
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.minLrs = minLrs;
    this.best = mode === 'min' ? Infinity : -Infinity;
    this.lastLr = groups.map((g) => g.lr);
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  /** Records one epoch's metric (for example the validation loss) and reduces the lrs if it has plateaued. */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) throw new RangeError(`nodegrad.ReduceLROnPlateau.step: expected metric to be a number, got ${String(metric)}`);
    this.lastEpoch += 1;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  stateDict(): SchedulerState {
    const out: SchedulerState = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = structuredClone(v);
    return out;
  }

  loadStateDict(state: SchedulerState): void {
    for (const [k, v] of Object.entries(state)) {
      if (!(k in this) || k === 'optimizer') throw new RangeError(`nodegrad.ReduceLROnPlateau.loadStateDict: unexpected key '${k}'`);
      (this as Record<string, unknown>)[k] = structuredClone(v);
    }
  }
}
