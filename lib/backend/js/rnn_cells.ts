/**
 * The gate math of the rnn family's JS twin: one batch row, all H units, every gate in one pass.
 * Offsets locate the row inside larger arrays; gate block k of a row starts at k·H. Formulas are PyTorch's
 * (see lib/backend/kernels/rnn.ts); the native gate kernels (native/kernels/rnn/rnn_gates.cc) mirror them.
 */
import type { FloatArray } from '../types.js';

/** Where one row's operands live. `res` is the reserve (states and saved gates). */
export interface CellRow {
  H: number;
  gx: FloatArray; gxo: number; // input projection, without bias
  gh: FloatArray; gho: number; // hidden projection, without bias
  bx: FloatArray; bh: FloatArray; // biases (zeros when absent)
  res: FloatArray;
  hPrev: number; h: number; // state offsets in res
  cPrev: number; c: number; // LSTM cell-state offsets in res
  saved: number; // saved-gates offset in res
  y: FloatArray; yo: number;
}

export interface CellGradRow {
  H: number;
  dh: FloatArray; dho: number; // gradient reaching h from the next step
  dy: FloatArray | null; dyo: number;
  res: FloatArray;
  hPrev: number; h: number; cPrev: number; c: number; saved: number;
  dc: FloatArray; dco: number; // LSTM: in dc from the next step, out dc_prev
  dgx: FloatArray; dgxo: number; // pre-activation gradients, input side
  dgh: FloatArray; dgho: number; // pre-activation gradients, hidden side (differs for GRU's n gate)
  dhPrev: FloatArray; dhPrevo: number; // GRU: the direct path dh·z
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
export const relu = (v: number): number => (v > 0 ? v : Number.isNaN(v) ? v : 0);

function pre(r: CellRow, k: number, j: number): number {
  const o = k * r.H + j;
  return r.gx[r.gxo + o] + r.bx[o] + (r.gh[r.gho + o] + r.bh[o]);
}

export function rnnCellRow(r: CellRow, relu_: boolean): void {
  for (let j = 0; j < r.H; j++) {
    const h = relu_ ? relu(pre(r, 0, j)) : Math.tanh(pre(r, 0, j));
    r.res[r.h + j] = h;
    r.y[r.yo + j] = h;
  }
}

export function lstmCellRow(r: CellRow): void {
  const { H, res } = r;
  for (let j = 0; j < H; j++) {
    const i = sigmoid(pre(r, 0, j)), f = sigmoid(pre(r, 1, j));
    const g = Math.tanh(pre(r, 2, j)), o = sigmoid(pre(r, 3, j));
    const c = f * res[r.cPrev + j] + i * g;
    const h = o * Math.tanh(c);
    res[r.saved + j] = i;
    res[r.saved + H + j] = f;
    res[r.saved + 2 * H + j] = g;
    res[r.saved + 3 * H + j] = o;
    res[r.c + j] = c;
    res[r.h + j] = h;
    r.y[r.yo + j] = h;
  }
}

export function gruCellRow(r: CellRow): void {
  const { H, res } = r;
  for (let j = 0; j < H; j++) {
    const rg = sigmoid(pre(r, 0, j)), z = sigmoid(pre(r, 1, j));
    const hn = r.gh[r.gho + 2 * H + j] + r.bh[2 * H + j];
    const n = Math.tanh(r.gx[r.gxo + 2 * H + j] + r.bx[2 * H + j] + rg * hn);
    const h = n + z * (res[r.hPrev + j] - n);
    res[r.saved + j] = rg;
    res[r.saved + H + j] = z;
    res[r.saved + 2 * H + j] = n;
    res[r.saved + 3 * H + j] = hn;
    res[r.h + j] = h;
    r.y[r.yo + j] = h;
  }
}

function dhAt(r: CellGradRow, j: number): number {
  return r.dh[r.dho + j] + (r.dy !== null ? r.dy[r.dyo + j] : 0);
}

export function rnnCellGradRow(r: CellGradRow, relu_: boolean): void {
  for (let j = 0; j < r.H; j++) {
    const h = r.res[r.h + j];
    const da = relu_ ? (h > 0 ? dhAt(r, j) : 0) : dhAt(r, j) * (1 - h * h);
    r.dgx[r.dgxo + j] = da;
    r.dgh[r.dgho + j] = da;
  }
}

export function lstmCellGradRow(r: CellGradRow): void {
  const { H, res } = r;
  for (let j = 0; j < H; j++) {
    const i = res[r.saved + j], f = res[r.saved + H + j], g = res[r.saved + 2 * H + j], o = res[r.saved + 3 * H + j];
    const tc = Math.tanh(res[r.c + j]);
    const dh = dhAt(r, j);
    const dc = r.dc[r.dco + j] + dh * o * (1 - tc * tc);
    const dai = dc * g * i * (1 - i), daf = dc * res[r.cPrev + j] * f * (1 - f);
    const dag = dc * i * (1 - g * g), dao = dh * tc * o * (1 - o);
    r.dc[r.dco + j] = dc * f;
    r.dgx[r.dgxo + j] = r.dgh[r.dgho + j] = dai;
    r.dgx[r.dgxo + H + j] = r.dgh[r.dgho + H + j] = daf;
    r.dgx[r.dgxo + 2 * H + j] = r.dgh[r.dgho + 2 * H + j] = dag;
    r.dgx[r.dgxo + 3 * H + j] = r.dgh[r.dgho + 3 * H + j] = dao;
  }
}

export function gruCellGradRow(r: CellGradRow): void {
  const { H, res } = r;
  for (let j = 0; j < H; j++) {
    const rg = res[r.saved + j], z = res[r.saved + H + j], n = res[r.saved + 2 * H + j], hn = res[r.saved + 3 * H + j];
    const dh = dhAt(r, j);
    const dan = dh * (1 - z) * (1 - n * n);
    const dar = dan * hn * rg * (1 - rg);
    const daz = dh * (res[r.hPrev + j] - n) * z * (1 - z);
    r.dhPrev[r.dhPrevo + j] = dh * z;
    r.dgx[r.dgxo + j] = dar;
    r.dgx[r.dgxo + H + j] = daz;
    r.dgx[r.dgxo + 2 * H + j] = dan;
    r.dgh[r.dgho + j] = dar;
    r.dgh[r.dgho + H + j] = daz;
    r.dgh[r.dgho + 2 * H + j] = dan * rg;
  }
}
