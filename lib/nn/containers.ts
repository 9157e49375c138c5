/** Containers: Sequential, ModuleList, ModuleDict. Children are named '0', '1', ... or by their keys. */
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

function checkModule(op: string, name: string, m: unknown): Module {
  if (!(m instanceof Module)) throw new TypeError(`nodegrad.${op}: expected ${name} to be a Module, got ${m === null ? 'null' : typeof m}`);
  return m;
}

/** Children applied in order: forward(x) = mₙ(…m₂(m₁(x))). Accepts modules, or one object of named modules. */
export class Sequential extends Module {
  [index: string]: unknown;

  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    if (modules.length === 1 && !(modules[0] instanceof Module) && typeof modules[0] === 'object') {
      for (const [name, m] of Object.entries(modules[0] as Record<string, Module>)) this[name] = checkModule('Sequential', `'${name}'`, m);
    } else {
      (modules as Module[]).forEach((m, i) => { this[String(i)] = checkModule('Sequential', `modules[${i}]`, m); });
    }
  }

  get length(): number {
    return [...this.children()].length;
  }

  /** The i-th child (negative counts from the end). */
  at(i: number): Module {
    const list = [...this.children()];
    const m = list[i < 0 ? list.length + i : i];
    if (!m) throw new RangeError(`nodegrad.Sequential.at: expected an index in [${-list.length}, ${list.length}), got ${i}`);
    return m;
  }

  /** Appends a module named by the next free index. */
  append(m: Module): this {
    this[String(this.length)] = checkModule('Sequential.append', 'm', m);
    return this;
  }

  /** Typed for the usual chain of tensor modules; any value is passed through unchanged in type. */
  override forward(x: Tensor): Tensor {
    let y: unknown = x;
    for (const m of this.children()) y = m.forward(y);
    return y as Tensor;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
}

/** A list of sub-modules, registered as '0', '1', ... (no forward of its own). */
export class ModuleList extends Module {
  [index: string]: unknown;

  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return [...this.children()].length;
  }

  at(i: number): Module {
    return Sequential.prototype.at.call(this, i);
  }

  append(m: Module): this {
    this[String(this.length)] = checkModule('ModuleList.append', 'm', m);
    return this;
  }

  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
}

/** Sub-modules by name (no forward of its own). Integer-like keys are ordered first, as JS objects do. */
export class ModuleDict extends Module {
  [key: string]: unknown;

  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  set(key: string, m: Module): this {
    if (typeof key !== 'string' || key === '' || key.includes('.') || key in Module.prototype || key === 'training') {
      throw new TypeError(`nodegrad.ModuleDict.set: expected a key without '.' that is not a Module member, got ${String(key)}`);
    }
    this[key] = checkModule('ModuleDict.set', `'${key}'`, m);
    return this;
  }

  get(key: string): Module | undefined {
    const m = this[key];
    return m instanceof Module ? m : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  keys(): string[] {
    return [...this.namedChildren()].map(([k]) => k);
  }

  entries(): Array<[string, Module]> {
    return [...this.namedChildren()];
  }
}
