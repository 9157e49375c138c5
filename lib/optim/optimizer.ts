/**
 * The optimizer base, as in PyTorch: a list of param groups (each with its own options over the defaults)
 * and per-parameter state created lazily on the first step that sees a gradient.
 */
import { backendFor } from '../backend/index.js';
import type { FloatArray, Kernels } from '../backend/types.js';
import { loadOptimizerState, saveOptimizerState } from '../io/optimizer_state.js';
import { Tensor } from '../tensor.js';

/** A parameter: a dense leaf Tensor (its `data` is its storage, updated in place). */
export type Param = Tensor;

/** Per-parameter state: running buffers (same dtype and length as the parameter) and counters. */
export type ParamState = Record<string, FloatArray | number>;

/** Options every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/** A param group: its parameters plus the options in force for them (defaults filled in). */
export type ParamGroup<O> = O & { params: Param[]; initialLr?: number; [extra: string]: unknown };

/** What constructors and `addParamGroup` accept: parameters, or groups of parameters with option overrides. */
export type ParamsArg<O> = Iterable<Param> | Array<Partial<O> & { params: Iterable<Param> }>;

/** A serialisable snapshot: state keyed by the parameter's index across all groups, groups with indices. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  readonly defaults: O;
  readonly paramGroups: Array<ParamGroup<O>> = [];
  readonly state = new Map<Param, ParamState>();

  constructor(params: ParamsArg<O>, defaults: O) {
    this.defaults = { ...defaults };
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new RangeError(`nodegrad.${this.constructor.name}: expected params to be a non-empty list, got an empty one`);
    const groups = isGroup(list[0]) ? (list as Array<Partial<O> & { params: Iterable<Param> }>) : [{ params: list as Param[] } as unknown as Partial<O> & { params: Iterable<Param> }];
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group; options it omits come from the defaults. A parameter already in another group is an error. */
  addParamGroup(group: Partial<O> & { params: Iterable<Param> }): void {
    const op = `nodegrad.${this.constructor.name}.addParamGroup`;
    if (!isGroup(group)) throw new TypeError(`${op}: expected a group object with a 'params' list, got ${typeof group}`);
    const params = [...group.params];
    const seen = new Set<Param>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    const own = new Set<Param>();
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${op}: expected params[${i}] to be a Tensor, got ${p === null ? 'null' : typeof p}`);
      if (!p.isLeaf) throw new RangeError(`${op}: expected params[${i}] to be a leaf tensor (it is the result of an op; optimize the tensors it was computed from)`);
      if (!p.isContiguous()) throw new RangeError(`${op}: expected params[${i}] to be a dense tensor (a strided view cannot be updated in place)`);
      if (seen.has(p)) throw new RangeError(`${op}: expected each parameter in one group only, but params[${i}] is already in another group`);
      if (own.has(p)) throw new RangeError(`${op}: expected each parameter once, but params[${i}] appears twice in the group`);
      own.add(p);
    });
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(full, op);
    this.paramGroups.push(full);
  }

  /** Checks a group's hyper-parameters; subclasses extend it and throw RangeError naming the option. */
  protected validate(group: O, op: string): void {
    checkNumber(op, 'lr', group.lr, 0);
  }

  /** Clears gradients: to null by default (as PyTorch 2), or to zeros in place with `{setToNone: false}`. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else p.grad.zero_();
      }
    }
  }

  /**
   * One update of every parameter that has a gradient. `closure`, if given, re-evaluates the model and
   * returns the loss; it runs first (with gradients enabled) and its loss is returned.
   */
  step(closure?: () => number | { item(): number }): number | undefined {
    let loss: number | undefined;
    if (closure) {
      const l = closure();
      loss = typeof l === 'number' ? l : l.item();
    }
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        let state = this.state.get(p);
        if (!state) {
          state = {};
          this.state.set(p, state);
        }
        if (p.grad.shape.length !== p.shape.length || p.grad.shape.some((d, i) => d !== p.shape[i])) {
          throw new RangeError(`nodegrad.${this.constructor.name}.step: expected the gradient's shape [${p.grad.shape.join(', ')}] to equal the parameter's [${p.shape.join(', ')}]`);
        }
        this.update(group, p.data, p.grad.data, state);
      }
    }
    return loss;
  }

  /** The rule itself, on dense arrays: `param` is updated in place; `state` starts as {} and is filled lazily. */
  protected abstract update(group: ParamGroup<O>, param: FloatArray, grad: FloatArray, state: ParamState): void;

  /** A deep copy of the state and the groups' options, with parameters as indices in group order. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Param, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      return { ...structuredClone(options), params: params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      }) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : v.slice()]));
    }
    return { state, paramGroups };
  }

  /** Restores a `stateDict()`; the groups must have the same sizes, and buffers the parameters' lengths. */
  loadStateDict(dict: OptimizerStateDict): void {
    const op = `nodegrad.${this.constructor.name}.loadStateDict`;
    if (!dict || !Array.isArray(dict.paramGroups) || typeof dict.state !== 'object') {
      throw new TypeError(`${op}: expected an object with 'state' and 'paramGroups'`);
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new RangeError(`${op}: expected ${this.paramGroups.length} param groups, got ${dict.paramGroups.length}`);
    }
    const params: Param[] = [];
    dict.paramGroups.forEach((g, gi) => {
      const mine = this.paramGroups[gi].params;
      if (!Array.isArray(g.params) || g.params.length !== mine.length) {
        throw new RangeError(`${op}: expected param group ${gi} to have ${mine.length} parameters, got ${Array.isArray(g.params) ? g.params.length : typeof g.params}`);
      }
      g.params.forEach((id, k) => { params[id] = mine[k]; });
    });
    const newState = new Map<Param, ParamState>();
    for (const [key, s] of Object.entries(dict.state)) {
      const p = params[Number(key)];
      if (!p) throw new RangeError(`${op}: state for parameter ${key}, which no group lists`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') copy[k] = v;
        else {
          if (v.length !== p.data.length) throw new RangeError(`${op}: expected state[${key}].${k} to have ${p.data.length} elements, got ${v.length}`);
          const buf = new (p.data.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(v.length);
          buf.set(v);
          copy[k] = buf;
        }
      }
      newState.set(p, copy);
    }
    // Every group is checked before any is replaced, so a failed load changes nothing.
    const groups = dict.paramGroups.map((g, gi) => {
      const { params: _ids, ...options } = g;
      const group = { ...this.paramGroups[gi], ...structuredClone(options) } as ParamGroup<O>;
      this.validate(group, op);
      return group;
    });
    groups.forEach((g, gi) => { this.paramGroups[gi] = g; });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }

  /** Saves `stateDict()` as a safetensors file (buffers as tensors, options and counters as metadata). */
  save(path: string): void {
    saveOptimizerState(this.stateDict(), path);
  }

  /** Restores a file written by `save`. */
  load(path: string): void {
    this.loadStateDict(loadOptimizerState(path));
  }
}

function isGroup(x: unknown): x is { params: Iterable<unknown> } {
  return x !== null && typeof x === 'object' && 'params' in x && !('shape' in x);
}

/**
 * The defaults with the caller's options over them. An option the optimizer does not have is a TypeError,
 * as a misspelt keyword is in PyTorch (it would otherwise be silently ignored).
 */
export function withDefaults<O extends object>(op: string, defaults: O, options: Partial<O>): O {
  if (options === null || typeof options !== 'object') throw new TypeError(`nodegrad.${op}: expected options to be an object, got ${options === null ? 'null' : typeof options}`);
  for (const k of Object.keys(options)) {
    if (!(k in defaults)) throw new TypeError(`nodegrad.${op}: unknown option '${k}' (expected one of ${Object.keys(defaults).join(', ')})`);
  }
  return { ...defaults, ...options };
}

/** Throws TypeError unless `value` is a boolean. */
export function checkFlag(op: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new TypeError(`${op}: expected ${name} to be a boolean, got ${String(value)}`);
}

/** Throws RangeError unless `value` is a finite number ≥ `min` (or > `min` when `strict`). */
export function checkNumber(op: string, name: string, value: unknown, min: number, strict = false, max?: number, maxStrict = false): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (strict ? value > min : value >= min)
    && (max === undefined || (maxStrict ? value < max : value <= max));
  if (!ok) {
    const range = `${strict ? '>' : '>='} ${min}${max === undefined ? '' : ` and ${maxStrict ? '<' : '<='} ${max}`}`;
    throw new RangeError(`${op}: expected ${name} to be a number ${range}, got ${String(value)}`);
  }
}

/**
 * The kernels that update arrays of p's kind: the fused native kernels for float32 (one SIMD pass over the
 * parameter and its state), the JS twin for float64. Rules: lib/backend/kernels/optim.ts.
 */
export function kernelsFor(p: FloatArray): Kernels {
  return backendFor(p instanceof Float64Array ? 'float64' : 'float32');
}
