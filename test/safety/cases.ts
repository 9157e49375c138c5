/**
 * One valid call per native kernel export, for the suites that treat every binding alike: determinism
 * across thread counts, worker_threads, FP environment, detached/resized/offset/shared buffers. Add an
 * entry when a binding function lands; `uncoveredExports()` lists the ones still missing (a failing test in
 * buffers.test.ts until it has one).
 */
import { jsKernels } from '../../lib/backend/js/index.js';
import type { Rng } from '../helpers/rng.js';
import { convCasesAll, elementwiseCases, optimCases, poolCases } from './cases_families.js';

export interface ArraySpec {
  /** Argument position. */
  index: number;
  /** The argument's name in the binding's error messages. */
  name: string;
  /** Written by the kernel (compared bitwise across runs); inputs must come back unchanged. */
  output: boolean;
  /** An Int32Array (index) argument; Float32Array otherwise. */
  kind?: 'i32';
}

export interface BindingCase {
  /** The addon export called. */
  fn: string;
  label: string;
  /** Fresh valid arguments. `big` sizes are large enough for the thread pool to split the work. */
  args(r: Rng, big: boolean): unknown[];
  /** Every typed-array argument. */
  arrays: ArraySpec[];
}

export type Addon = Record<string, (...args: unknown[]) => unknown>;

const RUNTIME_EXPORTS = new Set(['cpuInfo', 'setNumThreads', 'getNumThreads', 'workspaceBytes', 'benchPeak', 'fpControl']);

const f32 = (r: Rng, n: number) => r.f32(n, -1, 1);

function gemmCase(transA: boolean, transB: boolean, ldPad: number): BindingCase {
  return {
    fn: 'gemm',
    label: `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}${ldPad ? ' padded ld' : ''}`,
    args(r, big) {
      const [m, n, k] = big ? [203, 157, 131] : [7, 9, 5];
      const [ar, ac] = transA ? [k, m] : [m, k];
      const [br, bc] = transB ? [n, k] : [k, n];
      const lda = ac + ldPad, ldb = bc + ldPad, ldc = n + ldPad;
      return [transA, transB, m, n, k, 0.75, f32(r, ar * lda), lda, f32(r, br * ldb), ldb, -0.5, f32(r, m * ldc), ldc];
    },
    arrays: [
      { index: 6, name: 'a', output: false },
      { index: 8, name: 'b', output: false },
      { index: 11, name: 'c', output: true },
    ],
  };
}

type RnnMode = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
const GATES: Record<RnnMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

function rnnShape(big: boolean) {
  return big ? { T: 6, B: 9, I: 37, H: 48 } : { T: 3, B: 2, I: 5, H: 4 };
}

function rnnForwardArgs(mode: RnnMode, r: Rng, big: boolean): unknown[] {
  const { T, B, I, H } = rnnShape(big);
  const G = GATES[mode] * H;
  const lstm = mode === 'lstm';
  const reserve = new Float32Array(jsKernels.rnnReserveSize(mode, T, B, H));
  return [
    mode, T, B, I, H, false, false,
    f32(r, T * B * I), I, f32(r, B * H), lstm ? f32(r, B * H) : null,
    f32(r, G * I), f32(r, G * H), f32(r, G), f32(r, G),
    new Float32Array(T * B * H), H, new Float32Array(B * H), lstm ? new Float32Array(B * H) : null, reserve,
  ];
}

function rnnForwardCase(mode: RnnMode): BindingCase {
  const arrays: ArraySpec[] = [
    { index: 7, name: 'x', output: false },
    { index: 9, name: 'h0', output: false },
    { index: 11, name: 'wIh', output: false },
    { index: 12, name: 'wHh', output: false },
    { index: 13, name: 'bIh', output: false },
    { index: 14, name: 'bHh', output: false },
    { index: 15, name: 'y', output: true },
    { index: 17, name: 'hN', output: true },
    { index: 19, name: 'reserve', output: true },
  ];
  if (mode === 'lstm') arrays.push({ index: 10, name: 'c0', output: false }, { index: 18, name: 'cN', output: true });
  return { fn: 'rnnForward', label: `rnnForward ${mode}`, args: (r, big) => rnnForwardArgs(mode, r, big), arrays };
}

function rnnBackwardCase(mode: RnnMode): BindingCase {
  const lstm = mode === 'lstm';
  const arrays: ArraySpec[] = [
    { index: 7, name: 'x', output: false },
    { index: 9, name: 'wIh', output: false },
    { index: 10, name: 'wHh', output: false },
    { index: 11, name: 'reserve', output: false },
    { index: 12, name: 'dy', output: false },
    { index: 14, name: 'dhN', output: false },
    { index: 16, name: 'dx', output: true },
    { index: 18, name: 'dh0', output: true },
    { index: 20, name: 'dwIh', output: true },
    { index: 21, name: 'dwHh', output: true },
    { index: 22, name: 'dbIh', output: true },
    { index: 23, name: 'dbHh', output: true },
  ];
  if (lstm) arrays.push({ index: 15, name: 'dcN', output: false }, { index: 19, name: 'dc0', output: true });
  return {
    fn: 'rnnBackward',
    label: `rnnBackward ${mode}`,
    args(r, big) {
      const { T, B, I, H } = rnnShape(big);
      const G = GATES[mode] * H;
      // The reserve comes from the JS twin's forward: same layout, and it keeps this case independent of
      // the native forward.
      const fwd = rnnForwardArgs(mode, r, big);
      (jsKernels.rnnForward as (...a: unknown[]) => void)(...fwd);
      const [x, wIh, wHh, reserve] = [fwd[7], fwd[11], fwd[12], fwd[19]];
      return [
        mode, T, B, I, H, false, false, x, I, wIh, wHh, reserve,
        f32(r, T * B * H), H, f32(r, B * H), lstm ? f32(r, B * H) : null,
        f32(r, T * B * I), I, f32(r, B * H), lstm ? f32(r, B * H) : null,
        f32(r, G * I), f32(r, G * H), f32(r, G), f32(r, G),
      ];
    },
    arrays,
  };
}

export const bindingCases: BindingCase[] = [
  gemmCase(false, false, 0),
  gemmCase(true, false, 3),
  gemmCase(false, true, 0),
  gemmCase(true, true, 5),
  ...(['rnn_tanh', 'lstm', 'gru'] as RnnMode[]).flatMap((m) => [rnnForwardCase(m), rnnBackwardCase(m)]),
  ...elementwiseCases,
  ...convCasesAll,
  ...poolCases,
  ...optimCases,
  binaryCase(0, 'binary add (b broadcast)', true),
  binaryCase(4, 'binary pow', false),
  binaryBackwardCase(),
  whereCase(),
  stridedCopyCase(),
  reduceCase(0, 'reduce sum over rows', 1),
  reduceCase(4, 'reduce logsumexp over the middle axis', 7),
  argReduceCase(),
  nllLossCase(),
  nllLossBackwardCase(),
];

function binaryCase(op: number, label: string, broadcast: boolean): BindingCase {
  return {
    fn: 'binary',
    label,
    args(r, big) {
      const [m, n] = big ? [400, 701] : [3, 17];
      // b is one row broadcast over m rows, or dense; both read through explicit strides.
      return [op, [m, n], f32(r, m * n + 2), 2, [n, 1], f32(r, broadcast ? n : m * n), 0, broadcast ? [0, 1] : [n, 1], new Float32Array(m * n), 1];
    },
    arrays: [
      { index: 2, name: 'a', output: false },
      { index: 5, name: 'b', output: false },
      { index: 8, name: 'out', output: true },
    ],
  };
}

function binaryBackwardCase(): BindingCase {
  return {
    fn: 'binaryBackward',
    label: 'binaryBackward maximum',
    args(r, big) {
      const n = big ? 300_001 : 19;
      return [5, n, r.ints(n), r.ints(n), f32(r, n), f32(r, n), new Float32Array(n), new Float32Array(n), 1];
    },
    arrays: [
      { index: 2, name: 'a', output: false },
      { index: 3, name: 'b', output: false },
      { index: 4, name: 'out', output: false },
      { index: 5, name: 'gy', output: false },
      { index: 6, name: 'ga', output: true },
      { index: 7, name: 'gb', output: true },
    ],
  };
}

function whereCase(): BindingCase {
  return {
    fn: 'where',
    label: 'where (a transposed, b broadcast)',
    args(r, big) {
      const [m, n] = big ? [500, 301] : [4, 9];
      return [[m, n], r.ints(m * n, -1, 1), 0, [n, 1], f32(r, m * n), 0, [1, m], f32(r, n), 0, [0, 1], new Float32Array(m * n)];
    },
    arrays: [
      { index: 1, name: 'cond', output: false },
      { index: 4, name: 'a', output: false },
      { index: 7, name: 'b', output: false },
      { index: 10, name: 'out', output: true },
    ],
  };
}

function stridedCopyCase(): BindingCase {
  return {
    fn: 'stridedCopy',
    label: 'stridedCopy (transpose into an offset view)',
    args(r, big) {
      const [m, n] = big ? [600, 301] : [5, 7];
      return [[m, n], f32(r, m * n), 0, [1, m], new Float32Array(m * n + 3), 3, [n, 1]];
    },
    arrays: [
      { index: 1, name: 'x', output: false },
      { index: 4, name: 'out', output: true },
    ],
  };
}

function reduceCase(op: number, label: string, inner: number): BindingCase {
  return {
    fn: 'reduce',
    label,
    args(r, big) {
      const [outer, dim] = big ? [900, 301] : [3, 19];
      return [op, outer, dim, inner, f32(r, outer * dim * inner), new Float32Array(outer * inner)];
    },
    arrays: [
      { index: 4, name: 'x', output: false },
      { index: 5, name: 'out', output: true },
    ],
  };
}

function argReduceCase(): BindingCase {
  return {
    fn: 'argReduce',
    label: 'argReduce max over the middle axis',
    args(r, big) {
      const [outer, dim, inner] = big ? [60, 50, 301] : [2, 9, 5];
      return [2, outer, dim, inner, r.ints(outer * dim * inner), new Float32Array(outer * inner), new Int32Array(outer * inner)];
    },
    arrays: [
      { index: 4, name: 'x', output: false },
      { index: 5, name: 'values', output: true },
      { index: 6, name: 'indices', output: true, kind: 'i32' },
    ],
  };
}

function nllTargets(r: Rng, samples: number, classes: number): Int32Array {
  return Int32Array.from({ length: samples }, () => (r.next() < 0.1 ? -100 : r.int(0, classes - 1)));
}

function nllLossCase(): BindingCase {
  return {
    fn: 'nllLoss',
    label: 'nllLoss weighted, smoothed',
    args(r, big) {
      const [outer, classes] = big ? [30_000, 10] : [7, 5];
      return [outer, classes, 1, f32(r, outer * classes), nllTargets(r, outer, classes), r.f32(classes, 0.5, 2), -100, 0.1,
        new Float32Array(outer), new Float32Array(outer)];
    },
    arrays: [
      { index: 3, name: 'logp', output: false },
      { index: 4, name: 'target', output: false, kind: 'i32' },
      { index: 5, name: 'weight', output: false },
      { index: 8, name: 'loss', output: true },
      { index: 9, name: 'wsum', output: true },
    ],
  };
}

function nllLossBackwardCase(): BindingCase {
  return {
    fn: 'nllLossBackward',
    label: 'nllLossBackward weighted, smoothed',
    args(r, big) {
      const [outer, classes] = big ? [30_000, 10] : [7, 5];
      return [outer, classes, 1, nllTargets(r, outer, classes), r.f32(classes, 0.5, 2), -100, 0.1, f32(r, outer),
        new Float32Array(outer * classes)];
    },
    arrays: [
      { index: 3, name: 'target', output: false, kind: 'i32' },
      { index: 4, name: 'weight', output: false },
      { index: 7, name: 'gloss', output: false },
      { index: 8, name: 'glogp', output: true },
    ],
  };
}

/** Kernel exports of the loaded addon with no entry in bindingCases (sizes-only helpers excluded). */
export function uncoveredExports(addon: Addon): string[] {
  const covered = new Set(bindingCases.map((c) => c.fn));
  return Object.keys(addon).filter(
    (k) => typeof addon[k] === 'function' && !RUNTIME_EXPORTS.has(k) && !covered.has(k) && !/Size$/.test(k),
  );
}

/** Calls the case's function on `addon` and returns the output arrays (and the return value, if any). */
export function runCase(addon: Addon, c: BindingCase, args: unknown[]): unknown[] {
  const ret = addon[c.fn](...args);
  const outs: unknown[] = c.arrays.filter((a) => a.output && args[a.index] !== null).map((a) => args[a.index]);
  if (ret !== undefined) outs.push(ret);
  return outs;
}

/** A bitwise digest (FNV-1a over the raw bytes) of a case's outputs, for comparing runs across threads. */
export function digest(outputs: unknown[]): string {
  let h = 0x811c9dc5;
  const parts: string[] = [];
  for (const o of outputs) {
    if (o instanceof Float32Array || o instanceof Int32Array) {
      const bytes = new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
      for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
      parts.push(`${o instanceof Float32Array ? 'f32' : 'i32'}[${o.length}]`);
    } else {
      parts.push(JSON.stringify(o));
    }
  }
  return `${h.toString(16)}:${parts.join(',')}`;
}
