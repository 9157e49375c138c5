/**
 * Moving values between threads: Tensors (anywhere inside arrays, plain objects and Maps) become plain
 * records that structured clone can carry, and every ArrayBuffer behind them is put on the transfer list,
 * so no element is copied. Transferring detaches the sender's buffers: the sender's tensors, and any other
 * view of the same storage, are empty afterwards. SharedArrayBuffers are shared, not transferred.
 */
import { Tensor } from '../tensor.js';

const TAG = '__nodegradTensor';

interface WireTensor {
  [TAG]: true;
  storage: Tensor['storage'];
  shape: number[];
  strides: number[];
  offset: number;
  requiresGrad: boolean;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The value ready for postMessage, and the buffers to transfer with it (none when `transfer` is false). */
export function encode(value: unknown, transfer = true): { message: unknown; transferList: ArrayBuffer[] } {
  const buffers = new Set<ArrayBuffer>();
  const take = (b: ArrayBufferLike) => {
    if (transfer && b instanceof ArrayBuffer && b.byteLength > 0) buffers.add(b);
  };
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return seen.get(v);
    let out: unknown;
    if (v instanceof Tensor) {
      take(v.storage.buffer);
      const wire: WireTensor = {
        [TAG]: true, storage: v.storage, shape: [...v.shape], strides: [...v.strides], offset: v.offset, requiresGrad: v.requiresGrad,
      };
      out = wire;
    } else if (ArrayBuffer.isView(v)) {
      take(v.buffer);
      out = v;
    } else if (v instanceof ArrayBuffer) {
      take(v);
      out = v;
    } else if (Array.isArray(v)) {
      const a: unknown[] = [];
      seen.set(v, a);
      for (const x of v) a.push(walk(x));
      out = a;
    } else if (v instanceof Map) {
      const m = new Map();
      seen.set(v, m);
      for (const [k, x] of v) m.set(walk(k), walk(x));
      out = m;
    } else if (isPlainObject(v)) {
      const o: Record<string, unknown> = {};
      seen.set(v, o);
      for (const [k, x] of Object.entries(v)) o[k] = walk(x);
      out = o;
    } else {
      out = v; // Dates, errors, sets...: structured clone's business (it throws on what it cannot clone)
    }
    seen.set(v, out);
    return out;
  };
  const message = walk(value);
  return { message, transferList: [...buffers] };
}

/** Rebuilds the Tensors of a received message (the storage arrives as the transferred typed array). */
export function decode(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decode(value[i]);
    return value;
  }
  if (value instanceof Map) {
    const m = new Map();
    for (const [k, x] of value) m.set(decode(k), decode(x));
    return m;
  }
  if (!isPlainObject(value)) return value;
  const o = value as Record<string, unknown>;
  if (o[TAG] === true) {
    const w = o as unknown as WireTensor;
    const t = new Tensor(w.storage, w.shape, w.strides, w.offset);
    t.requiresGrad = w.requiresGrad;
    return t;
  }
  for (const k of Object.keys(o)) o[k] = decode(o[k]);
  return o;
}

/** An error as data (structured clone keeps only some error classes and drops their own properties). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

export function encodeError(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

const ERROR_CLASSES: Record<string, ErrorConstructor> = { TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

/** The error rebuilt on the receiving thread: same class (built-in ones), name and message, the worker's stack. */
export function decodeError(w: WireError): Error {
  const e = new (ERROR_CLASSES[w.name] ?? Error)(w.message);
  if (e.name !== w.name) e.name = w.name;
  if (w.stack) e.stack = `${w.stack}\n    --- in the nodegrad worker ---`;
  return e;
}
