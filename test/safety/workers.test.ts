/**
 * T11 worker_threads, each scenario in a child process so a crash is a named failure:
 * - the main thread and 4 workers run every binding case (cases.ts) 100 times at once: bitwise the same;
 * - workers terminated in the middle of a native loop: no crash, the main thread still computes, and every
 *   pool thread is joined (threads counted in /proc/self/task);
 * - 20 load/unload cycles in workers with various pool sizes: no thread left behind, and RSS grows no more
 *   than in the same cycles without the addon, give or take 24 MiB.
 */
import { describe, expect, it } from 'vitest';
import { runChild } from '../helpers/child.js';

const onLinux = process.platform === 'linux';

function runScenario(source: string, env: Record<string, string> = {}): Record<string, unknown> {
  const r = runChild(source, { NODEGRAD_NUM_THREADS: '2', ...env }, 240_000);
  expect(r.signal, r.stderr).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

// Under ASan (npm run test:asan), freed memory is held in a quarantine to catch use after free: 256 MiB by
// default, which each worker's teardown fills further, so RSS climbs for dozens of cycles whether or not the
// addon is loaded. A 16 MiB cap keeps it out of the memory bound; later flags override earlier ones.
const asanQuarantineCap: Record<string, string> =
  process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS}:quarantine_size_mb=16` } : {};

// Shared by the child scripts: thread counting, waiting, a plain-JS gemm worker body.
const prelude = `
  import { Worker } from 'node:worker_threads';
  import fs from 'node:fs';
  const root = process.cwd();
  const threads = () => fs.readdirSync('/proc/self/task').length;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  async function settleThreads(target) {
    for (let i = 0; i < 100 && threads() !== target; i++) await sleep(20);
    return threads();
  }
  // Loads the addon, sets the pool size, and multiplies in a loop; posts 'running' after the first product.
  const gemmWorker = \`
    const { parentPort, workerData } = await import('node:worker_threads');
    const addon = (await import('node-gyp-build')).default(workerData.root);
    addon.setNumThreads(workerData.threads);
    const n = workerData.n, a = new Float32Array(n * n).fill(1), c = new Float32Array(n * n);
    for (let i = 0; ; i++) {
      addon.gemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
      if (c[n * n - 1] !== n) throw new Error('wrong product ' + c[n * n - 1]);
      if (i === 0) parentPort.postMessage('running');
      if (workerData.iterations && i + 1 >= workerData.iterations) break;
    }
  \`;
  const startGemmWorker = (data) => new Worker(gemmWorker, { eval: true, workerData: { root, ...data } });
  const once = (w, event) => new Promise((res, rej) => { w.once(event, res); if (event !== 'error') w.once('error', rej); });
`;

describe('worker_threads', () => {
  it('main thread and 4 workers at once: every case 100 times, bitwise identical everywhere', () => {
    const out = runScenario(`
      import { nativeAddon } from './lib/backend/native.ts';
      import { bindingCases, digest, runCase } from './test/safety/cases.ts';
      import { rng } from './test/helpers/rng.ts';
      import { Worker } from 'node:worker_threads';
      const body = \`
        const { register } = await import('tsx/esm/api'); register();
        const { parentPort, workerData } = await import('node:worker_threads');
        const { bindingCases, digest, runCase } = await import(workerData.root + '/test/safety/cases.ts');
        const { rng } = await import(workerData.root + '/test/helpers/rng.ts');
        const addon = (await import('node-gyp-build')).default(workerData.root);
        \${loop.toString()}
        parentPort.postMessage(loop(addon, bindingCases, digest, runCase, rng));
      \`;
      // Every case once with sizes the pool splits, then 100 times small; each distinct digest is kept.
      function loop(addon, cases, digest, runCase, rng) {
        const seen = {};
        for (const c of cases) {
          const big = new Set([digest(runCase(addon, c, c.args(rng(11), true)))]);
          const small = new Set();
          for (let i = 0; i < 100; i++) small.add(digest(runCase(addon, c, c.args(rng(12), false))));
          seen[c.label] = [...big].join('|') + ' / ' + [...small].join('|');
        }
        return seen;
      }
      const workers = Array.from({ length: 4 }, () => new Worker(body, { eval: true, workerData: { root: process.cwd() } }));
      const results = workers.map((w) => new Promise((res, rej) => { w.once('message', res); w.once('error', rej); }));
      const mine = loop(nativeAddon(), bindingCases, digest, runCase, rng);
      const theirs = await Promise.all(results);
      await Promise.all(workers.map((w) => w.terminate()));
      console.log(JSON.stringify({ mine, theirs, cases: bindingCases.length }));
    `);
    const mine = out.mine as Record<string, string>;
    expect(Object.keys(mine).length).toBe(out.cases);
    for (const d of Object.values(mine)) expect(d, 'repeated calls gave different results').not.toMatch(/\|/);
    for (const t of out.theirs as Record<string, string>[]) expect(t).toEqual(mine);
  });

  it.runIf(onLinux)('workers terminated mid-loop: no crash, pools joined, main thread still computes', () => {
    const out = runScenario(`
      ${prelude}
      const addon = (await import('node-gyp-build')).default(root);
      const baseline = threads();
      const rounds = [];
      for (let round = 0; round < 4; round++) {
        const ws = Array.from({ length: 4 }, (_, i) => startGemmWorker({ threads: 1 + ((round + i) % 3), n: 192 }));
        await Promise.all(ws.map((w) => once(w, 'message')));
        await sleep(5 + 15 * round);
        const codes = await Promise.all(ws.map((w) => w.terminate()));
        rounds.push({ codes, threadsAfter: await settleThreads(baseline) });
      }
      const n = 97, a = new Float32Array(n * n).fill(1), c = new Float32Array(n * n);
      addon.gemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
      console.log(JSON.stringify({ baseline, rounds, product: c[n * n - 1] }));
    `);
    for (const r of out.rounds as { codes: number[]; threadsAfter: number }[]) {
      expect(r.codes).toEqual([1, 1, 1, 1]);
      expect(r.threadsAfter).toBe(out.baseline);
    }
    expect(out.product).toBe(97);
  });

  it.runIf(onLinux)('20 load/unload cycles in workers: no thread left behind, memory bounded', () => {
    // The same 20 worker lifetimes twice, in two processes: once loading the addon and multiplying with it,
    // once multiplying in plain JS (the control). What the addon adds is the difference in RSS growth, so
    // the allocator's and the worker machinery's own growth (about 20 MiB over 15 cycles under ASan, ~1 MiB
    // without) is not charged to it.
    const cycles = (addon: boolean) => runScenario(`
      ${prelude}
      const plainWorker = \`
        const { parentPort, workerData } = await import('node:worker_threads');
        const n = workerData.n, a = new Float32Array(n * n).fill(1), c = new Float32Array(n * n);
        for (let i = 0; i < workerData.iterations; i++) {
          for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[r * n + j] += a[r * n + k] * a[k * n + j];
          if (i === 0) parentPort.postMessage('running');
        }
      \`;
      const baseline = threads();
      const after = [], rss = [];
      for (let cycle = 0; cycle < 20; cycle++) {
        const data = { threads: 1 + (cycle % 4), n: 64, iterations: 3 };
        const w = ${addon} ? startGemmWorker(data) : new Worker(plainWorker, { eval: true, workerData: data });
        // Listen for 'exit' first: a worker that ends quickly has its last message and its exit delivered in
        // one turn of the event loop, before an 'exit' listener added after the message could see it.
        const exited = once(w, 'exit');
        await once(w, 'message');
        if (cycle % 2) await w.terminate();
        await exited;
        after.push(await settleThreads(baseline));
        rss.push(process.memoryUsage().rss);
      }
      console.log(JSON.stringify({ baseline, after, rss }));
    `, asanQuarantineCap);
    const [withAddon, control] = [cycles(true), cycles(false)];
    expect(withAddon.after).toEqual(Array(20).fill(withAddon.baseline));
    const rss = withAddon.rss as number[], base = control.rss as number[];
    const show = (r: number[]) => r.map((b) => (b / 2 ** 20).toFixed(0)).join(' ');
    // A leaked pool or workspace per cycle would grow RSS by at least its thread stacks and panels each time.
    expect(rss[19] - rss[4] - (base[19] - base[4]), `RSS ${show(rss)} MiB; control ${show(base)} MiB`)
      .toBeLessThan(24 * 2 ** 20);
  });
});
