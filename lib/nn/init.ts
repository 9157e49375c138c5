/**
 * `nn.init`: in-place initialisers, PyTorch's formulas. They draw from the default generator (seed it with
 * `manualSeed`) unless given one, and write outside autograd. Fan-in/out of a weight [out, in, ...k] are
 * in·∏k and out·∏k.
 */
import { defaultGenerator, type Generator } from '../ops/creation.js';
import { Tensor } from '../tensor.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fanIn' | 'fanOut';

function target(op: string, t: unknown): Float32Array | Float64Array {
  if (!(t instanceof Tensor)) throw new TypeError(`nodegrad.init.${op}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  const d = t.data;
  if (d !== t.storage && !(t.isContiguous() && d.buffer === t.storage.buffer)) {
    throw new RangeError(`nodegrad.init.${op}: expected a dense tensor (initialise the base tensor, not a strided view)`);
  }
  return d;
}

function finite(op: string, name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`nodegrad.init.${op}: expected ${name} to be a finite number, got ${String(v)}`);
  return v;
}

/** The recommended gain for a nonlinearity (PyTorch's calculate_gain); `param` is leaky_relu's slope. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new RangeError(`nodegrad.init.calculateGain: expected a known nonlinearity, got ${String(nonlinearity)}`);
  }
}

/** [fanIn, fanOut] of a weight of rank ≥ 2. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new RangeError(`nodegrad.init: expected a tensor with at least 2 dims to compute fan in/out, got shape [${t.shape.join(', ')}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new RangeError(`nodegrad.init: expected mode 'fanIn' or 'fanOut', got ${String(mode)}`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return mode === 'fanIn' ? fanIn : fanOut;
}

/** Fills with U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  const d = target('uniform_', t);
  if (finite('uniform_', 'a', a) > finite('uniform_', 'b', b)) throw new RangeError(`nodegrad.init.uniform_: expected a <= b, got a = ${a} and b = ${b}`);
  for (let i = 0; i < d.length; i++) d[i] = a + (b - a) * generator.next();
  return t;
}

/** Fills with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  const d = target('normal_', t);
  finite('normal_', 'mean', mean);
  if (finite('normal_', 'std', std) < 0) throw new RangeError(`nodegrad.init.normal_: expected std >= 0, got ${std}`);
  for (let i = 0; i < d.length; i++) d[i] = mean + std * generator.normal();
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  target('constant_', t).fill(finite('constant_', 'value', value));
  return t;
}

export function zeros_(t: Tensor): Tensor {
  target('zeros_', t).fill(0);
  return t;
}

export function ones_(t: Tensor): Tensor {
  target('ones_', t).fill(1);
  return t;
}

/** A 2-D identity (ones on the diagonal). */
export function eye_(t: Tensor): Tensor {
  const d = target('eye_', t);
  if (t.ndim !== 2) throw new RangeError(`nodegrad.init.eye_: expected a 2-D tensor, got shape [${t.shape.join(', ')}]`);
  d.fill(0);
  for (let i = 0; i < Math.min(t.shape[0], t.shape[1]); i++) d[i * t.shape[1] + i] = 1;
  return t;
}

/** U(−b, b) with b = gain·√(6 / (fanIn + fanOut)) (Glorot & Bengio). */
export function xavierUniform_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, generator);
}

/** N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}

export interface KaimingOptions {
  /** leaky_relu's negative slope (PyTorch's `a`). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/** U(−b, b) with b = √3 · gain/√fan (He et al.); defaults a 0, fanIn, leaky_relu. */
export function kaimingUniform_(t: Tensor, { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu', generator = defaultGenerator }: KaimingOptions = {}): Tensor {
  const f = fan(t, mode);
  const bound = f === 0 ? 0 : Math.sqrt(3) * (calculateGain(nonlinearity, a) / Math.sqrt(f));
  return uniform_(t, -bound, bound, generator);
}

/** N(0, std²) with std = gain/√fan. */
export function kaimingNormal_(t: Tensor, { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu', generator = defaultGenerator }: KaimingOptions = {}): Tensor {
  const f = fan(t, mode);
  return normal_(t, 0, f === 0 ? 0 : calculateGain(nonlinearity, a) / Math.sqrt(f), generator);
}
