/**
 * `npm run bench -- gemm [--json] [--threads N]`: square C = A·B (float32, row-major) for n = 64 … 2048 on the
 * native backend (1 thread and all, or --threads) and the JS twin, with GFLOP/s, % of the measured FMA peak of
 * the cores used (see the peak suite) and the native/JS ratio. JS sizes predicted to take over ~30 s are
 * skipped and say so. Native rows also report GFLOP per CPU-second of the process ("cpu" columns): on a
 * shared, loaded machine wall time measures the neighbours as much as the kernel.
 */
import os from 'node:os';
import { cpuInfo, jsKernels, nativeAddon, nativeKernels } from '../../lib/backend/index.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';
import { measurePeak } from './peak.js';

const SIZES = [64, 128, 256, 512, 1024, 2048];
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
    reporter.table(`gemm: C = A·B, float32, square (median of samples; % of ${info.isa} FMA peak × threads)`, rows, [
      { header: '% peak', cell: (r) => pct.get(r) ?? '' },
      { header: 'cpu GFLOP/s', cell: (r) => cpu.get(r)?.[0] ?? '' },
      { header: 'cpu % peak', cell: (r) => cpu.get(r)?.[1] ?? '' },
      { header: 'vs js', cell: (r) => ratio.get(r) ?? '' },
    ]);
  },
};
