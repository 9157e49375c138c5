/**
 * The runtime exports (cpuInfo, setNumThreads, getNumThreads) and the load-time environment variables:
 * bad values throw a clear RangeError at load, each available ISA can be forced and computes exactly, the
 * binary creates no external buffers (Electron's memory cage).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { getNumThreads, setNumThreads } from '../../lib/index.js';
import { nativeAddon } from '../../lib/backend/native.js';
import { repoRoot, runChild } from '../helpers/child.js';

const addon = nativeAddon()!;
const require = createRequire(import.meta.url);
const addonPath: string = require('node-gyp-build').resolve(repoRoot);

/** Loads the addon in a fresh process with `env` and reports what cpuInfo/getNumThreads say, or the error. */
function loadWith(env: Record<string, string>): { ok: boolean; name?: string; message?: string; info?: { isa: string; threads: number } } {
  const src = `
    try {
      const a = require(${JSON.stringify(addonPath)});
      console.log(JSON.stringify({ ok: true, info: a.cpuInfo() }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, name: e.constructor.name, message: e.message }));
    }`;
  const r = spawnSync(process.execPath, ['-e', src], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  expect(r.signal, r.stderr).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('cpuInfo / setNumThreads / getNumThreads', () => {
  it('cpuInfo describes the machine and the ISA in use', () => {
    const info = addon.cpuInfo();
    expect(info.arch).toBe(process.arch);
    expect(info.available[0]).toBe('scalar');
    expect(info.available).toContain(info.isa);
    expect(info.threads).toBe(addon.getNumThreads());
  });

  it('setNumThreads round-trips every count from 1 to 8 and 256', () => {
    const before = getNumThreads();
    try {
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 256, 1]) {
        setNumThreads(n);
        expect(getNumThreads()).toBe(n);
        expect(addon.cpuInfo().threads).toBe(n);
      }
    } finally {
      setNumThreads(before);
    }
  });

  const bad: [string, unknown[], typeof TypeError | typeof RangeError][] = [
    ['0', [0], RangeError],
    ['-1', [-1], RangeError],
    ['1.5', [1.5], RangeError],
    ['NaN', [NaN], RangeError],
    ['Infinity', [Infinity], RangeError],
    ['257', [257], RangeError],
    ['2^53', [2 ** 53], RangeError],
    ["'2'", ['2'], TypeError],
    ['undefined', [undefined], TypeError],
    ['null', [null], TypeError],
    ['2n', [2n], TypeError],
    ['{ valueOf }', [{ valueOf: () => 2 }], TypeError],
    ['no argument', [], TypeError],
    ['two arguments', [2, 3], TypeError],
  ];
  for (const [label, args, cls] of bad) {
    it(`setNumThreads(${label}) throws ${cls.name} and changes nothing`, () => {
      const before = addon.getNumThreads();
      const call = () => (addon.setNumThreads as (...a: unknown[]) => void)(...args);
      expect(call).toThrow(cls);
      expect(call).toThrow(/^nodegrad\.setNumThreads: expected /);
      expect(addon.getNumThreads()).toBe(before);
    });
  }

  it('the public setNumThreads rejects the same inputs', () => {
    expect(() => setNumThreads(0)).toThrow(RangeError);
    expect(() => setNumThreads(1.5)).toThrow(/^nodegrad\.setNumThreads: expected n/);
  });

  it('getNumThreads, cpuInfo and fpControl take no arguments', () => {
    for (const fn of ['getNumThreads', 'cpuInfo', 'fpControl', 'workspaceBytes'] as const) {
      expect(() => (addon[fn] as (...a: unknown[]) => unknown)(1)).toThrow(new RegExp(`^nodegrad\\.${fn}: expected 0 arguments, got 1`));
    }
  });
});

describe('environment variables at load (child processes)', () => {
  const info = addon.cpuInfo();
  const allIsas = ['scalar', 'avx2', 'avx512', 'neon'];

  const badIsa = ['bogus', 'AVX2', ' avx2', 'avx2 ', 'sse2'];
  for (const v of badIsa) {
    it(`NODEGRAD_ISA=${JSON.stringify(v)} throws a RangeError at load`, () => {
      const r = loadWith({ NODEGRAD_ISA: v });
      expect(r.ok).toBe(false);
      expect(r.name).toBe('RangeError');
      expect(r.message).toBe(`nodegrad: expected NODEGRAD_ISA to be one of scalar, avx2, avx512, neon, got '${v}'`);
    });
  }

  for (const isa of allIsas.filter((i) => !info.available.includes(i))) {
    it(`NODEGRAD_ISA=${isa} (not on this CPU) throws a RangeError listing what is available`, () => {
      const r = loadWith({ NODEGRAD_ISA: isa });
      expect(r.ok).toBe(false);
      expect(r.name).toBe('RangeError');
      expect(r.message).toBe(`nodegrad: NODEGRAD_ISA=${isa} is not supported by this CPU (available: ${info.available.join(', ')})`);
    });
  }

  for (const v of ['0', '-1', 'abc', '2x', '257', ' 2', '1.5', '+2', '1e1', '99999999999999999999999']) {
    it(`NODEGRAD_NUM_THREADS=${JSON.stringify(v)} throws a RangeError at load`, () => {
      const r = loadWith({ NODEGRAD_NUM_THREADS: v });
      expect(r.ok).toBe(false);
      expect(r.name).toBe('RangeError');
      expect(r.message).toBe(`nodegrad: expected NODEGRAD_NUM_THREADS to be an integer in [1, 256], got '${v}'`);
    });
  }

  it('NODEGRAD_NUM_THREADS=3 and NODEGRAD_WORKSPACE_CAP_BYTES=-1 are read', () => {
    expect(loadWith({ NODEGRAD_NUM_THREADS: '3' }).info?.threads).toBe(3);
    const r = loadWith({ NODEGRAD_WORKSPACE_CAP_BYTES: '-1' });
    expect(r.name).toBe('RangeError');
    expect(r.message).toMatch(/^nodegrad: expected NODEGRAD_WORKSPACE_CAP_BYTES to be a byte count, got '-1'/);
  });

  it('the library falls back to the JS backend and says why when the addon refuses to load', () => {
    const r = runChild(
      `import { getBackend, nativeUnavailableReason } from './lib/index.ts';
       console.log(JSON.stringify({ backend: getBackend(), reason: nativeUnavailableReason() }));`,
      { NODEGRAD_ISA: 'bogus' },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backend).toBe('js');
    expect(out.reason).toMatch(/NODEGRAD_ISA/);
  });

  it('a tiny workspace cap turns scratch allocation failure into an Error, never an abort', () => {
    const r = runChild(
      `import { nativeAddon } from './lib/backend/native.ts';
       const a = nativeAddon();
       const n = 300, A = new Float32Array(n * n).fill(1), C = new Float32Array(n * n);
       let outcome = 'ok';
       try { a.gemm(false, false, n, n, n, 1, A, n, A, n, 0, C, n); if (C[0] !== n) outcome = 'wrong ' + C[0]; }
       catch (e) { outcome = e.constructor.name + ': ' + e.message; }
       console.log(outcome);`,
      { NODEGRAD_WORKSPACE_CAP_BYTES: '64' },
    );
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    // A kernel that needs no scratch for this size may succeed; one that does must throw, not abort.
    expect(r.stdout.trim()).toMatch(/^(ok|Error: nodegrad\.gemm: out of memory for scratch space)$/);
  });

  for (const isa of info.available) {
    it(`NODEGRAD_ISA=${isa} is used and gemm is exact on small integers (bitwise vs the JS twin)`, () => {
      const r = runChild(
        `import { nativeAddon } from './lib/backend/native.ts';
         import { jsKernels } from './lib/backend/js/index.ts';
         import { rng } from './test/helpers/rng.ts';
         const a = nativeAddon();
         if (a.cpuInfo().isa !== ${JSON.stringify(isa)}) throw new Error('isa is ' + a.cpuInfo().isa);
         const r = rng(5);
         for (const [m, n, k] of [[1, 1, 1], [5, 7, 3], [17, 33, 9], [67, 45, 130], [130, 129, 257]]) {
           for (const threads of [1, 2]) {
             a.setNumThreads(threads);
             const A = r.ints(m * k), B = r.ints(k * n), C0 = r.ints(m * n);
             const c = C0.slice(), ref = C0.slice();
             a.gemm(false, true, m, n, k, 2, A, k, B.subarray(0, n * k), k, -1, c, n);
             jsKernels.gemm(false, true, m, n, k, 2, A, k, B.subarray(0, n * k), k, -1, ref, n);
             for (let i = 0; i < c.length; i++) if (!Object.is(c[i], ref[i])) throw new Error(\`\${m}x\${n}x\${k} threads \${threads}: element \${i} \${c[i]} != \${ref[i]}\`);
           }
         }
         console.log('ok');`,
        { NODEGRAD_ISA: isa },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('ok');
    });
  }
});

describe('Electron readiness', () => {
  it(`the addon imports no external-buffer functions (nm -D ${addonPath.replace(repoRoot + '/', '')})`, () => {
    const r = spawnSync('nm', ['-D', '--undefined-only', addonPath], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const napi = r.stdout.split('\n').filter((l) => /\bnapi_/.test(l));
    expect(napi.length).toBeGreaterThan(10); // the listing works: it does see the N-API imports
    expect(napi.filter((l) => /napi_create_external_(arraybuffer|buffer)/.test(l))).toEqual([]);
  });
});
