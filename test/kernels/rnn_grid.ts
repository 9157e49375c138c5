/**
 * Native (float32) vs the JS twin (float64) for one layer, one direction: forward outputs and every gradient
 * of rnnBackward, with TESTING.md's cell bounds. Shared by rnn.test.ts and its per-ISA child processes.
 *
 * Bounds, per element:
 * - forward (y, hN, cN): the cell bound a + r·|ref| (1e-6 + 1e-5|ref| for T = 1, 1e-5 + 1e-4|ref| unrolled),
 *   plus the float32 error of the gate pre-activations themselves, which the table's bound does not
 *   cover for saturating inputs: (I + H + 2)·eps32·Σ|terms| per unit (every activation and the state update
 *   are 1-Lipschitz in each pre-activation), summed over the four gates and accumulated over steps.
 * - backward: the GEMM-type bound with the backward's own reduction length k (N = T·B for dW, G·H for dx),
 *   applied normwise (k + 2)·eps32·T·max|ref| per tensor, plus the unrolled cell bound; the gradients
 *   inherit the forward's relative error, and an indexing bug still shows up as an O(1) error.
 */
import { jsKernels, nativeKernels, type Kernels } from '../../lib/backend/index.js';
import type { RnnMode } from '../../lib/backend/kernels/rnn.js';
import { closeMismatch } from '../helpers/close.js';
import { Rng } from '../helpers/rng.js';

export const EPS32 = 2 ** -23;

export interface GridCase {
  mode: RnnMode; T: number; B: number; I: number; H: number;
  batchFirst: boolean; reverse: boolean; zeroState: boolean; scale: number; seed: number;
}

export const gates = (m: RnnMode): number => (m === 'lstm' ? 4 : m === 'gru' ? 3 : 1);

type Arrays = Record<string, Float32Array | null>;

/** Random inputs for a case; `scale` is the magnitude of x (30 saturates the gates). */
export function makeInputs(c: GridCase): Arrays {
  const r = new Rng(c.seed);
  const G = gates(c.mode), k = 1 / Math.sqrt(Math.max(c.H, 1));
  const state = (n: number) => (c.zeroState ? null : r.f32(n));
  return {
    x: r.f32(c.T * c.B * c.I, -c.scale, c.scale),
    h0: state(c.B * c.H),
    c0: c.mode === 'lstm' ? state(c.B * c.H) : null,
    wIh: r.f32(G * c.H * c.I, -k, k),
    wHh: r.f32(G * c.H * c.H, -k, k),
    bIh: r.f32(G * c.H, -k, k),
    bHh: r.f32(G * c.H, -k, k),
    dy: r.f32(c.T * c.B * c.H),
    dhN: r.f32(c.B * c.H),
    dcN: c.mode === 'lstm' ? r.f32(c.B * c.H) : null,
  };
}

export type Outputs = Record<string, Float32Array | Float64Array>;

/** Runs forward and backward on kernels `k`, with arrays converted by `conv` (identity or to float64). */
export function run(k: Kernels, c: GridCase, inp: Arrays, f64: boolean): Outputs {
  const cv = (a: Float32Array | null) => (a === null ? null : f64 ? Float64Array.from(a) : a);
  const z = (n: number) => (f64 ? new Float64Array(n) : new Float32Array(n));
  const { mode, T, B, I, H } = c, G = gates(mode), lstm = mode === 'lstm';
  const o: Outputs = {
    y: z(T * B * H), hN: z(B * H), reserve: z(k.rnnReserveSize(mode, T, B, H)),
    dx: z(T * B * I), dh0: z(B * H), dwIh: z(G * H * I), dwHh: z(G * H * H), dbIh: z(G * H), dbHh: z(G * H),
  };
  if (lstm) {
    o.cN = z(B * H);
    o.dc0 = z(B * H);
  }
  const x = cv(inp.x)!, wIh = cv(inp.wIh)!, wHh = cv(inp.wHh)!;
  const ldx = Math.max(I, 1);  // leading dimensions are at least 1, also for input 0
  k.rnnForward(mode, T, B, I, H, c.batchFirst, c.reverse, x, ldx, cv(inp.h0), cv(inp.c0), wIh, wHh, cv(inp.bIh), cv(inp.bHh),
    o.y, H, o.hN, lstm ? o.cN : null, o.reserve);
  k.rnnBackward(mode, T, B, I, H, c.batchFirst, c.reverse, x, ldx, wIh, wHh, o.reserve, cv(inp.dy), H, cv(inp.dhN), cv(inp.dcN),
    o.dx, ldx, o.dh0, lstm ? o.dc0 : null, o.dwIh, o.dwHh, o.dbIh, o.dbHh);
  return o;
}

/** Per-step bound on the float32 error of the gate pre-activations, summed over gates, max over rows/units. */
function preactivationBounds(c: GridCase, inp: Arrays, ref: Outputs): number[] {
  const { T, B, I, H } = c, G = gates(c.mode), BH = B * H;
  const out: number[] = [];
  for (let s = 0; s < T; s++) {
    const t = c.reverse ? T - 1 - s : s;
    let worst = 0;
    for (let b = 0; b < B; b++) {
      const xr = (c.batchFirst ? b * T + t : t * B + b) * I;
      for (let j = 0; j < H; j++) {
        let sum = 0;
        for (let g = 0; g < G; g++) {
          const row = g * H + j;
          let acc = Math.abs(inp.bIh![row]) + Math.abs(inp.bHh![row]);
          for (let p = 0; p < I; p++) acc += Math.abs(inp.wIh![row * I + p] * inp.x![xr + p]);
          for (let p = 0; p < H; p++) acc += Math.abs(inp.wHh![row * H + p] * ref.reserve[s * BH + b * H + p]);
          sum += acc;
        }
        worst = Math.max(worst, sum);
      }
    }
    out.push((I + H + 2) * EPS32 * worst);
  }
  return out;
}

/** null when native matches the float64 reference, otherwise the first mismatch. */
export function compareCase(c: GridCase, native: Kernels = nativeKernels!): string | null {
  const inp = makeInputs(c);
  const got = run(native, c, inp, false);
  const ref = run(jsKernels, c, inp, true);
  const a = c.T === 1 ? 1e-6 : 1e-5, rel = c.T === 1 ? 1e-5 : 1e-4;
  const pre = preactivationBounds(c, inp, ref);
  const cum: number[] = [];
  pre.reduce((acc, v, s) => (cum[s] = acc + v), 0);
  const total = cum.length > 0 ? cum[cum.length - 1] : 0;
  const { T, B, H } = c;
  // y row (t, b) was produced at step s = t (or T-1-t when reverse).
  const yBound = (i: number) => {
    const row = Math.floor(i / H), t = c.batchFirst ? row % T : Math.floor(row / B);
    return a + rel * Math.abs(ref.y[i]) + cum[c.reverse ? T - 1 - t : t];
  };
  const fwd: [string, (i: number) => number][] = [
    ['y', yBound],
    ['hN', (i) => a + rel * Math.abs(ref.hN[i]) + total],
  ];
  if (c.mode === 'lstm') fwd.push(['cN', (i) => a + rel * Math.abs(ref.cN[i]) + total]);
  for (const [name, bound] of fwd) {
    const m = closeMismatch(got[name], ref[name], bound);
    if (m !== null) return `${name}: ${m}`;
  }
  const N = T * B, GH = gates(c.mode) * H;
  const ks: Record<string, number> = { dx: GH, dh0: GH, dc0: 1, dwIh: N, dwHh: N, dbIh: N, dbHh: N };
  for (const [name, k] of Object.entries(ks)) {
    if (!(name in ref)) continue;
    let scale = 0;
    for (const v of ref[name]) scale = Math.max(scale, Math.abs(v));
    const norm = (k + 2) * EPS32 * Math.max(T, 1) * scale + 1e-5 * scale;
    const m = closeMismatch(got[name], ref[name], (i) => 1e-5 + 1e-4 * Math.abs(ref[name][i]) + norm + total);
    if (m !== null) return `${name}: ${m}`;
  }
  return null;
}

export function describeCase(c: GridCase): string {
  return `${c.mode} T=${c.T} B=${c.B} I=${c.I} H=${c.H}${c.batchFirst ? ' batchFirst' : ''}${c.reverse ? ' reverse' : ''}` +
    `${c.zeroState ? ' zero-state' : ''} |x|<${c.scale} seed=${c.seed}`;
}

/** The T5 grid: every mode × batch × input × hidden, at the given sequence lengths. */
export function grid(lengths: number[], seed: number): GridCase[] {
  const cases: GridCase[] = [];
  let n = 0;
  for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as RnnMode[]) {
    for (const B of [1, 3, 8]) for (const I of [1, 7, 16, 33]) for (const H of [1, 8, 17, 64]) for (const T of lengths) {
      n++;
      cases.push({
        mode, T, B, I, H, batchFirst: n % 3 === 1, reverse: n % 4 === 2, zeroState: n % 5 === 0,
        scale: n % 7 === 3 ? 30 : 1, seed: seed + n,
      });
    }
  }
  return cases;
}

/** Runs cases, returning the failures (used in-process and by the per-ISA children). */
export function runCases(cases: GridCase[]): string[] {
  const failures: string[] = [];
  for (const c of cases) {
    const m = compareCase(c);
    if (m !== null) failures.push(`${describeCase(c)}: ${m}`);
  }
  return failures;
}
