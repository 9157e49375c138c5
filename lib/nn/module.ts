/**
 * Module and Parameter, as in PyTorch: assigning a Parameter or a Module to a field registers it (in
 * assignment order, which is the order of `stateDict()` keys); buffers are registered with
 * `registerBuffer`. Names in the state dict are the field names joined with dots, so a module whose field
 * names match PyTorch's attribute names has PyTorch's keys (`0.weight`, `bn.running_mean`, ...).
 */
import type { FloatArray } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { isInt64, load, markInt64, save } from '../io/state.js';
import { loadStateDictInto } from './state_dict.js';

/** A Tensor that is a module's learnable parameter: a leaf with requiresGrad true by default. */
export class Parameter extends Tensor {
  constructor(data: Tensor | FloatArray, requiresGrad = true) {
    if (data instanceof Tensor) {
      const dense = data.contiguous();
      super(dense.storage.length === dense.numel && dense.offset === 0 ? dense.storage : dense.data.slice(), data.shape.slice());
    } else if (data instanceof Float32Array || data instanceof Float64Array) {
      super(data, [data.length]);
    } else {
      throw new TypeError(`nodegrad.Parameter: expected data to be a Tensor or a Float32Array/Float64Array, got ${data === null ? 'null' : typeof data}`);
    }
    this.requiresGrad = requiresGrad;
  }
}

const BUFFERS = Symbol('buffers');
const NON_PERSISTENT = Symbol('nonPersistent');

export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class Module {
  /** Training mode (dropout active, batch norm uses and updates batch statistics). */
  training = true;
  private readonly [BUFFERS] = new Set<string>();
  private readonly [NON_PERSISTENT] = new Set<string>();

  /** The computation. Subclasses override it with their own signature. */
  forward(..._args: unknown[]): unknown {
    throw new Error(`nodegrad.${this.constructor.name}.forward: not implemented`);
  }

  /**
   * Registers a buffer: state that is not learned (running statistics). It appears in `stateDict()` unless
   * `persistent` is false. `null` registers the name with no tensor (skipped, as PyTorch).
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    const op = `nodegrad.${this.constructor.name}.registerBuffer`;
    if (typeof name !== 'string' || name === '' || name.includes('.')) throw new TypeError(`${op}: expected name to be a non-empty string without '.', got ${String(name)}`);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor or null for '${name}'`);
    if (tensor instanceof Parameter) throw new TypeError(`${op}: expected a plain Tensor for '${name}', got a Parameter (assign it to register a parameter)`);
    (this as Record<string, unknown>)[name] = tensor;
    this[BUFFERS].add(name);
    if (persistent) this[NON_PERSISTENT].delete(name);
    else this[NON_PERSISTENT].add(name);
  }

  /** Own parameters, buffers and children: [name, value, kind] in registration order. */
  private *ownEntries(): Generator<[string, Tensor | Module, 'param' | 'buffer' | 'module']> {
    for (const [name, v] of Object.entries(this)) {
      if (v instanceof Parameter) yield [name, v, 'param'];
      else if (v instanceof Module) yield [name, v, 'module'];
      else if (v instanceof Tensor && this[BUFFERS].has(name)) yield [name, v, 'buffer'];
    }
  }

  /** Direct sub-modules with their field names. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [name, v, kind] of this.ownEntries()) if (kind === 'module') yield [name, v as Module];
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every descendant (each once), depth first, with dotted names ('' for this one). */
  *namedModules(prefix = '', seen = new Set<Module>()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${name}` : name, seen);
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Every parameter (shared ones once), with dotted names, in registration order. */
  *namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    yield* this.namedTensors('param', prefix, recurse) as Generator<[string, Parameter]>;
  }

  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }

  *namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    yield* this.namedTensors('buffer', prefix, recurse);
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers('', recurse)) yield b;
  }

  private *namedTensors(kind: 'param' | 'buffer', prefix: string, recurse: boolean): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, m] of mods) {
      for (const [name, v, k] of m.ownEntries()) {
        if (k !== kind || seen.has(v as Tensor)) continue;
        seen.add(v as Tensor);
        yield [modName ? `${modName}.${name}` : name, v as Tensor];
      }
    }
  }

  /** Sets training mode on this module and every descendant. Returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`nodegrad.${this.constructor.name}.train: expected mode to be a boolean, got ${String(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient: to null by default, or to zeros in place with `{setToNone: false}`. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (setToNone) p.grad = null;
      else p.grad.zero_();
    }
  }

  /** Calls fn on every descendant, then on this module (PyTorch's order, as used for initialisation). */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and persistent buffers by dotted name: per module its own parameters, then its buffers, then
   * its children's entries. Values share storage with the module (detached from any graph).
   */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = {};
    for (const [name, v, kind] of this.ownEntries()) {
      if (kind === 'param') out[prefix + name] = stateTensor(v as Tensor);
    }
    for (const [name, v, kind] of this.ownEntries()) {
      if (kind === 'buffer' && !this[NON_PERSISTENT].has(name)) out[prefix + name] = stateTensor(v as Tensor);
    }
    for (const [name, m] of this.namedChildren()) Object.assign(out, m.stateDict(`${prefix}${name}.`));
    return out;
  }

  /**
   * Copies tensors from `dict` into this module's parameters and buffers (in place, converting dtype).
   * A shape mismatch is always an error; with `strict` (the default) so are missing and unexpected keys.
   * The error lists every offending key by name; nothing is copied when it throws.
   */
  loadStateDict(dict: StateDict, { strict = true }: { strict?: boolean } = {}): LoadResult {
    return loadStateDictInto(this, dict, strict);
  }

  /** Extra text inside the parentheses of this module's line in `toString()`, e.g. 'inFeatures=4, ...'. */
  extraRepr(): string {
    return '';
  }

  /** The module tree, printed like PyTorch's repr. */
  toString(): string {
    const lines: string[] = [];
    const extra = this.extraRepr();
    if (extra) lines.push(...extra.split('\n'));
    for (const [name, m] of this.namedChildren()) {
      const child = m.toString().split('\n').join('\n  ');
      lines.push(`(${name}): ${child}`);
    }
    const head = this.constructor.name;
    if (lines.length === 0) return `${head}()`;
    if (lines.length === 1 && extra) return `${head}(${extra})`;
    return `${head}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** Saves `stateDict()` as safetensors (PyTorch's names; loads with `load_state_dict(load_file(path))`). */
  save(path: string, metadata?: Record<string, string>): void {
    save(this.stateDict(), path, metadata);
  }

  /** Loads a safetensors state dict (e.g. saved by PyTorch) into this module: `loadStateDict(load(path))`. */
  load(path: string, options: { strict?: boolean } = {}): LoadResult {
    return this.loadStateDict(load(path), options);
  }
}

/** A detached view sharing storage (state dict entries are never part of an autograd graph). */
function stateTensor(t: Tensor): Tensor {
  const out = t.detach();
  if (isInt64(t)) markInt64(out);
  return out;
}
