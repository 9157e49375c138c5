/**
 * `npm run bench -- rnn [--json] [--threads N]`: one recurrent layer (input 128, hidden 256, batch 64,
 * T = 32, time-major, with biases and initial states) for lstm, gru and rnn-tanh: forward, and forward +
 * backward (all gradients), on the native backend (1 thread and all) and the JS twin. Reports ms per
 * sequence and effective GFLOP/s, counting the GEMM work only as is usual for RNNs:
 * forward 2·T·B·G·H·(I + H), backward twice that. A square 256 GEMM on 1 thread is the yardstick the
 * recurrent layers are compared with ("% gemm256"): timed alternately with each 1-thread case (timeitAgainst),
 * so case and yardstick see the same machine; rows on more threads are compared with the median of those.
 */
import { cpuInfo, jsKernels, nativeKernels, type Kernels } from '../../lib/backend/index.js';
import type { RnnMode } from '../../lib/backend/kernels/rnn.js';
import { summarize, timeit, timeitAgainst, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';

const T = 32, B = 64, I = 128, H = 256;
const MODES: [string, RnnMode, number][] = [['lstm', 'lstm', 4], ['gru', 'gru', 3], ['rnn-tanh', 'rnn_tanh', 1]];

function random(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (x / 2 ** 31 - 1);
  }
  return out;
}

/** Forward and forward+backward closures over one layer's buffers on kernels `k`. */
function layer(k: Kernels, mode: RnnMode, G: number) {
  const w = 1 / Math.sqrt(H), lstm = mode === 'lstm';
  const x = random(T * B * I, 1), h0 = random(B * H, 2), c0 = lstm ? random(B * H, 3) : null;
  const wIh = random(G * H * I, 4, w), wHh = random(G * H * H, 5, w), bIh = random(G * H, 6, w), bHh = random(G * H, 7, w);
  const y = new Float32Array(T * B * H), hN = new Float32Array(B * H), cN = lstm ? new Float32Array(B * H) : null;
  const reserve = new Float32Array(k.rnnReserveSize(mode, T, B, H));
  const dy = random(T * B * H, 8), dx = new Float32Array(T * B * I), dh0 = new Float32Array(B * H), dc0 = lstm ? new Float32Array(B * H) : null;
  const dwIh = new Float32Array(wIh.length), dwHh = new Float32Array(wHh.length), dbIh = new Float32Array(G * H), dbHh = new Float32Array(G * H);
  const forward = () => k.rnnForward(mode, T, B, I, H, false, false, x, I, h0, c0, wIh, wHh, bIh, bHh, y, H, hN, cN, reserve);
  const backward = () => k.rnnBackward(mode, T, B, I, H, false, false, x, I, wIh, wHh, reserve, dy, H, null, null, dx, I, dh0, dc0, dwIh, dwHh, dbIh, dbHh);
  return { forward, both: () => { forward(); backward(); } };
}

const GEMM_N = 256;

/** One call of the yardstick: a square 256 GEMM (run it at 1 thread). */
function gemm256(k: Kernels): () => void {
  const n = GEMM_N, a = random(n * n, 11), b = random(n * n, 12), c = new Float32Array(n * n);
  return () => k.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
}

const gemmGflops = (ms: number) => (2 * GEMM_N ** 3) / ms / 1e6;

export const rnnSuite: Suite = {
  name: 'rnn',
  description: 'lstm, gru, rnn-tanh layer (I 128, H 256, B 64, T 32): forward and forward+backward, native vs JS',
  run(reporter: Reporter, options: BenchOptions) {
    const isa = cpuInfo().isa;
    const yardstickCall = nativeKernels ? gemm256(nativeKernels) : null;
    const rows: Row[] = [];
    const extra = new Map<Row, string>();
    const yardstick = new Map<Row, number>();  // GFLOP/s of the GEMM timed alongside a 1-thread row
    const gemmMs: number[] = [];
    for (const [name, mode, G] of MODES) {
      const fwdFlops = 2 * T * B * G * H * (I + H);
      for (const [pass, flops] of [['forward', fwdFlops], ['forward+backward', 3 * fwdFlops]] as const) {
        const caseName = `${name} ${pass}`;
        const add = (backend: string, rowIsa: string, threads: number, t: { median: number; min: number; max: number }) =>
          reporter.add({ suite: 'rnn', case: caseName, backend, isa: rowIsa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max, gflops: flops / t.median / 1e6 });
        const native: Row[] = [];
        if (nativeKernels) {
          const l = layer(nativeKernels, mode, G);
          const fn = pass === 'forward' ? l.forward : l.both;
          for (const threads of options.threads) {
            if (threads === 1 && yardstickCall) {
              const t = withThreads(1, () => timeitAgainst(fn, yardstickCall, options.budgetMs, 5));
              const row = add('native', isa, threads, t.fn);
              yardstick.set(row, gemmGflops(t.reference.median));
              gemmMs.push(t.reference.median);
              native.push(row);
            } else {
              native.push(add('native', isa, threads, withThreads(threads, () => timeit(fn, options.budgetMs, 5))));
            }
          }
        }
        const js = layer(jsKernels, mode, G);
        const jsRow = add('js', 'js', 1, timeit(pass === 'forward' ? js.forward : js.both, 0, 2));
        for (const r of native) extra.set(r, `${(r.gflops! / jsRow.gflops!).toFixed(0)}x`);
        extra.set(jsRow, '1x');
        rows.push(...native, jsRow);
      }
    }
    // Rows on more threads have no yardstick of their own: the median of the 1-thread rows' ones.
    const pooled = gemmMs.length > 0 ? gemmGflops(summarize(gemmMs).median) : 0;
    if (pooled > 0) {
      const all = [...yardstick.values()];
      reporter.note(
        `rnn: square 256 GEMM, 1 thread, timed alongside each 1-thread row: ${Math.min(...all).toFixed(1)}-${Math.max(...all).toFixed(1)} GFLOP/s (median ${pooled.toFixed(1)})`,
      );
    }
    const percent = (r: Row) => {
      const y = yardstick.get(r) ?? (r.backend === 'native' ? pooled : 0);
      return y > 0 ? `${((100 * r.gflops!) / y).toFixed(0)}%` : '';
    };
    reporter.table(`rnn: one layer, I ${I}, H ${H}, B ${B}, T ${T}, float32 (ms per sequence; GEMM-work GFLOP/s)`, rows, [
      { header: 'vs js', cell: (r) => extra.get(r) ?? '' },
      { header: 'gemm256 GFLOP/s', cell: (r) => (yardstick.has(r) ? yardstick.get(r)!.toFixed(1) : '') },
      { header: '% gemm256', cell: percent },
    ]);
  },
};
