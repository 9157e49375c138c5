/**
 * Benchmark plumbing shared by every suite: timing, the readable table and the JSON-lines output
 * (DESIGN.md "Benchmark output"). Suites only describe cases; main.ts runs them.
 */
import { cpuInfo, setNumThreads } from '../lib/index.js';

export interface BenchOptions {
  json: boolean;
  /** Thread counts to run native cases with (default: 1 and all). */
  threads: number[];
  /** Rough time budget per measured case, in ms. */
  budgetMs: number;
}

export interface Row {
  suite: string;
  case: string;
  backend: string; // 'native' | 'js' | 'tfjs' | 'pytorch' | ...
  isa: string;
  threads: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  gflops?: number;
  gbps?: number;
  samples_per_s?: number;
  note?: string;
}

export interface Timing {
  median: number;
  min: number;
  max: number;
  samples: number;
}

/**
 * Times fn(): a warm-up call, then repeated samples until `budgetMs` is spent (at least `minSamples`,
 * at most `maxSamples`). Returns milliseconds per call.
 */
export function timeit(fn: () => void, budgetMs = 1000, minSamples = 5, maxSamples = 200): Timing {
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxSamples && (times.length < minSamples || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

/**
 * Times fn() and a short reference() alternately (one fn sample, then `refSamples` reference samples, until
 * `budgetMs` is spent and fn has at least `minSamples`), so both see the same machine: on a shared host the
 * clock and the other tenants drift over seconds, and a yardstick timed once, minutes apart from the case,
 * moves a ratio by several points either way.
 */
export function timeitAgainst(fn: () => void, reference: () => void, budgetMs = 1000, minSamples = 5, refSamples = 4): { fn: Timing; reference: Timing } {
  fn();
  reference();
  const fnTimes: number[] = [], refTimes: number[] = [];
  const start = performance.now();
  while (fnTimes.length < 200 && (fnTimes.length < minSamples || performance.now() - start < budgetMs)) {
    let t0 = performance.now();
    fn();
    fnTimes.push(performance.now() - t0);
    for (let i = 0; i < refSamples; i++) {
      t0 = performance.now();
      reference();
      refTimes.push(performance.now() - t0);
    }
  }
  return { fn: summarize(fnTimes), reference: summarize(refTimes) };
}

/** Median, min and max of samples (sorts them in place). */
export function summarize(times: number[]): Timing {
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0], max: times[times.length - 1], samples: times.length };
}

/** Runs fn with the native thread count set to n, restoring the previous count afterwards. */
export function withThreads<T>(n: number, fn: () => T): T {
  const info = cpuInfo();
  setNumThreads(n);
  try {
    return fn();
  } finally {
    setNumThreads(info.threads);
  }
}

export function allThreads(): number {
  return cpuInfo().threads;
}

export class Reporter {
  readonly rows: Row[] = [];
  constructor(private readonly options: BenchOptions) {}

  add(row: Row): Row {
    this.rows.push(row);
    if (this.options.json) console.log(JSON.stringify(row));
    return row;
  }

  /** Prints a table of the given rows (no-op in JSON mode). */
  table(title: string, rows: Row[], extra: { header: string; cell: (r: Row) => string }[] = []): void {
    if (this.options.json) return;
    const header = ['case', 'backend', 'isa', 'thr', 'median ms', 'min ms', 'GFLOP/s', 'GB/s', 'samples/s', ...extra.map((e) => e.header)];
    const body = rows.map((r) => [
      r.case,
      r.backend,
      r.isa,
      String(r.threads),
      fmt(r.median_ms),
      fmt(r.min_ms),
      r.gflops !== undefined ? fmt(r.gflops) : '',
      r.gbps !== undefined ? fmt(r.gbps) : '',
      r.samples_per_s !== undefined ? fmt(r.samples_per_s) : '',
      ...extra.map((e) => e.cell(r)),
    ]);
    printTable(title, header, body);
  }

  note(text: string): void {
    if (!this.options.json) console.log(text);
  }
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v >= 1000) return v.toFixed(0);
  if (v >= 100) return v.toFixed(1);
  if (v >= 10) return v.toFixed(2);
  return v.toPrecision(3);
}

export function printTable(title: string, header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
}

/** A suite: named, runs its cases and reports rows. */
export interface Suite {
  name: string;
  description: string;
  run(reporter: Reporter, options: BenchOptions): Promise<void> | void;
}
