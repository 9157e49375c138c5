/**
 * `nodegrad/worker`: run training or inference in a worker thread so the calling thread's event loop stays
 * free. The worker imports a module of yours and calls its exported functions on request:
 *
 *   // train.js (runs in the worker)
 *   import * as ng from 'nodegrad';
 *   export function fit(state, x, y) { ...; return model.stateDict(); }
 *
 *   // main thread
 *   import { spawn } from 'nodegrad/worker';
 *   const w = await spawn(new URL('./train.js', import.meta.url));
 *   const state = await w.call('fit', model.stateDict(), x, y);   // model's and x's, y's buffers move
 *   model.loadStateDict(state);
 *   await w.terminate();
 *
 * Arguments and results are structured-cloned, with Tensors (inside arrays, plain objects and Maps) and
 * typed arrays moved, not copied: their ArrayBuffers are transferred, so after `call` the caller's tensors
 * (and every view sharing their storage) are detached (length 0) and must not be used again; `t.clone()`
 * first to keep a copy. Results move back the same way. A Tensor keeps its shape, strides, offset and
 * requiresGrad across; its grad and autograd history do not cross. Errors thrown by the function reject
 * the call with the same class and message.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decode, decodeError, encode, type WireError } from './codec.js';

export interface SpawnOptions {
  /** Pool threads the worker's kernels use (NODEGRAD_NUM_THREADS in the worker); default: as this process. */
  threads?: number;
  /** Extra environment for the worker (defaults to this process's). */
  env?: Record<string, string>;
  /** Passed to the Worker (e.g. loader flags for a TypeScript module). */
  execArgv?: string[];
  /** Transfer (move) tensors and typed arrays of arguments instead of copying them; default true. */
  transfer?: boolean;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

const fromSource = import.meta.url.endsWith('.ts');
const hostUrl = new URL(fromSource ? './host.ts' : './host.js', import.meta.url);

/** Running from lib/*.ts (tests, tsx): the worker registers the same TypeScript loader first. */
function bootstrap(): { source: string | URL; eval: boolean } {
  if (!fromSource) return { source: hostUrl, eval: false };
  // require.resolve gives the CommonJS entry; its ESM sibling is the one that registers an ESM loader.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return {
    source: `(async () => { (await import(${JSON.stringify(tsxApi)})).register(); await import(${JSON.stringify(hostUrl.href)}); })()`,
    eval: true,
  };
}

/** A worker thread serving calls into one module. */
export class NodegradWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #transfer: boolean;
  #nextId = 0;
  #closed: Error | null = null;
  /** Names of the module's exported functions. */
  readonly functions: readonly string[];

  /** Use `spawn`. */
  constructor(worker: Worker, functions: string[], transfer: boolean) {
    this.#worker = worker;
    this.functions = functions;
    this.#transfer = transfer;
    worker.on('message', (m: Reply) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(decode(m.value));
      else p.reject(decodeError(m.error));
    });
    worker.on('error', (e) => this.#close(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => this.#close(new Error(`nodegrad.worker: the worker exited (code ${code})`)));
  }

  /**
   * Calls the module's exported function `fn` with `args` in the worker; resolves with its awaited result.
   * Tensors and typed arrays in `args` are moved (see the module docs): do not use them afterwards.
   */
  call<T = unknown>(fn: string, ...args: unknown[]): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    const { message, transferList } = encode(args, this.#transfer);
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.#worker.postMessage({ id, fn, args: message }, transferList);
      } catch (e) {
        this.#pending.delete(id);
        reject(e);
      }
    });
  }

  /** Stops the worker (also mid-call: pending calls reject). Resolves once the thread has exited. */
  async terminate(): Promise<void> {
    this.#close(new Error('nodegrad.worker: terminated'));
    await this.#worker.terminate();
  }

  /** Lets the process exit while this worker is idle (Worker.unref). */
  unref(): void {
    this.#worker.unref();
  }

  #close(reason: Error): void {
    this.#closed ??= reason;
    for (const p of this.#pending.values()) p.reject(this.#closed);
    this.#pending.clear();
  }
}

/**
 * Starts a worker thread that imports `module` (a path or file: URL of an ES module, or a package name
 * resolvable from the worker) and resolves once it has loaded; rejects with the import's error otherwise.
 */
export async function spawn(module: string | URL, options: SpawnOptions = {}): Promise<NodegradWorker> {
  const specifier = module instanceof URL ? module.href : path.isAbsolute(module) || /^\.\.?[\\/]/.test(module) ? pathToFileURL(path.resolve(module)).href : module;
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new RangeError(`nodegrad.worker: expected threads to be an integer >= 1, got ${options.threads}`);
    }
    env.NODEGRAD_NUM_THREADS = String(options.threads);
  }
  const boot = bootstrap();
  const worker = new Worker(boot.source, { eval: boot.eval, workerData: { module: specifier }, env, execArgv: options.execArgv });
  const functions = await new Promise<string[]>((resolve, reject) => {
    const fail = (e: Error) => { worker.off('message', onMessage); reject(e); };
    const onMessage = (m: { ready?: string[]; loadError?: WireError }) => {
      worker.off('error', fail);
      worker.off('message', onMessage);
      if (m.ready) resolve(m.ready);
      else reject(decodeError(m.loadError!));
    };
    worker.on('message', onMessage);
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`nodegrad.worker: the worker exited (code ${code}) before loading ${specifier}`)));
  });
  return new NodegradWorker(worker, functions, options.transfer ?? true);
}
