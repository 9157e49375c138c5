/**
 * Learning-rate schedulers (`optim.lrScheduler`), PyTorch's: construct after the optimizer, call `step()`
 * once per epoch (OneCycleLR: once per batch) after `optimizer.step()`. The constructor performs step 0,
 * so the optimizer's lr is the epoch-0 value right away. Each computes its closed form from the group's
 * `initialLr`, which the first scheduler on an optimizer records.
 */
import type { BaseOptions, Optimizer } from './optimizer.js';
import { checkNumber } from './optimizer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<BaseOptions & Record<string, any>>;

export type SchedulerState = Record<string, unknown>;

export abstract class LRScheduler {
  lastEpoch: number;
  baseLrs: number[];
  protected lastLr: number[] = [];

  constructor(readonly optimizer: AnyOptimizer, lastEpoch = -1) {
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new RangeError(`nodegrad.${this.constructor.name}: expected lastEpoch to be an integer >= -1, got ${lastEpoch}`);
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) throw new RangeError(`nodegrad.${this.constructor.name}: resuming at lastEpoch ${lastEpoch} needs initialLr in param group ${i}`);
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (their fields must exist before step 0). */
  protected init(): void {
    this.step();
  }

  /** The learning rate of each group at `epoch`. */
  protected abstract lrAt(epoch: number): number[];

  /** Advances one epoch and sets each group's lr. */
  step(): void {
    this.lastEpoch += 1;
    const lrs = this.lrAt(this.lastEpoch);
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = lrs[i]; });
    this.lastLr = lrs;
  }

  /** The lrs set by the last `step()`. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** Every field except the optimizer. */
  stateDict(): SchedulerState {
    const out: SchedulerState = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = structuredClone(v);
    return out;
  }

  loadStateDict(state: SchedulerState): void {
    for (const [k, v] of Object.entries(state)) {
      if (k === 'optimizer') continue;
      if (!(k in this)) throw new RangeError(`nodegrad.${this.constructor.name}.loadStateDict: unexpected key '${k}'`);
      (this as Record<string, unknown>)[k] = structuredClone(v);
    }
  }
}

function checkGamma(op: string, gamma: number): void {
  checkNumber(op, 'gamma', gamma, 0, true);
}

/** lr = initialLr · gamma^⌊epoch / stepSize⌋. */
export class StepLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly stepSize: number, readonly gamma = 0.1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new RangeError(`nodegrad.StepLR: expected stepSize to be an integer >= 1, got ${stepSize}`);
    checkGamma('nodegrad.StepLR', gamma);
    this.init();
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(epoch / this.stepSize));
  }
}

/** lr = initialLr · gamma^(number of milestones ≤ epoch). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];

  constructor(optimizer: AnyOptimizer, milestones: number[], readonly gamma = 0.1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!Array.isArray(milestones) || !milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      throw new RangeError(`nodegrad.MultiStepLR: expected milestones to be a list of integers >= 0, got ${String(milestones)}`);
    }
    checkGamma('nodegrad.MultiStepLR', gamma);
    this.milestones = milestones.slice().sort((a, b) => a - b);
    this.init();
  }

  protected lrAt(epoch: number): number[] {
    const passed = this.milestones.filter((m) => m <= epoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

/** lr = initialLr · gamma^epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly gamma: number, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    checkGamma('nodegrad.ExponentialLR', gamma);
    this.init();
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** epoch);
  }
}

/** lr = etaMin + (initialLr − etaMin)·(1 + cos(π·epoch/tMax))/2 (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly tMax: number, readonly etaMin = 0, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!Number.isInteger(tMax) || tMax < 1) throw new RangeError(`nodegrad.CosineAnnealingLR: expected tMax to be an integer >= 1, got ${tMax}`);
    checkNumber('nodegrad.CosineAnnealingLR', 'etaMin', etaMin, 0);
    this.init();
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((lr) => this.etaMin + ((lr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2);
  }
}

export interface LinearLROptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
}

/** lr = initialLr · (startFactor + (endFactor − startFactor)·min(epoch, totalIters)/totalIters). */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5 }: LinearLROptions = {}, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    checkNumber('nodegrad.LinearLR', 'startFactor', startFactor, 0, true, 1);
    checkNumber('nodegrad.LinearLR', 'endFactor', endFactor, 0, false, 1);
    if (!Number.isInteger(totalIters) || totalIters < 1) throw new RangeError(`nodegrad.LinearLR: expected totalIters to be an integer >= 1, got ${totalIters}`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.init();
  }

  protected lrAt(epoch: number): number[] {
    const f = this.startFactor + ((this.endFactor - this.startFactor) * Math.min(epoch, this.totalIters)) / this.totalIters;
    return this.baseLrs.map((lr) => lr * f);
  }
}
