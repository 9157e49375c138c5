/**
 * JS twin of the rnn kernel family (signatures and layouts in ../kernels/rnn.ts): the same algorithm as
 * native/kernels/rnn/ (one input-projection GEMM, then per step a hidden GEMM and the gate loop; backward
 * through time with the weight gradients as GEMMs over all steps), on Float32Array or Float64Array.
 */
import type { RnnKernels, RnnMode } from '../kernels/rnn.js';
import type { FloatArray } from '../types.js';
import { checkBoolean, checkFloatArray, checkLength, checkSize, checkedMul, checkedSpan, rangeError, typeError } from './check.js';
import { gemm } from './gemm.js';
import {
  gruCellGradRow, gruCellRow, lstmCellGradRow, lstmCellRow, rnnCellGradRow, rnnCellRow,
  type CellGradRow, type CellRow,
} from './rnn_cells.js';

const MODES: readonly string[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];

export function rnnGateCount(mode: RnnMode): number {
  return mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
}

interface Dims {
  mode: RnnMode; T: number; B: number; I: number; H: number; batchFirst: boolean; reverse: boolean;
  GH: number; BH: number; N: number; reserve: number;
}

/** The same checks, in the same order, as parse_dims in native/binding/rnn.cc. */
function checkDims(op: string, mode: unknown, T: unknown, B: unknown, I: unknown, H: unknown, bf?: unknown, rev?: unknown, full = true): Dims {
  if (typeof mode !== 'string') throw typeError(op, "mode to be 'rnn_tanh', 'rnn_relu', 'lstm' or 'gru'", mode);
  if (!MODES.includes(mode)) throw rangeError(op, `expected mode to be 'rnn_tanh', 'rnn_relu', 'lstm' or 'gru', got '${mode}'`);
  const m = mode as RnnMode;
  const t = checkSize(op, 'T', T), b = checkSize(op, 'B', B);
  const i = full ? checkSize(op, 'I', I) : 0;
  const h = checkSize(op, 'H', H);
  const batchFirst = full ? checkBoolean(op, 'batchFirst', bf) : false;
  const reverse = full ? checkBoolean(op, 'reverse', rev) : false;
  const GH = checkedMul(op, rnnGateCount(m), h, 'gates * H');
  const BH = checkedMul(op, b, h, 'B * H');
  const N = checkedMul(op, t, b, 'T * B');
  checkedMul(op, checkedMul(op, t + 1, BH, '(T + 1) * B * H'), 6, 'reserve size');
  checkedMul(op, checkedMul(op, N, GH, 'T * B * gates * H'), 2, 'scratch size');
  const states = (t + 1) * BH, steps = t * BH;
  const reserve = m === 'lstm' ? 2 * states + 4 * steps : m === 'gru' ? states + 4 * steps : states;
  return { mode: m, T: t, B: b, I: i, H: h, batchFirst, reverse, GH, BH, N, reserve };
}

function checkMatrix(op: string, a: FloatArray, name: string, ldName: string, rows: number, cols: number, ld: number): void {
  if (ld < Math.max(cols, 1)) throw rangeError(op, `expected ${ldName} >= ${Math.max(cols, 1)}, got ${ld}`);
  checkLength(op, name, a, checkedSpan(op, rows, cols, ld, name));
}

function optional(op: string, v: unknown, name: string, needed: number, allowed = true): FloatArray | null {
  if (v === null || v === undefined) return null;
  const a = checkFloatArray(op, name, v);
  if (!allowed) throw rangeError(op, `expected ${name} to be null for this mode (it is LSTM-only)`);
  checkLength(op, name, a, needed);
  return a;
}

function like(a: FloatArray, n: number): FloatArray {
  return a instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

export const rnnJs: RnnKernels = {
  rnnReserveSize(mode, T, B, H) {
    return checkDims('rnnReserveSize', mode, T, B, 0, H, undefined, undefined, false).reserve;
  },

  rnnForward(mode, T, B, I, H, batchFirst, reverse, x, ldx, h0, c0, wIh, wHh, bIh, bHh, y, ldy, hN, cN, reserve) {
    const op = 'rnnForward';
    const d = checkDims(op, mode, T, B, I, H, batchFirst, reverse);
    const lstm = d.mode === 'lstm';
    checkFloatArray(op, 'x', x);
    checkSize(op, 'ldx', ldx);
    checkMatrix(op, x, 'x', 'ldx', d.N, d.I, ldx);
    optional(op, h0, 'h0', d.BH);
    optional(op, c0, 'c0', d.BH, lstm);
    checkLength(op, 'wIh', checkFloatArray(op, 'wIh', wIh), checkedMul(op, d.GH, d.I, 'wIh size'));
    checkLength(op, 'wHh', checkFloatArray(op, 'wHh', wHh), checkedMul(op, d.GH, d.H, 'wHh size'));
    optional(op, bIh, 'bIh', d.GH);
    optional(op, bHh, 'bHh', d.GH);
    checkFloatArray(op, 'y', y);
    checkSize(op, 'ldy', ldy);
    checkMatrix(op, y, 'y', 'ldy', d.N, d.H, ldy);
    optional(op, hN, 'hN', d.BH);
    optional(op, cN, 'cN', d.BH, lstm);
    checkLength(op, 'reserve', checkFloatArray(op, 'reserve', reserve), d.reserve);
    forward(d, x, ldx, h0, c0, wIh, wHh, bIh, bHh, y, ldy, hN, cN, reserve);
  },

  rnnBackward(mode, T, B, I, H, batchFirst, reverse, x, ldx, wIh, wHh, reserve, dy, ldy, dhN, dcN, dx, lddx, dh0, dc0, dwIh, dwHh, dbIh, dbHh) {
    const op = 'rnnBackward';
    const d = checkDims(op, mode, T, B, I, H, batchFirst, reverse);
    const lstm = d.mode === 'lstm';
    checkFloatArray(op, 'x', x);
    checkSize(op, 'ldx', ldx);
    checkMatrix(op, x, 'x', 'ldx', d.N, d.I, ldx);
    checkLength(op, 'wIh', checkFloatArray(op, 'wIh', wIh), checkedMul(op, d.GH, d.I, 'wIh size'));
    checkLength(op, 'wHh', checkFloatArray(op, 'wHh', wHh), checkedMul(op, d.GH, d.H, 'wHh size'));
    checkLength(op, 'reserve', checkFloatArray(op, 'reserve', reserve), d.reserve);
    const dyA = dy === null || dy === undefined ? null : checkFloatArray(op, 'dy', dy);
    checkSize(op, 'ldy', ldy);
    if (dyA) checkMatrix(op, dyA, 'dy', 'ldy', d.N, d.H, ldy);
    optional(op, dhN, 'dhN', d.BH);
    optional(op, dcN, 'dcN', d.BH, lstm);
    const dxA = dx === null || dx === undefined ? null : checkFloatArray(op, 'dx', dx);
    checkSize(op, 'lddx', lddx);
    if (dxA) checkMatrix(op, dxA, 'dx', 'lddx', d.N, d.I, lddx);
    optional(op, dh0, 'dh0', d.BH);
    optional(op, dc0, 'dc0', d.BH, lstm);
    optional(op, dwIh, 'dwIh', checkedMul(op, d.GH, d.I, 'dwIh size'));
    optional(op, dwHh, 'dwHh', checkedMul(op, d.GH, d.H, 'dwHh size'));
    optional(op, dbIh, 'dbIh', d.GH);
    optional(op, dbHh, 'dbHh', d.GH);
    backward(d, x, ldx, wIh, wHh, reserve, dyA, ldy, dhN, dcN, dxA, lddx, dh0, dc0, dwIh, dwHh, dbIh, dbHh);
  },
};

function forward(
  d: Dims, x: FloatArray, ldx: number, h0: FloatArray | null, c0: FloatArray | null,
  wIh: FloatArray, wHh: FloatArray, bIh: FloatArray | null, bHh: FloatArray | null,
  y: FloatArray, ldy: number, hN: FloatArray | null, cN: FloatArray | null, res: FloatArray,
): void {
  const { T, B, I, H, GH, BH, N, mode, batchFirst: bf, reverse: rev } = d;
  const lstm = mode === 'lstm';
  const cs = (T + 1) * BH, saved = (lstm ? 2 : 1) * (T + 1) * BH, savedRow = lstm || mode === 'gru' ? 4 * H : 0;
  for (let i = 0; i < BH; i++) {
    res[i] = h0 ? h0[i] : 0;
    if (lstm) res[cs + i] = c0 ? c0[i] : 0;
  }
  if (N > 0 && H > 0) {
    const gx = like(x, N * GH), gh = like(x, B * GH);
    const bx = bIh ?? like(x, GH), bh = bHh ?? like(x, GH);
    gemm(false, true, N, GH, I, 1, x, ldx, wIh, Math.max(I, 1), 0, gx, GH);
    const row: CellRow = { H, gx, gxo: 0, gh, gho: 0, bx, bh, res, hPrev: 0, h: 0, cPrev: 0, c: 0, saved: 0, y, yo: 0 };
    for (let s = 0; s < T; s++) {
      const t = rev ? T - 1 - s : s;
      gemm(false, true, B, GH, H, 1, res.subarray(s * BH, (s + 1) * BH), H, wHh, H, 0, gh, GH);
      for (let b = 0; b < B; b++) {
        const xr = bf ? b * T + t : t * B + b;
        row.gxo = xr * GH;
        row.gho = b * GH;
        row.hPrev = s * BH + b * H;
        row.h = (s + 1) * BH + b * H;
        row.cPrev = cs + row.hPrev;
        row.c = cs + row.h;
        row.saved = saved + xr * savedRow;
        row.yo = xr * ldy;
        if (mode === 'lstm') lstmCellRow(row);
        else if (mode === 'gru') gruCellRow(row);
        else rnnCellRow(row, mode === 'rnn_relu');
      }
    }
  }
  for (let i = 0; i < BH; i++) {
    if (hN) hN[i] = res[T * BH + i];
    if (lstm && cN) cN[i] = res[cs + T * BH + i];
  }
}

function backward(
  d: Dims, x: FloatArray, ldx: number, wIh: FloatArray, wHh: FloatArray, res: FloatArray,
  dy: FloatArray | null, ldy: number, dhN: FloatArray | null, dcN: FloatArray | null, dx: FloatArray | null, lddx: number,
  dh0: FloatArray | null, dc0: FloatArray | null, dwIh: FloatArray | null, dwHh: FloatArray | null,
  dbIh: FloatArray | null, dbHh: FloatArray | null,
): void {
  const { T, B, I, H, GH, BH, N, mode, batchFirst: bf, reverse: rev } = d;
  const lstm = mode === 'lstm';
  const cs = (T + 1) * BH, saved = (lstm ? 2 : 1) * (T + 1) * BH, savedRow = lstm || mode === 'gru' ? 4 * H : 0;
  let dh = like(res, BH), dhNext = like(res, BH);
  const dc = like(res, BH);
  for (let i = 0; i < BH; i++) {
    dh[i] = dhN ? dhN[i] : 0;
    dc[i] = lstm && dcN ? dcN[i] : 0;
  }
  if (N > 0 && H > 0) {
    // dAx in x's row order (for dx and dW_ih), dAh in step order (for dh_prev and dW_hh, beside hs).
    const dax = like(res, N * GH), dah = like(res, N * GH);
    const row: CellGradRow = {
      H, dh, dho: 0, dy, dyo: 0, res, hPrev: 0, h: 0, cPrev: 0, c: 0, saved: 0,
      dc, dco: 0, dgx: dax, dgxo: 0, dgh: dah, dgho: 0, dhPrev: dhNext, dhPrevo: 0,
    };
    for (let s = T - 1; s >= 0; s--) {
      const t = rev ? T - 1 - s : s;
      row.dh = dh;
      row.dhPrev = dhNext;
      for (let b = 0; b < B; b++) {
        const xr = bf ? b * T + t : t * B + b;
        row.dho = row.dco = row.dhPrevo = b * H;
        row.dyo = xr * ldy;
        row.hPrev = s * BH + b * H;
        row.h = (s + 1) * BH + b * H;
        row.cPrev = cs + row.hPrev;
        row.c = cs + row.h;
        row.saved = saved + xr * savedRow;
        row.dgxo = xr * GH;
        row.dgho = (s * B + b) * GH;
        if (mode === 'lstm') lstmCellGradRow(row);
        else if (mode === 'gru') gruCellGradRow(row);
        else rnnCellGradRow(row, mode === 'rnn_relu');
      }
      // dh_prev = dA_s · W_hh (+ GRU's direct path, already in dhNext).
      gemm(false, false, B, H, GH, 1, dah.subarray(s * B * GH), GH, wHh, H, mode === 'gru' ? 1 : 0, dhNext, H);
      [dh, dhNext] = [dhNext, dh];
    }
    if (dx) gemm(false, false, N, I, GH, 1, dax, GH, wIh, Math.max(I, 1), 1, dx, lddx);
    if (dwIh) gemm(true, false, GH, I, N, 1, dax, GH, x, ldx, 1, dwIh, Math.max(I, 1));
    if (dwHh) gemm(true, false, GH, H, N, 1, dah, GH, res, H, 1, dwHh, H);
    if (dbIh) columnSums(N, GH, dax, dbIh);
    if (dbHh) columnSums(N, GH, dah, dbHh);
  }
  for (let i = 0; i < BH; i++) {
    if (dh0) dh0[i] += dh[i];
    if (lstm && dc0) dc0[i] += dc[i];
  }
}

function columnSums(rows: number, cols: number, a: FloatArray, out: FloatArray): void {
  const sums = like(out, cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) sums[j] += a[r * cols + j];
  for (let j = 0; j < cols; j++) out[j] += sums[j];
}
