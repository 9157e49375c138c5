/**
 * Runs a scenario in a fresh Node process so a crash becomes a named test failure instead of a dead
 * runner. The script is an ES module source string; it can import the package by its absolute path.
 */
import { spawnSync } from 'node:child_process';
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
