/**
 * The worker-thread side of `nodegrad/worker`: imports the user's module, then answers each call message
 * with the function's (awaited) result or its error. Started by `spawn` in ./index.ts; not for direct use.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decode, encode, encodeError } from './codec.js';

interface CallMessage {
  id: number;
  fn: string;
  args: unknown[];
}

const port = parentPort!;

function reply(id: number, value: unknown): void {
  const { message, transferList } = encode(value);
  try {
    port.postMessage({ id, ok: true, value: message }, transferList);
  } catch (e) {
    port.postMessage({ id, ok: false, error: encodeError(e) });
  }
}

let exports: Record<string, unknown>;
try {
  exports = (await import(workerData.module as string)) as Record<string, unknown>;
} catch (e) {
  port.postMessage({ loadError: encodeError(e) });
  process.exit(1);
}
const functions = Object.keys(exports).filter((k) => typeof exports[k] === 'function');

port.on('message', async ({ id, fn, args }: CallMessage) => {
  try {
    const f = exports[fn];
    if (typeof f !== 'function') {
      throw new TypeError(`nodegrad.worker: expected ${JSON.stringify(fn)} to be a function exported by ${workerData.module}, exported: ${functions.join(', ') || 'none'}`);
    }
    reply(id, await (f as (...a: unknown[]) => unknown)(...(decode(args) as unknown[])));
  } catch (e) {
    port.postMessage({ id, ok: false, error: encodeError(e) });
  }
});
port.postMessage({ ready: functions });
