/**
 * The benchmark report: after a full `npm run bench`, every non-native row is paired with the native rows
 * of the same suite and case, giving "native is r× faster" ratios. Writes bench/results/<date>-<host>.json
 * (machine, all rows, the ratios) and an SVG bar chart of the ratios beside it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuInfo } from '../lib/index.js';
import { fmt, printTable, type Row } from './harness.js';

export interface Ratio {
  suite: string;
  case: string;
  /** Threads of the native row. */
  threads: number;
  /** The other side: 'js', 'tfjs-cpu', 'tfjs-wasm', 'pytorch', ... */
  versus: string;
  versusThreads: number;
  /** Time of the other side / time of native: > 1 means native is faster. */
  speedup: number;
}

/**
 * Pairs each non-native row with the native rows of its suite and case. PyTorch runs with a thread count
 * of its own, so it is compared at equal thread counts only; the JS twin and TensorFlow.js run on one
 * thread whatever is asked, so they are compared with native at every thread count.
 */
export function ratios(rows: readonly Row[]): Ratio[] {
  const out: Ratio[] = [];
  for (const other of rows) {
    if (other.backend === 'native') continue;
    for (const native of rows) {
      if (native.backend !== 'native' || native.suite !== other.suite || native.case !== other.case) continue;
      if (other.backend === 'pytorch' && other.threads !== native.threads) continue;
      const speedup = native.samples_per_s !== undefined && other.samples_per_s !== undefined
        ? native.samples_per_s / other.samples_per_s
        : other.median_ms / native.median_ms;
      out.push({ suite: native.suite, case: native.case, threads: native.threads, versus: other.backend, versusThreads: other.threads, speedup });
    }
  }
  return out;
}

export function printRatios(list: readonly Ratio[]): void {
  if (list.length === 0) return;
  printTable('native speedup (time of the other side / time of native; > 1: native is faster)', ['suite', 'case', 'native thr', 'vs', 'vs thr', 'speedup'],
    list.map((r) => [r.suite, r.case, String(r.threads), r.versus, String(r.versusThreads), `${fmt(r.speedup)}×`]));
}

export interface Machine {
  host: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  arch: string;
  isa: string;
  /** 1-minute load average when the report was written: a loaded machine gives noisy numbers. */
  load1: number;
}

export function machine(): Machine {
  const info = cpuInfo();
  return {
    host: os.hostname(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    arch: info.arch,
    isa: info.isa,
    load1: Number(os.loadavg()[0].toFixed(2)),
  };
}

const COLORS: Record<string, string> = { js: '#7f7f7f', 'tfjs-cpu': '#ff7f0e', 'tfjs-wasm': '#d62728', pytorch: '#1f77b4' };

/** Horizontal bars on a log scale, one per ratio, with 1× marked. */
export function ratiosSvg(list: readonly Ratio[], m: Machine, date: string): string {
  const barH = 16, gap = 4, left = 330, width = 860, top = 56;
  const height = top + list.length * (barH + gap) + 40;
  const maxR = Math.max(10, ...list.map((r) => r.speedup));
  const minR = Math.min(0.5, ...list.map((r) => r.speedup));
  const lo = Math.floor(Math.log10(minR)), hi = Math.ceil(Math.log10(maxR));
  const plotW = width - left - 70;
  const sx = (v: number) => left + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plotW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">nodegrad native speedup (log scale; &gt; 1× = native faster)</text>`,
    `<text x="10" y="36">${esc(`${date} · ${m.host} · ${m.cpu} · ${m.cores} cores · isa ${m.isa} · node ${m.node} · load ${m.load1}`)}</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    const x = sx(10 ** e).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${top - 6}" y2="${height - 30}" stroke="${e === 0 ? '#000' : '#ddd'}"/>`);
    parts.push(`<text x="${x}" y="${height - 16}" text-anchor="middle">${10 ** e >= 1 ? 10 ** e : (10 ** e).toPrecision(1)}×</text>`);
  }
  list.forEach((r, i) => {
    const y = top + i * (barH + gap);
    const x0 = sx(1), x1 = sx(r.speedup);
    const color = COLORS[r.versus] ?? '#2ca02c';
    parts.push(`<text x="${left - 6}" y="${y + barH - 4}" text-anchor="end">${esc(`${r.suite} ${r.case} · ${r.threads}t vs ${r.versus}${r.versus === 'pytorch' ? '' : ` ${r.versusThreads}t`}`)}</text>`);
    parts.push(`<rect x="${Math.min(x0, x1).toFixed(1)}" y="${y}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${barH}" fill="${color}"/>`);
    parts.push(`<text x="${(Math.max(x0, x1) + 4).toFixed(1)}" y="${y + barH - 4}">${fmt(r.speedup)}×</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

/** Prints the ratio table and writes <dir>/<date>-<host>.json and .svg. Returns the two paths. */
export function writeReport(rows: readonly Row[], dir = RESULTS_DIR, now = new Date()): { json: string; svg: string } {
  const m = machine();
  const date = now.toISOString().slice(0, 10);
  const list = ratios(rows);
  printRatios(list);
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `${date}-${m.host.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify({ date: now.toISOString(), machine: m, rows, ratios: list }, null, 1) + '\n');
  fs.writeFileSync(`${base}.svg`, ratiosSvg(list, m, date));
  return { json: `${base}.json`, svg: `${base}.svg` };
}
