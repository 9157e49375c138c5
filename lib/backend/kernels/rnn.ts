/** The rnn kernel family: signatures shared by the native addon and the JS twin. */
import type { FloatArray } from '../types.js';

/** Cell type. Gate rows: rnn 1 block, lstm 4 (i, f, g, o), gru 3 (r, z, n); PyTorch's formulas. */
export type RnnMode = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

/**
 * One recurrent layer in one direction over a whole sequence (a single cell step is T = 1).
 *
 * Layouts, row-major: x `[T, B, I]` (batchFirst: `[B, T, I]`) in rows of I with leading dimension ldx; y the
 * same with H and ldy (a bidirectional layer writes its directions into column halves of `[T, B, 2H]`);
 * h0, c0, hN, cN `[B, H]`; wIh `[G·H, I]`, wHh `[G·H, H]`, bIh, bHh `[G·H]`.
 *
 * - rnn:  h' = act(W_ih x + b_ih + W_hh h + b_hh), act = tanh or relu
 * - lstm: i, f, o = σ(·), g = tanh(·) over the gate rows; c' = f⊙c + i⊙g; h' = o⊙tanh(c')
 * - gru:  r, z = σ(·); n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)); h' = (1 − z)⊙n + z⊙h
 *
 * `reverse` runs from t = T−1 down to 0 (the backward direction of a bidirectional layer). The reserve
 * (`rnnReserveSize` elements) receives what backward needs: hs `[(T+1), B, H]` (states before each step,
 * in processing order, hs[T] = hN), for LSTM cs likewise, then the saved gates `[T·B, 4H]` in x's row order
 * (LSTM i, f, g, o; GRU r, z, n, W_hn h + b_hn). Null optional arrays mean zeros (h0, c0, biases) or "not wanted" (hN, cN).
 * Gradients (dx, dh0, dc0, dW, db) are accumulated into (+=); null ones are not computed.
 */
export interface RnnKernels {
  rnnReserveSize(mode: RnnMode, T: number, B: number, H: number): number;
  rnnForward(
    mode: RnnMode, T: number, B: number, I: number, H: number, batchFirst: boolean, reverse: boolean,
    x: FloatArray, ldx: number, h0: FloatArray | null, c0: FloatArray | null,
    wIh: FloatArray, wHh: FloatArray, bIh: FloatArray | null, bHh: FloatArray | null,
    y: FloatArray, ldy: number, hN: FloatArray | null, cN: FloatArray | null, reserve: FloatArray,
  ): void;
  rnnBackward(
    mode: RnnMode, T: number, B: number, I: number, H: number, batchFirst: boolean, reverse: boolean,
    x: FloatArray, ldx: number, wIh: FloatArray, wHh: FloatArray, reserve: FloatArray,
    dy: FloatArray | null, ldy: number, dhN: FloatArray | null, dcN: FloatArray | null,
    dx: FloatArray | null, lddx: number, dh0: FloatArray | null, dc0: FloatArray | null,
    dwIh: FloatArray | null, dwHh: FloatArray | null, dbIh: FloatArray | null, dbHh: FloatArray | null,
  ): void;
}
