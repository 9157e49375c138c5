/**
 * Constructors: tensor() from nested arrays or typed arrays, zeros/ones/full/arange/linspace/eye, the
 * random rand/randn/randint with a seedable generator (`manualSeed`), and the *Like variants.
 * Default dtype float32. Created tensors are leaves.
 */
import { Tensor, shapeSize, type DType } from '../tensor.js';
import { alloc, checkInt, checkNum, fmtShape, rangeErr, typeErr } from './helpers.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/** xoshiro128**: a small, fast, well-tested PRNG; the seed is expanded with splitmix32. */
export class Generator {
  private s = new Uint32Array(4);

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = z ^ (z >>> 16);
    }
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const x = Math.imul(s[1], 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** The generator used when none is given. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator (rand, randn, randint, dropout, nn.init). */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(checkInt('manualSeed', 'seed', seed, -Infinity));
}

function dtypeOf(op: string, o: CreateOptions): DType {
  const d = o.dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw rangeErr(op, `expected dtype 'float32' or 'float64', got ${String(d)}`);
  return d;
}

function leaf(t: Tensor, o: CreateOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function checkShape(op: string, shape: readonly number[]): number[] {
  shape.forEach((n, i) => checkInt(op, `shape[${i}]`, n));
  return shape.slice();
}

type ShapeArgs<O> = (number | readonly number[] | O | undefined)[];

/** Splits f(2, 3, opts) / f([2, 3], opts) into shape and options. */
function shapeAndOptions<O extends object>(op: string, args: ShapeArgs<O>): [number[], O] {
  let opts = {} as O;
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === 'object' && !Array.isArray(last)) {
    opts = last as O;
    args = args.slice(0, -1);
  }
  const shape = args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
  return [checkShape(op, shape), opts];
}

export interface TensorOptions extends CreateOptions {
  /** Shape for flat data (default: inferred from nesting, or [length] for a typed array). */
  shape?: readonly number[];
}

type Nested = number | readonly Nested[];

/** A new tensor holding a copy of `data` (a number, nested arrays of numbers, or a typed array). */
export function tensor(data: Nested | ArrayLike<number>, options: TensorOptions = {}): Tensor {
  const dtype = dtypeOf('tensor', options);
  let shape: number[];
  let flat: ArrayLike<number>;
  if (typeof data === 'number') {
    shape = [];
    flat = [data];
  } else if (ArrayBuffer.isView(data)) {
    flat = data as ArrayLike<number>;
    shape = [flat.length];
  } else if (Array.isArray(data)) {
    shape = [];
    for (let level: unknown = data; Array.isArray(level); level = level[0]) shape.push(level.length);
    const out: number[] = [];
    const walk = (v: unknown, depth: number): void => {
      if (depth === shape.length) {
        if (typeof v !== 'number') throw typeErr('tensor', `expected numbers in data, got ${typeof v}`);
        out.push(v);
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) throw rangeErr('tensor', `expected a rectangular nested array of shape ${fmtShape(shape)}`);
      for (const e of v) walk(e, depth + 1);
    };
    walk(data, 0);
    flat = out;
  } else {
    throw typeErr('tensor', 'expected data to be a number, a nested array or a typed array');
  }
  if (options.shape !== undefined) {
    const s = checkShape('tensor', options.shape);
    if (shapeSize(s) !== flat.length) throw rangeErr('tensor', `expected ${shapeSize(s)} elements for shape ${fmtShape(s)}, got ${flat.length}`);
    shape = s;
  }
  const storage = alloc(dtype, flat.length);
  storage.set(flat as ArrayLike<number>);
  return leaf(new Tensor(storage, shape), options);
}

export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  const s = checkShape('full', shape);
  const storage = alloc(dtypeOf('full', options), shapeSize(s));
  storage.fill(checkNum('full', 'value', value));
  return leaf(new Tensor(storage, s), options);
}

export function zeros(...args: ShapeArgs<CreateOptions>): Tensor {
  const [shape, o] = shapeAndOptions('zeros', args);
  return full(shape, 0, o);
}

export function ones(...args: ShapeArgs<CreateOptions>): Tensor {
  const [shape, o] = shapeAndOptions('ones', args);
  return full(shape, 1, o);
}

/** start, start + step, ... < end (arange(n) is 0..n−1). */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  checkNum('arange', 'start', start);
  checkNum('arange', 'end', end);
  if (checkNum('arange', 'step', step) === 0 || !Number.isFinite(step)) throw rangeErr('arange', `expected a finite non-zero step, got ${step}`);
  const n = Math.max(Math.ceil((end - start) / step), 0);
  const storage = alloc(dtypeOf('arange', options), n);
  for (let i = 0; i < n; i++) storage[i] = start + i * step;
  return leaf(new Tensor(storage, [n]), options);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  checkInt('linspace', 'steps', steps);
  const storage = alloc(dtypeOf('linspace', options), steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) storage[i] = i === steps - 1 && steps > 1 ? end : start + i * step;
  return leaf(new Tensor(storage, [steps]), options);
}

/** Identity matrix n×m (m = n by default). */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  checkInt('eye', 'n', n);
  checkInt('eye', 'm', m);
  const storage = alloc(dtypeOf('eye', options), n * m);
  for (let i = 0; i < Math.min(n, m); i++) storage[i * m + i] = 1;
  return leaf(new Tensor(storage, [n, m]), options);
}

function random(op: string, args: ShapeArgs<RandomOptions>, draw: (g: Generator) => number): Tensor {
  const [shape, o] = shapeAndOptions(op, args);
  const g = o.generator ?? defaultGenerator;
  const storage = alloc(dtypeOf(op, o), shapeSize(shape));
  for (let i = 0; i < storage.length; i++) storage[i] = draw(g);
  return leaf(new Tensor(storage, shape), o);
}

/** Uniform in [0, 1). */
export function rand(...args: ShapeArgs<RandomOptions>): Tensor {
  return random('rand', args, (g) => g.next());
}

/** Standard normal. */
export function randn(...args: ShapeArgs<RandomOptions>): Tensor {
  return random('randn', args, (g) => g.normal());
}

/** Integers uniform in [low, high). */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkInt('randint', 'low', low, -Infinity);
  if (checkInt('randint', 'high', high, -Infinity) <= low) throw rangeErr('randint', `expected high > low, got ${low} and ${high}`);
  return random('randint', [shape, options], (g) => low + Math.floor(g.next() * (high - low)));
}

const likeOptions = (t: Tensor, o: RandomOptions): RandomOptions => ({ dtype: t.dtype, ...o });

export const zerosLike = (t: Tensor, o: CreateOptions = {}): Tensor => full(t.shape, 0, likeOptions(t, o));
export const onesLike = (t: Tensor, o: CreateOptions = {}): Tensor => full(t.shape, 1, likeOptions(t, o));
export const fullLike = (t: Tensor, value: number, o: CreateOptions = {}): Tensor => full(t.shape, value, likeOptions(t, o));
export const randLike = (t: Tensor, o: RandomOptions = {}): Tensor => rand(t.shape, likeOptions(t, o));
export const randnLike = (t: Tensor, o: RandomOptions = {}): Tensor => randn(t.shape, likeOptions(t, o));
