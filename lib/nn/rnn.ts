/**
 * Recurrent layers with PyTorch's parameters, names and formulas (INTEROP.md §2): RNN, LSTM, GRU over
 * sequences (numLayers, bidirectional, batchFirst, dropout between layers) and RNNCell, LSTMCell, GRUCell.
 * Gate rows: LSTM i, f, g, o; GRU r, z, n with n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)).
 * Every weight and bias starts as U(−1/√H, 1/√H).
 */
import { dropout } from '../ops/dropout.js';
import { linear } from '../ops/linalg.js';
import { cat } from '../ops/shape.js';
import { zeros } from '../ops/creation.js';
import { Tensor } from '../tensor.js';
import * as init from './init.js';
import { emptyParameter, type FactoryOptions } from './layers.js';
import { Module, type Parameter } from './module.js';
import { fusedRecurrent } from './rnn_fused.js';

export type RecurrentMode = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
const GATES: Record<RecurrentMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/**
 * One cell step (the cells compose it from Tensor ops; sequences use the fused kernels) from the input projection gi = W_ih x + b_ih [B, G·H] and the previous state. Returns h' (and c'
 * for LSTM).
 */
function step(mode: RecurrentMode, gi: Tensor, h: Tensor, c: Tensor | null, w: CellWeights): [Tensor, Tensor | null] {
  const gh = linear(h, w.wHh, w.bHh);
  switch (mode) {
    case 'rnn_tanh': return [gi.add(gh).tanh(), null];
    case 'rnn_relu': return [gi.add(gh).relu(), null];
    case 'lstm': {
      const [i, f, g, o] = gi.add(gh).chunk(4, -1);
      const c2 = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
      return [o.sigmoid().mul(c2.tanh()), c2];
    }
    case 'gru': {
      const [ir, iz, inn] = gi.chunk(3, -1);
      const [hr, hz, hn] = gh.chunk(3, -1);
      const r = ir.add(hr).sigmoid();
      const z = iz.add(hz).sigmoid();
      const n = inn.add(r.mul(hn)).tanh();
      // (1 − z)⊙n + z⊙h, written n + z⊙(h − n).
      return [n.add(z.mul(h.sub(n))), null];
    }
  }
}

function checkSizes(op: string, inputSize: number, hiddenSize: number): void {
  for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`nodegrad.${op}: expected ${name} to be an integer >= 1, got ${String(v)}`);
  }
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export interface RecurrentOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  /** x and output are [B, T, F] instead of [T, B, F] (states stay [L·D, B, H]). */
  batchFirst?: boolean;
  /** Dropout probability on each layer's output except the last, in training. */
  dropout?: number;
  bidirectional?: boolean;
}

abstract class RecurrentBase extends Module {
  [name: string]: unknown;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(readonly mode: RecurrentMode, readonly inputSize: number, readonly hiddenSize: number, options: RecurrentOptions = {}) {
    super();
    const op = this.constructor.name;
    const { numLayers = 1, bias = true, batchFirst = false, dropout: p = 0, bidirectional = false, dtype = 'float32' } = options;
    checkSizes(op, inputSize, hiddenSize);
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`nodegrad.${op}: expected numLayers to be an integer >= 1, got ${String(numLayers)}`);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`nodegrad.${op}: expected dropout in [0, 1], got ${String(p)}`);
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.bidirectional = bidirectional;
    const G = GATES[mode] * hiddenSize;
    const D = bidirectional ? 2 : 1;
    const bound = 1 / Math.sqrt(hiddenSize);
    for (let l = 0; l < numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const s = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const shapes: Array<[string, number[]]> = [[`weight_ih${s}`, [G, l === 0 ? inputSize : D * hiddenSize]], [`weight_hh${s}`, [G, hiddenSize]]];
        if (bias) shapes.push([`bias_ih${s}`, [G]], [`bias_hh${s}`, [G]]);
        for (const [name, shape] of shapes) this[name] = init.uniform_(emptyParameter(shape, dtype), -bound, bound);
      }
    }
  }

  private weights(l: number, d: number): CellWeights {
    const s = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return {
      wIh: this[`weight_ih${s}`] as Parameter,
      wHh: this[`weight_hh${s}`] as Parameter,
      bIh: (this[`bias_ih${s}`] as Parameter | undefined) ?? null,
      bHh: (this[`bias_hh${s}`] as Parameter | undefined) ?? null,
    };
  }

  /** x [T, B, I] (or [B, T, I], or unbatched [T, I]); h0 (and c0) [L·D, B, H] (unbatched [L·D, H]). */
  protected run(x: Tensor, h0: Tensor | null, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const op = `nodegrad.${this.constructor.name}`;
    if (!(x instanceof Tensor) || (x.ndim !== 3 && x.ndim !== 2)) throw new RangeError(`${op}: expected input of rank 3 (or 2 unbatched), got ${x instanceof Tensor ? fmt(x.shape) : typeof x}`);
    if (x.shape[x.ndim - 1] !== this.inputSize) throw new RangeError(`${op}: expected input with ${this.inputSize} features in its last dim, got ${fmt(x.shape)}`);
    const unbatched = x.ndim === 2;
    // Unbatched input is [T, I] whatever batchFirst says (as PyTorch).
    const seq = unbatched ? x.unsqueeze(1) : x;
    const batchFirst = this.batchFirst && !unbatched;
    const [T, B] = batchFirst ? [seq.shape[1], seq.shape[0]] : [seq.shape[0], seq.shape[1]];
    if (T === 0 || B === 0) throw new RangeError(`${op}: expected a non-empty sequence and batch, got input ${fmt(x.shape)}`);
    const D = this.bidirectional ? 2 : 1;
    const H = this.hiddenSize;
    const stateShape = [this.numLayers * D, B, H];
    const state = (t: Tensor | null, name: string): Tensor | null => {
      if (t === null) return null;
      const s = t instanceof Tensor && unbatched ? t.unsqueeze(1) : t;
      if (!(s instanceof Tensor) || s.ndim !== 3 || s.shape.some((n, i) => n !== stateShape[i]) || s.dtype !== x.dtype) {
        throw new RangeError(`${op}: expected ${name} of shape ${fmt(unbatched ? [stateShape[0], H] : stateShape)} and dtype ${x.dtype}, got ${t instanceof Tensor ? `${fmt(t.shape)} ${t.dtype}` : typeof t}`);
      }
      return s;
    };
    const h = state(h0, 'h0');
    const c = this.mode === 'lstm' ? state(c0, 'c0') : null;
    const weights = Array.from({ length: this.numLayers * D }, (_, i) => this.weights(Math.floor(i / D), i % D));
    let y: Tensor;
    let hOut: Tensor;
    let cOut: Tensor | null;
    if (this.dropout > 0 && this.training && this.numLayers > 1) {
      // Dropout sits between layers, so each layer is its own fused call.
      const hs: Tensor[] = [];
      const cs: Tensor[] = [];
      y = seq;
      for (let l = 0; l < this.numLayers; l++) {
        const part = (t: Tensor | null) => (t ? t.narrow(0, l * D, D) : null);
        const [yl, hl, cl] = fusedRecurrent(this.mode, y, part(h), part(c), weights.slice(l * D, l * D + D), 1, H, this.bidirectional, batchFirst);
        y = l < this.numLayers - 1 ? dropout(yl, { p: this.dropout, training: true }) : yl;
        hs.push(hl);
        if (cl) cs.push(cl);
      }
      hOut = cat(hs, 0);
      cOut = cs.length ? cat(cs, 0) : null;
    } else {
      [y, hOut, cOut] = fusedRecurrent(this.mode, seq, h, c, weights, this.numLayers, H, this.bidirectional, batchFirst);
    }
    if (unbatched) {
      y = y.squeeze(1);
      hOut = hOut.squeeze(1);
      cOut = cOut?.squeeze(1) ?? null;
    }
    return [y, hOut, cOut];
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (this.mode === 'rnn_relu') parts.push("nonlinearity='relu'");
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/** Elman RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh (default) or relu. forward → [output, hN]. */
export class RNN extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`nodegrad.RNN: expected nonlinearity 'tanh' or 'relu', got ${String(nl)}`);
    super(nl === 'tanh' ? 'rnn_tanh' : 'rnn_relu', inputSize, hiddenSize, options);
  }

  override forward(x: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const [y, h] = this.run(x, h0, null);
    return [y, h];
  }
}

/** LSTM: forward(x, [h0, c0]?) → [output, [hN, cN]]. */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('lstm', inputSize, hiddenSize, options);
  }

  override forward(x: Tensor, state: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [y, h, c] = this.run(x, state?.[0] ?? null, state?.[1] ?? null);
    return [y, [h, c!]];
  }
}

/** GRU: forward(x, h0?) → [output, hN]. */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('gru', inputSize, hiddenSize, options);
  }

  override forward(x: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const [y, h] = this.run(x, h0, null);
    return [y, h];
  }
}

abstract class CellBase extends Module {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(readonly mode: RecurrentMode, readonly inputSize: number, readonly hiddenSize: number, { bias = true, dtype = 'float32' }: { bias?: boolean } & FactoryOptions = {}) {
    super();
    checkSizes(this.constructor.name, inputSize, hiddenSize);
    const G = GATES[mode] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const make = (shape: number[]) => init.uniform_(emptyParameter(shape, dtype), -bound, bound) as Parameter;
    this.weight_ih = make([G, inputSize]);
    this.weight_hh = make([G, hiddenSize]);
    this.bias_ih = bias ? make([G]) : null;
    this.bias_hh = bias ? make([G]) : null;
  }

  /** x [B, I] or [I]; states [B, H] or [H] (zeros when null). */
  protected cell(x: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    const op = `nodegrad.${this.constructor.name}`;
    if (!(x instanceof Tensor) || (x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new RangeError(`${op}: expected input of shape [B, ${this.inputSize}] or [${this.inputSize}], got ${x instanceof Tensor ? fmt(x.shape) : typeof x}`);
    }
    const unbatched = x.ndim === 1;
    const xb = unbatched ? x.unsqueeze(0) : x;
    const shape = [xb.shape[0], this.hiddenSize];
    const state = (t: Tensor | null, name: string) => {
      if (t === null) return zeros(shape, { dtype: x.dtype });
      const s = unbatched ? t.unsqueeze(0) : t;
      if (s.ndim !== 2 || s.shape[0] !== shape[0] || s.shape[1] !== shape[1]) throw new RangeError(`${op}: expected ${name} of shape ${fmt(unbatched ? [this.hiddenSize] : shape)}, got ${fmt(t.shape)}`);
      return s;
    };
    const w = { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh };
    const [h2, c2] = step(this.mode, linear(xb, w.wIh, w.bIh), state(h, 'h'), this.mode === 'lstm' ? state(c, 'c') : null, w);
    return unbatched ? [h2.squeeze(0), c2?.squeeze(0) ?? null] : [h2, c2];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : ', bias=false'}${this.mode === 'rnn_relu' ? ", nonlinearity='relu'" : ''}`;
  }
}

/** One Elman RNN step: forward(x, h?) → h'. */
export class RNNCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } & FactoryOptions = {}) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`nodegrad.RNNCell: expected nonlinearity 'tanh' or 'relu', got ${String(nl)}`);
    super(nl === 'tanh' ? 'rnn_tanh' : 'rnn_relu', inputSize, hiddenSize, options);
  }

  override forward(x: Tensor, h: Tensor | null = null): Tensor {
    return this.cell(x, h, null)[0];
  }
}

/** One LSTM step: forward(x, [h, c]?) → [h', c']. */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } & FactoryOptions = {}) {
    super('lstm', inputSize, hiddenSize, options);
  }

  override forward(x: Tensor, state: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this.cell(x, state?.[0] ?? null, state?.[1] ?? null);
    return [h, c!];
  }
}

/** One GRU step: forward(x, h?) → h'. */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } & FactoryOptions = {}) {
    super('gru', inputSize, hiddenSize, options);
  }

  override forward(x: Tensor, h: Tensor | null = null): Tensor {
    return this.cell(x, h, null)[0];
  }
}
