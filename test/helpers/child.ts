/**
 * Runs a scenario in a fresh Node process so a crash becomes a named test failure instead of a dead
 * runner. The script is an ES module source string; it can import the package by its absolute path.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `source` with `node --import tsx` (so it may import lib/*.ts) and returns how it ended. */
export function runChild(source: string, env: Record<string, string> = {}, timeoutMs = 60_000): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** What a `*_cases.ts` module's `isaReport(nativeKernels, jsKernels)` returns, plus the ISA that ran it. */
export interface IsaReport {
  isa: string;
  errors: unknown[];
  prints: unknown;
}

/**
 * Runs `isaReport(nativeKernels, jsKernels)` from `casesModule` (a path from the repository root) in one child
 * process per thread count, with NODEGRAD_ISA forced, and returns the reports in thread-count order.
 */
export function isaReportsPerThreadCount(casesModule: string, isa: string, threadCounts = [1, 2]): IsaReport[] {
  const script = `
    import { nativeKernels, jsKernels, cpuInfo } from './lib/backend/index.ts';
    import { isaReport } from '${casesModule}';
    console.log(JSON.stringify({ isa: cpuInfo().isa, ...isaReport(nativeKernels, jsKernels) }));`;
  return threadCounts.map((threads) => {
    const r = runChild(script, { NODEGRAD_ISA: isa, NODEGRAD_NUM_THREADS: String(threads) });
    if (r.status !== 0) throw new Error(`${casesModule} on ${isa} with ${threads} threads exited ${r.status} (${r.signal}): ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as IsaReport;
  });
}

/**
 * Runs `body` (an ES module source whose last output is `{ failures, digest }` as JSON) in one child process
 * per thread count with NODEGRAD_ISA forced, after checking that the child really runs that ISA and thread
 * count; expects a clean exit and no failures, and returns the digests in thread-count order.
 */
export function gridDigestsPerThreadCount(isa: string, body: string, threadCounts = [1, 2]): number[] {
  return threadCounts.map((threads) => {
    const src = `
      import { cpuInfo as forcedInfo } from './lib/backend/index.ts';
      if (forcedInfo().isa !== ${JSON.stringify(isa)} || forcedInfo().threads !== ${threads}) throw new Error('not forced: ' + JSON.stringify(forcedInfo()));
      ${body}`;
    const r = runChild(src, { NODEGRAD_ISA: isa, NODEGRAD_NUM_THREADS: String(threads) });
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim()) as { failures: string[]; digest: number };
    expect(out.failures).toEqual([]);
    return out.digest;
  });
}
