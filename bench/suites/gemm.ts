/**
 * `npm run bench -- gemm [--json] [--threads N]`: square C = A·B (float32, row-major) for n = 64 … 2048 on the
 * native backend (1 thread and all, or --threads) and the JS twin, with GFLOP/s, % of the measured FMA peak of
 * the cores used (see the peak suite) and the native/JS ratio. JS sizes predicted to take over ~30 s are
 * skipped and say so. Native rows also report GFLOP per CPU-second of the process ("cpu" columns): on a
 * shared, loaded machine wall time measures the neighbours as much as the kernel.
 * A second table runs the shapes (with their transposes) that training an MLP 784-256-10 at batch 64 calls.
 */
import os from 'node:os';
import { cpuInfo, jsKernels, nativeAddon, nativeKernels } from '../../lib/backend/index.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';
import { measurePeak } from './peak.js';

const SIZES = [64, 128, 256, 512, 1024, 2048];

/** C = op(A)·op(B) as nn.Linear's forward and backward call it (x 64×784, W1 256×784, W2 10×256). */
const SHAPES: { case: string; m: number; n: number; k: number; transA: boolean; transB: boolean }[] = [
  { case: 'mlp fc1 fwd x·W1ᵀ 64x256x784 NT', m: 64, n: 256, k: 784, transA: false, transB: true },
  { case: 'mlp fc1 dW gyᵀ·x 256x784x64 TN', m: 256, n: 784, k: 64, transA: true, transB: false },
  { case: 'mlp fc1 dX gy·W1 64x784x256 NN', m: 64, n: 784, k: 256, transA: false, transB: false },
  { case: 'mlp fc2 fwd h·W2ᵀ 64x10x256 NT', m: 64, n: 10, k: 256, transA: false, transB: true },
  { case: 'mlp fc2 dW gyᵀ·h 10x256x64 TN', m: 10, n: 256, k: 64, transA: true, transB: false },
  { case: 'mlp fc2 dX gy·W2 64x256x10 NN', m: 64, n: 256, k: 10, transA: false, transB: false },
];
const JS_BUDGET_MS = 30_000;

/** GFLOP per CPU-second (user + system, all threads of the process) over `calls` calls of fn. */
function cpuGflops(fn: () => void, flops: number, calls: number): number {
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) fn();
  const used = process.cpuUsage(before);
  return (flops * calls) / ((used.user + used.system) * 1e3);
}

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x / 2 ** 31 - 1;
  }
  return out;
}

export const gemmSuite: Suite = {
  name: 'gemm',
  description: 'square SGEMM, native (1 thread and all) vs the JS twin, GFLOP/s and % of FMA peak',
  run(reporter: Reporter, options: BenchOptions) {
    const info = cpuInfo();
    const peak = nativeAddon() ? measurePeak(info.isa) : null;
    reporter.note(
      `gemm: isa ${info.isa}, ${peak ? `FMA peak ${fmt(peak.median)} GFLOP/s per core (median)` : 'no native addon'}, ` +
        `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} CPUs`,
    );
    const rows: Row[] = [];
    const pct = new Map<Row, string>();
    const cpu = new Map<Row, [string, string]>();
    const ratio = new Map<Row, string>();
    let jsRate = 0; // GFLOP/s of the last JS size, to predict the next one's time
    for (const n of SIZES) {
      const flops = 2 * n * n * n;
      const a = random(n * n, n), b = random(n * n, n + 1), c = new Float32Array(n * n);
      const caseName = `${n}x${n}x${n}`;
      const row = (backend: string, isa: string, threads: number, t: { median: number; min: number; max: number }, note?: string) =>
        reporter.add({
          suite: 'gemm', case: caseName, backend, isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max,
          gflops: flops / t.median / 1e6, ...(note ? { note } : {}),
        });
      let native1: Row | null = null;
      const nativeRows: Row[] = [];
      if (nativeKernels) {
        for (const threads of options.threads) {
          const call = () => nativeKernels!.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
          const [t, perCpu] = withThreads(threads, () => {
            const wall = timeit(call, options.budgetMs, 5);
            return [wall, cpuGflops(call, flops, Math.max(3, Math.ceil(200 / wall.median)))] as const; // ~200 ms: cpuUsage ticks coarsely
          });
          const r = row('native', info.isa, threads, t, `cpu ${fmt(perCpu)} GFLOP/s per core-second`);
          if (peak) {
            pct.set(r, `${((100 * r.gflops!) / (peak.median * threads)).toFixed(0)}%`);
            cpu.set(r, [fmt(perCpu), `${((100 * perCpu) / peak.median).toFixed(0)}%`]);
          }
          if (threads === 1) native1 = r;
          nativeRows.push(r);
        }
      }
      const predictedMs = jsRate > 0 ? (flops / jsRate / 1e6) * 4 : 0; // warm-up + 3 samples
      let jsRow: Row | null = null;
      if (predictedMs > JS_BUDGET_MS) {
        reporter.note(`gemm: js ${caseName} skipped (predicted ${(predictedMs / 1000).toFixed(0)} s for 4 runs)`);
      } else {
        const t = timeit(() => jsKernels.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n), options.budgetMs, 3);
        jsRow = row('js', 'js', 1, t);
        jsRate = jsRow.gflops!;
      }
      for (const r of nativeRows) {
        if (jsRow) ratio.set(r, `${(r.gflops! / jsRow.gflops!).toFixed(0)}x`);
      }
      if (native1 && jsRow) ratio.set(jsRow, '1x');
      rows.push(...nativeRows, ...(jsRow ? [jsRow] : []));
    }
    const columns = [
      { header: '% peak', cell: (r: Row) => pct.get(r) ?? '' },
      { header: 'cpu GFLOP/s', cell: (r: Row) => cpu.get(r)?.[0] ?? '' },
      { header: 'cpu % peak', cell: (r: Row) => cpu.get(r)?.[1] ?? '' },
      { header: 'vs js', cell: (r: Row) => ratio.get(r) ?? '' },
    ];
    reporter.table(`gemm: C = A·B, float32, square (median of samples; % of ${info.isa} FMA peak × threads)`, rows, columns);

    const shapeRows: Row[] = [];
    for (const s of SHAPES) {
      const flops = 2 * s.m * s.n * s.k;
      const lda = s.transA ? s.m : s.k, ldb = s.transB ? s.k : s.n;
      const a = random(s.m * s.k, s.m), b = random(s.k * s.n, s.n), c = new Float32Array(s.m * s.n);
      const row = (backend: string, isa: string, threads: number, t: { median: number; min: number; max: number }) =>
        reporter.add({
          suite: 'gemm', case: s.case, backend, isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max, gflops: flops / t.median / 1e6,
        });
      const js = row('js', 'js', 1, timeit(() => jsKernels.gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n), options.budgetMs / 4, 3));
      if (nativeKernels) {
        for (const threads of options.threads) {
          const call = () => nativeKernels!.gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n);
          const [t, perCpu] = withThreads(threads, () => {
            const wall = timeit(call, options.budgetMs, 5);
            return [wall, cpuGflops(call, flops, Math.max(3, Math.ceil(200 / wall.median)))] as const;
          });
          const r = row('native', info.isa, threads, t);
          if (peak) {
            pct.set(r, `${((100 * r.gflops!) / (peak.median * threads)).toFixed(0)}%`);
            cpu.set(r, [fmt(perCpu), `${((100 * perCpu) / peak.median).toFixed(0)}%`]);
          }
          ratio.set(r, `${(r.gflops! / js.gflops!).toFixed(0)}x`);
          shapeRows.push(r);
        }
      }
      ratio.set(js, '1x');
      shapeRows.push(js);
    }
    reporter.table('gemm: MLP 784-256-10 training shapes at batch 64 (N/T: op(A), op(B) transposed)', shapeRows, columns);
  },
};
