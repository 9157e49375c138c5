/**
 * `npm run bench -- vs-pytorch` (optional): the tfjs suite's workloads — GEMM 1024, conv-a/conv-b forward,
 * max pooling, LSTM forward, MLP and LeNet-5 training steps — in nodegrad native and in PyTorch (Debian's
 * python3-torch) in the same bench run, at 1 and all threads. Skipped with a message when
 * `python3 -c 'import torch'` fails.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuInfo } from '../../lib/index.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';
import { cases, type Case } from './tfjs.js';
import { workloads } from './train.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'vs_pytorch.py');

/** Debian's interpreter first: it is the one with python3-torch; a python3 earlier on PATH may lack it. */
function findPython(): string | null {
  for (const exe of ['/usr/bin/python3', 'python3']) {
    if (exe.startsWith('/') && !fs.existsSync(exe)) continue;
    const r = spawnSync(exe, ['-c', 'import torch'], { env: childEnv(), encoding: 'utf8' });
    if (r.status === 0) return exe;
  }
  return null;
}

/** OpenBLAS overrides meant for other tools would pin PyTorch to the wrong kernels: drop them. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

function row(c: Case, backend: string, isa: string, threads: number, t: { median: number; min: number; max: number }): Row {
  const r: Row = { suite: 'vs-pytorch', case: c.name, backend, isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max };
  if (c.flops) r.gflops = c.flops / (t.median * 1e6);
  if (c.samples) r.samples_per_s = (c.samples * 1000) / t.median;
  return r;
}

export const vsPytorchSuite: Suite = {
  name: 'vs-pytorch',
  description: 'nodegrad native vs PyTorch (when python3 has torch) on the same workloads, 1 and all threads',
  run(reporter: Reporter, options: BenchOptions) {
    const python = findPython();
    if (!python) {
      reporter.note("vs-pytorch: skipped (python3 -c 'import torch' fails; on Debian: apt install python3-torch)");
      return;
    }
    const rows: Row[] = [];
    const available: Case[] = [];
    for (const c of cases) {
      const step = c.nodegrad();
      if (step === null) {
        reporter.note(`vs-pytorch: ${c.name} skipped (nodegrad's side is not available yet)`);
        continue;
      }
      available.push(c);
      for (const threads of options.threads) rows.push(reporter.add(row(c, 'native', cpuInfo().isa, threads, withThreads(threads, () => timeit(step, options.budgetMs)))));
    }
    const models = Object.fromEntries(workloads.map((w) => [w.case.split(' ')[0], w.pytorch]));
    const cfg = { cases: available.map((c) => c.name), threads: options.threads, budget_ms: options.budgetMs, models };
    const r = spawnSync(python, [SCRIPT, JSON.stringify(cfg)], { env: childEnv(), encoding: 'utf8', timeout: 20 * 60_000 });
    if (r.status !== 0) {
      reporter.note(`vs-pytorch: the PyTorch side failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      return;
    }
    for (const line of r.stdout.trim().split('\n').filter(Boolean)) {
      const p = JSON.parse(line) as { note?: string; case: string; threads: number; median_ms: number; min_ms: number; max_ms: number };
      if (p.note !== undefined) {
        reporter.note(`vs-pytorch: ${p.note}`);
        continue;
      }
      const c = available.find((k) => k.name === p.case)!;
      rows.push(reporter.add(row(c, 'pytorch', 'torch', p.threads, { median: p.median_ms, min: p.min_ms, max: p.max_ms })));
    }
    const torchRow = (r: Row) => rows.find((o) => o.backend === 'pytorch' && o.case === r.case && o.threads === r.threads);
    reporter.table('vs-pytorch: nodegrad native vs PyTorch 1.13 CPU (same thread count)', rows, [
      { header: 'vs pytorch', cell: (r) => (r.backend === 'native' && torchRow(r) ? `${fmt(torchRow(r)!.median_ms / r.median_ms)}×` : '') },
    ]);
  },
};
