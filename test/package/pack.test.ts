/**
 * The published package: `npm pack` the repository with a prebuild in place, install the tarball into an
 * empty folder with CMake and every compiler hidden from PATH, and check that `import('nodegrad')` loads the
 * prebuild (not a local build) and multiplies correctly. Runs once with the package's install script and
 * once with --ignore-scripts: the prebuild must not depend on install scripts running (npm 11 asks users
 * to approve dependency scripts, and may skip them).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/child.js';

const prebuildRel = `prebuilds/${process.platform}-${process.arch}/nodegrad.napi.node`;

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  return String(r.stdout);
}

/** npm's CLI script, so it can be run by `node` under a PATH that holds nothing else. */
function npmCli(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'npm');
    if (fs.existsSync(candidate)) return fs.realpathSync(candidate);
  }
  throw new Error('npm not found on PATH');
}

/** The environment of a user without build tools: PATH holds only node and sh, npm's own variables are gone. */
function bareEnv(binDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && !/^NODEGRAD_/.test(k)) env[k] = v;
  env.PATH = binDir;
  return env;
}

// Runs inside the consumer folder: loads the package by name and checks gemm in exact mode (small integers,
// every partial sum exact in float32) bitwise against the package's own JS twin.
const consumerCheck = `
const ng = await import('nodegrad');
const reason = ng.nativeUnavailableReason();
if (reason !== null) throw new Error('native addon did not load: ' + reason);
const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
const m = 13, n = 17, k = 11;
const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 5 + 1) % 7) - 3);
const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 3 + 2) % 7) - 3);
const c = new Float32Array(m * n), ref = new Float32Array(m * n);
ng.backend().gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
ng.jsKernels.gemm(false, false, m, n, k, 1, a, k, b, n, 0, ref, n);
const same = c.every((v, i) => Object.is(v, ref[i])) && ref.some((v) => v !== 0);
// nodegrad/worker: the same product in a worker thread, tensors moved there and back.
require('node:fs').writeFileSync('mm-worker.mjs', "export const mm = (a, b) => a.matmul(b);");
const { spawn } = await import('nodegrad/worker');
const w = await spawn('./mm-worker.mjs', { threads: 1 });
const wc = await w.call('mm', new ng.Tensor(a, [m, k]), new ng.Tensor(b, [k, n]));
await w.terminate();
const worker = wc instanceof ng.Tensor && wc.data.every((v, i) => Object.is(v, ref[i])) && a.byteLength === 0;
console.log(JSON.stringify({ backend: ng.getBackend(), loaded, same, worker }));
`;

describe('npm pack + install without build tools', () => {
  let tmp = '';
  let tarball = '';
  let binDir = '';
  let files: string[] = [];

  beforeAll(() => {
    expect(fs.existsSync(path.join(repoRoot, 'build/Release/nodegrad.node')), 'build the addon first').toBe(true);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-pack-'));
    run(process.execPath, ['scripts/prebuild.cjs', '--no-build'], { cwd: repoRoot });
    const packed = JSON.parse(run(process.execPath, [npmCli(), 'pack', '--json', '--pack-destination', tmp], { cwd: repoRoot }));
    tarball = path.join(tmp, packed[0].filename);
    files = packed[0].files.map((f: { path: string }) => f.path);

    // A PATH with node and sh only: no cmake, cc, c++, g++, make or ninja.
    binDir = path.join(tmp, 'bin');
    fs.mkdirSync(binDir);
    fs.symlinkSync(process.execPath, path.join(binDir, 'node'));
    fs.symlinkSync('/bin/sh', path.join(binDir, 'sh'));
  }, 120_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('packs dist, the prebuild, the sources and the install script, and nothing from test/ or build/', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/worker/index.js', 'dist/worker/host.js', prebuildRel, 'scripts/install.cjs', 'CMakeLists.txt', 'package.json']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(test|bench|build|lib)\//.test(f))).toEqual([]);
  });

  it('hides the build tools from the consumer', () => {
    const r = spawnSync('/bin/sh', ['-c', 'command -v cmake || command -v cc || command -v c++ || command -v g++ || command -v ninja'], {
      env: bareEnv(binDir),
    });
    expect(r.status).not.toBe(0);
  });

  for (const scripts of [true, false]) {
    it(`installs offline-first and loads the prebuild (${scripts ? 'install script runs' : '--ignore-scripts'})`, () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'consumer-'));
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
      const args = [npmCli(), 'install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball];
      if (!scripts) args.push('--ignore-scripts');
      const log = run(process.execPath, args, { cwd: dir, env: bareEnv(binDir) });
      if (scripts) expect(log).toContain('node scripts/install.cjs');
      expect(fs.existsSync(path.join(dir, 'node_modules/nodegrad/build'))).toBe(false);

      const script = path.join(dir, 'check.cjs');
      fs.writeFileSync(script, `(async () => {${consumerCheck}})().catch((e) => { console.error(e); process.exit(1); });`);
      const out = JSON.parse(run(process.execPath, [script], { cwd: dir, env: bareEnv(binDir) }).trim().split('\n').pop()!);
      expect(out.backend).toBe('native');
      expect(out.loaded).toEqual([path.join(fs.realpathSync(dir), 'node_modules/nodegrad', prebuildRel)]);
      expect(out.same).toBe(true);
      expect(out.worker).toBe(true);
    }, 120_000);
  }
});
