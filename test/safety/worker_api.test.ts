/**
 * nodegrad/worker (lib/worker): a CNN trains in a worker thread while the main thread's event loop stays
 * responsive (p99 delay < 20 ms, with a control showing the same training on the main thread blocks it);
 * results are bitwise those of the same work on the main thread; tensors and typed arrays move without
 * copies (the sender's buffers are detached); errors keep their class and message; terminate rejects
 * pending calls.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualSeed, randint, randn } from '../../lib/ops/creation.js';
import type { StateDict } from '../../lib/nn/index.js';
import { Tensor } from '../../lib/tensor.js';
import { type NodegradWorker, spawn } from '../../lib/worker/index.js';
import { makeCnn, predict, train } from './fixtures/worker_cnn.js';

const fixture = new URL('./fixtures/worker_cnn.ts', import.meta.url);

function cloneState(s: StateDict): StateDict {
  return Object.fromEntries(Object.entries(s).map(([k, t]) => [k, t.clone()]));
}

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array(Float32Array.from(t.data).buffer));
}

function problem(batch: number) {
  manualSeed(7);
  const model = makeCnn();
  return { state: cloneState(model.stateDict()), x: randn([batch, 1, 12, 12]), y: randint(0, 10, [batch]) };
}

function copies(p: ReturnType<typeof problem>) {
  return { state: cloneState(p.state), x: p.x.clone(), y: p.y.clone() };
}

/** Runs `fn` while sampling the event-loop delay every millisecond; returns p99 and max in ms. */
async function measureDelay<T>(fn: () => Promise<T>): Promise<{ value: T; p99: number; max: number; ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const t0 = performance.now();
  h.enable();
  await new Promise((r) => setTimeout(r, 5)); // the histogram records from its second tick on
  const value = await fn();
  await new Promise((r) => setTimeout(r, 5)); // let the timer record a stall that just ended
  h.disable();
  return { value, p99: h.percentile(99) / 1e6, max: h.max / 1e6, ms: performance.now() - t0 };
}

describe('nodegrad/worker', () => {
  let w: NodegradWorker;
  beforeAll(async () => {
    w = await spawn(fixture, { threads: 1 });
  });
  afterAll(async () => w?.terminate());

  it('lists the module functions', () => {
    expect(w.functions).toEqual(expect.arrayContaining(['train', 'predict', 'describeArgs', 'throwRange']));
  });

  it('a CNN trains in the worker with the main event loop p99 delay < 20 ms; the same training on the main thread blocks it', async () => {
    const p = problem(32);
    const local = copies(p);
    const steps = 100;
    const bg = await measureDelay(() => w.call<{ state: StateDict; losses: number[] }>('train', p.state, p.x, p.y, steps));
    const fg = await measureDelay(async () => train(local.state, local.x, local.y, steps));
    const info = `worker: ${bg.ms.toFixed(0)} ms, p99 ${bg.p99.toFixed(2)} ms, max ${bg.max.toFixed(1)} ms; main thread: ${fg.ms.toFixed(0)} ms, max ${fg.max.toFixed(1)} ms`;
    // The control: training this long on the main thread stalls its loop far beyond the bound.
    expect(fg.max, info).toBeGreaterThan(20);
    expect(bg.p99, info).toBeLessThan(20);
    // And the work was real: the loss falls, and the worker's result is bitwise the main thread's.
    expect(bg.value.losses.at(-1)!, info).toBeLessThan(bg.value.losses[0]);
    expect(bg.value.losses).toEqual(fg.value.losses);
    for (const [k, t] of Object.entries(fg.value.state)) {
      expect(bg.value.state[k]).toBeInstanceOf(Tensor);
      expect(bits(bg.value.state[k]), k).toEqual(bits(t));
    }
  });

  it('inference: predictions bitwise equal to the main thread', async () => {
    const p = problem(5);
    const local = copies(p);
    const got = await w.call<Tensor>('predict', p.state, p.x);
    expect(got.shape).toEqual([5, 10]);
    expect(bits(got)).toEqual(bits(predict(local.state, local.x)));
  });

  it('moves tensors and typed arrays: the sender is detached, the receiver gets them intact; shared memory stays shared', async () => {
    const t = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    t.requiresGrad = true;
    const view = t.transpose(0, 1); // a view of the same storage: detached with it
    const f64 = Float64Array.from([0.5, 0.25]);
    const shared = new Float32Array(new SharedArrayBuffer(16));
    const got = await w.call<unknown[]>('describeArgs', t, { nested: [f64] }, shared, 'text');
    expect(got).toEqual([
      { tensor: 'Tensor', shape: [2, 3], sum: 21, requiresGrad: true },
      { nested: [Float64Array.from([0.5, 0.25])] }, // returned as is: moved there and back
      { view: 'Float32Array', byteLength: 16, shared: true },
      'text',
    ]);
    expect(t.storage.byteLength).toBe(0);
    expect(view.storage.byteLength).toBe(0);
    expect(f64.byteLength).toBe(0);
    expect(shared.byteLength).toBe(16);
  });

  it('with transfer: false, arguments are copied and stay usable', async () => {
    const c = await spawn(fixture, { transfer: false });
    try {
      const a = Float32Array.from([1, 2]);
      await c.call('describeArgs', a);
      expect(Array.from(a)).toEqual([1, 2]);
    } finally {
      await c.terminate();
    }
  });

  it('errors keep their class and message; an unknown function is a TypeError; the worker keeps serving', async () => {
    await expect(w.call('throwRange', 'nodegrad.thing: expected x, got y')).rejects.toThrow(new RangeError('nodegrad.thing: expected x, got y'));
    const e = await w.call('rejectLater', 'late').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe('late');
    await expect(w.call('nope')).rejects.toThrow(/^nodegrad\.worker: expected "nope" to be a function exported by .*worker_cnn\.ts/);
    const arr = await w.call<unknown[]>('describeArgs', 1);
    expect(arr).toEqual([1]);
  });

  it('a module that fails to import rejects spawn with its error', async () => {
    await expect(spawn(new URL('./fixtures/worker_bad_import.ts', import.meta.url))).rejects.toThrow(/worker module failed on purpose/);
    await expect(spawn('./no/such/module.js')).rejects.toThrow(/Cannot find module|ERR_MODULE_NOT_FOUND/);
  });

  it('terminate mid-call rejects the pending call; later calls reject too', async () => {
    const c = await spawn(fixture);
    const pending = c.call('spin', 5_000).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await c.terminate();
    expect(await pending).toEqual(new Error('nodegrad.worker: terminated'));
    await expect(c.call('describeArgs')).rejects.toThrow('nodegrad.worker: terminated');
  });
});
