/**
 * rnn kernels, native vs the JS twin in float64 (TESTING.md T5): the grid of modes × batch {1, 3, 8} ×
 * input {1, 7, 16, 33} × hidden {1, 8, 17, 64}, forward and backward, with saturating inputs, zero and random
 * initial states, batch-first and reverse; on every ISA the CPU has (forced via NODEGRAD_ISA in child
 * processes), for 1 and 2 threads; results bitwise identical across thread counts. Bad input (T8) on both
 * backends. NODEGRAD_FULL=1 runs every grid case at T = 50.
 */
import { describe, expect, it } from 'vitest';
import { cpuInfo, jsKernels, nativeKernels, setNumThreads, type Kernels } from '../../lib/backend/index.js';
import { runChild } from '../helpers/child.js';
import { closeMismatch } from '../helpers/close.js';
import { Rng, testSeed } from '../helpers/rng.js';
import type { RnnMode } from '../../lib/backend/kernels/rnn.js';
import { gates, grid, makeInputs, runCases, type GridCase } from './rnn_grid.js';

const full = process.env.NODEGRAD_FULL === '1';
const short = grid(full ? [1, 2, 5] : [1, 5], testSeed(10));
// At T = 50 the fast tier keeps the largest and the odd-sized shapes of every mode.
const long = grid([50], testSeed(20)).filter((c) => full || (c.H >= 17 && c.I >= 7 && c.B !== 1 && (c.H === 64) === (c.I === 33)));

describe.skipIf(!nativeKernels)('rnn native vs JS float64', () => {
  for (const threads of [1, 2]) {
    it(`T5 grid, T in {1, (2,) 5}, ${threads} thread(s)`, () => {
      setNumThreads(threads);
      expect(runCases(short)).toEqual([]);
    });
    it(`T5 grid, T = 50 (${long.length} cases), ${threads} thread(s)`, () => {
      setNumThreads(threads);
      expect(runCases(long)).toEqual([]);
    });
  }

  // The T5 grid's shapes fit in one register tile; these span several row tiles (14 or 6 rows) and column
  // panels (32 or 16 units), with partial ones on both sides, an input width crossing the packed operand's
  // x/h boundary off a vector edge, and a batch that splits into row groups at 2 threads; and input 0 (the
  // step operand is h alone).
  const wide: GridCase[] = (['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as RnnMode[]).flatMap((mode, m) =>
    [[29, 37, 45], [40, 1, 70], [3, 130, 33], [5, 0, 7]].map(([B, I, H], k) => ({
      mode, T: 4, B, I, H, batchFirst: k === 1, reverse: (m + k) % 2 === 1, zeroState: k === 2,
      scale: k === 0 ? 30 : 1.5, seed: testSeed(30) + 3 * m + k,
    })));
  for (const threads of [1, 2]) {
    it(`several register tiles and panels per step, ${threads} thread(s)`, () => {
      setNumThreads(threads);
      expect(runCases(wide)).toEqual([]);
    });
  }

  it('is bitwise identical for 1 and 2 threads and across repeated calls (child processes)', () => {
    // Large enough that the steps run in parallel (at 2 threads in two row groups, each with several blocks of
    // hidden units) and so do the bias sums. Input 20: the products after the loop run one after another, each
    // split across the threads; input 150: side by side (GRU's whole, LSTM's and RNN's with [X | H_prev] split).
    // Each child hashes every output of two identical runs; the hashes must agree within and across thread counts.
    const src = `
      import { nativeKernels } from './lib/backend/index.ts';
      import { makeInputs, run } from './test/kernels/rnn_grid.ts';
      const hashes = [];
      for (const [mode, I] of ['lstm', 'gru', 'rnn_tanh'].flatMap((m) => [[m, 20], [m, 150]])) {
        const c = { mode, T: 6, B: mode === 'rnn_tanh' ? 130 : 60, I, H: 300, batchFirst: mode === 'gru', reverse: mode === 'rnn_tanh', zeroState: false, scale: 2, seed: 7 };
        const inp = makeInputs(c);
        for (let rep = 0; rep < 2; rep++) {
          let h = 0x811c9dc5;
          for (const a of Object.values(run(nativeKernels, c, inp, false))) {
            for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
          }
          hashes.push(mode + ':' + h);
        }
      }
      console.log(JSON.stringify(hashes));`;
    const results = [1, 2].map((threads) => {
      const r = runChild(src, { NODEGRAD_NUM_THREADS: String(threads) });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
    });
    for (let i = 0; i < results[0].length; i += 2) expect(results[0][i + 1]).toBe(results[0][i]);
    expect(results[1]).toEqual(results[0]);
  });

  const others = cpuInfo().available.filter((isa) => isa !== cpuInfo().isa);
  for (const isa of others) {
    it(`the same grid with NODEGRAD_ISA=${isa} (child process)`, () => {
      const src = `
        import { grid, runCases } from './test/kernels/rnn_grid.ts';
        import { setNumThreads } from './lib/backend/index.ts';
        import { testSeed } from './test/helpers/rng.ts';
        const full = ${full};
        const long = grid([50], testSeed(20)).filter((c) => full || (c.H >= 17 && c.I >= 7 && c.B !== 1 && (c.H === 64) === (c.I === 33)));
        const failures = [];
        setNumThreads(2);
        failures.push(...runCases([...grid(full ? [1, 2, 5] : [1, 5], testSeed(10)), ...long]));
        console.log(JSON.stringify(failures));`;
      const r = runChild(src, { NODEGRAD_ISA: isa }, 120_000);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual([]);
    }, 150_000);
  }
});

// T8: the binding re-checks everything, and the JS twin rejects the same inputs the same way.
const backends: [string, Kernels][] = [['js', jsKernels]];
if (nativeKernels) backends.push(['native', nativeKernels]);

describe('rnn bad input', () => {
  for (const [name, k] of backends) {
    const f = (n: number) => new Float32Array(n);
    // A valid LSTM call: T 2, B 3, I 4, H 5.
    const fwd = (over: Record<number, unknown> = {}) => {
      const args: unknown[] = ['lstm', 2, 3, 4, 5, false, false, f(24), 4, f(15), f(15), f(80), f(100), f(20), f(20), f(30), 5, f(15), f(15), f(k.rnnReserveSize('lstm', 2, 3, 5))];
      for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
      return () => (k.rnnForward as (...a: unknown[]) => void)(...args);
    };
    const bwd = (over: Record<number, unknown> = {}) => {
      const args: unknown[] = ['gru', 2, 3, 4, 5, true, true, f(24), 4, f(60), f(75), f(k.rnnReserveSize('gru', 2, 3, 5)), f(30), 5, f(15), null, f(24), 4, f(15), null, f(60), f(75), f(15), f(15)];
      for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
      return () => (k.rnnBackward as (...a: unknown[]) => void)(...args);
    };
    const cases: [string, () => void, ErrorConstructor, RegExp][] = [
      ['mode not a string', fwd({ 0: 2 }), TypeError, /^nodegrad\.rnnForward: expected mode/],
      ['unknown mode', fwd({ 0: 'lstn' }), RangeError, /^nodegrad\.rnnForward: expected mode .* got 'lstn'/],
      ['negative T', fwd({ 1: -1 }), RangeError, /^nodegrad\.rnnForward: expected T to be an integer/],
      ['fractional H', fwd({ 4: 2.5 }), RangeError, /^nodegrad\.rnnForward: expected H to be an integer/],
      ['NaN B', fwd({ 2: NaN }), RangeError, /expected B to be an integer/],
      ['batchFirst not boolean', fwd({ 5: 1 }), TypeError, /expected batchFirst to be a boolean/],
      ['x an Array', fwd({ 7: [1, 2] }), TypeError, /expected x to be a Float32Array/],
      ['x too short', fwd({ 7: f(23) }), RangeError, /expected x to hold at least 24 elements, got 23/],
      ['ldx below I', fwd({ 8: 3 }), RangeError, /expected ldx >= 4, got 3/],
      ['h0 too short', fwd({ 9: f(14) }), RangeError, /expected h0 to hold at least 15/],
      ['wHh too short', fwd({ 12: f(99) }), RangeError, /expected wHh to hold at least 100/],
      ['y with ldy too large for it', fwd({ 16: 6 }), RangeError, /expected y to hold at least 35 elements, got 30/],
      ['reserve too short', fwd({ 19: f(10) }), RangeError, /expected reserve to hold at least/],
      ['overflowing sizes', fwd({ 1: 2 ** 31, 2: 2 ** 31, 4: 2 ** 31 }), RangeError, /overflows/],
      ['c0 for a GRU', bwd({ 15: f(15) }), RangeError, /^nodegrad\.rnnBackward: expected dcN to be null for this mode/],
      ['dy too short', bwd({ 12: f(29) }), RangeError, /expected dy to hold at least 30/],
      ['dx too short', bwd({ 16: f(3) }), RangeError, /expected dx to hold at least 24/],
      ['dwHh too short', bwd({ 21: f(74) }), RangeError, /expected dwHh to hold at least 75/],
      ['missing argument', () => (k.rnnBackward as (...a: unknown[]) => void)('gru', 1), TypeError, /nodegrad\.rnnBackward/],
    ];
    if (name === 'native') cases.push(['Float64Array to native', fwd({ 11: new Float64Array(80) }), TypeError, /expected wIh to be a Float32Array, got Float64Array\(80\)/]);
    for (const [label, call, cls, re] of cases) {
      it(`${name}: ${label}`, () => {
        expect(call).toThrow(cls);
        expect(call).toThrow(re);
        expect(fwd()).not.toThrow();
        expect(bwd()).not.toThrow();
      });
    }
    it(`${name}: a detached buffer`, () => {
      const x = f(24);
      structuredClone(x.buffer, { transfer: [x.buffer] });
      // Node < 22 cannot tell a detached buffer from an empty one in JS: the twin then reports the length.
      expect(fwd({ 7: x })).toThrow(name === 'native' ? /detached/ : /detached|got 0/);
    });
  }
});

// The backward driver picks its weight-gradient GEMMs by which gradients are wanted (one GEMM over
// [X | H_prev] for both, X or H_prev alone otherwise, GRU's n gate apart): each subset must give the same
// values as the full request, accumulated into what the outputs held.
describe.skipIf(!nativeKernels)('rnn backward with gradients requested in part', () => {
  const k = nativeKernels!;
  for (const mode of ['rnn_tanh', 'lstm', 'gru'] as const) {
    for (const [batchFirst, reverse] of [[false, false], [true, false], [false, true]]) {
      it(`${mode}${batchFirst ? ' batch-first' : ''}${reverse ? ' reverse' : ''}`, () => {
        const c = { mode, T: 4, B: 5, I: 7, H: 40, batchFirst, reverse, zeroState: false, scale: 1, seed: 3 };
        const inp = makeInputs(c);
        const { T, B, I, H } = c, G = gates(mode), lstm = mode === 'lstm';
        const reserve = new Float32Array(k.rnnReserveSize(mode, T, B, H));
        k.rnnForward(mode, T, B, I, H, batchFirst, reverse, inp.x!, I, inp.h0, inp.c0, inp.wIh!, inp.wHh!, inp.bIh, inp.bHh,
          new Float32Array(T * B * H), H, null, null, reserve);
        const sizes: Record<string, number> = { dx: T * B * I, dh0: B * H, dwIh: G * H * I, dwHh: G * H * H, dbIh: G * H, dbHh: G * H };
        const start = new Rng(5);
        const initial = Object.fromEntries(Object.entries(sizes).map(([name, n]) => [name, start.f32(n)]));
        const backward = (omit: string[]) => {
          const o = Object.fromEntries(Object.keys(sizes).map((name) => [name, omit.includes(name) ? null : initial[name].slice()]));
          k.rnnBackward(mode, T, B, I, H, batchFirst, reverse, inp.x!, I, inp.wIh!, inp.wHh!, reserve, inp.dy, H, inp.dhN, inp.dcN,
            o.dx, I, o.dh0, lstm ? new Float32Array(B * H) : null, o.dwIh, o.dwHh, o.dbIh, o.dbHh);
          return o;
        };
        const full = backward([]);
        for (const omit of [['dwIh'], ['dwHh'], ['dbIh', 'dbHh'], ['dx', 'dh0'], ['dx'], ['dh0'], ['dwIh', 'dbIh'], ['dwHh', 'dbHh']]) {
          const part = backward(omit);
          for (const [name, want] of Object.entries(full)) {
            if (omit.includes(name)) continue;
            let scale = 0;
            for (const v of want!) scale = Math.max(scale, Math.abs(v));
            expect(closeMismatch(part[name]!, want!, () => 1e-6 * scale), `${name} without ${omit.join(', ')}`).toBeNull();
          }
        }
        // Accumulated: what the outputs held plus the gradients alone (from zeros), within one rounding.
        const zero = Object.fromEntries(Object.entries(sizes).map(([name, n]) => [name, new Float32Array(n)]));
        k.rnnBackward(mode, T, B, I, H, batchFirst, reverse, inp.x!, I, inp.wIh!, inp.wHh!, reserve, inp.dy, H, inp.dhN, inp.dcN,
          zero.dx, I, zero.dh0, lstm ? new Float32Array(B * H) : null, zero.dwIh, zero.dwHh, zero.dbIh, zero.dbHh);
        for (const [name, got] of Object.entries(full)) {
          const want = zero[name].map((v, i) => v + initial[name][i]);
          expect(closeMismatch(got!, want, (i) => 1e-6 * (Math.abs(want[i]) + Math.abs(initial[name][i]))), `${name} accumulated`).toBeNull();
        }
      });
    }
  }
});
