/**
 * Argument checks for the JS twin's kernels, mirroring native/binding/args.cc so both backends reject the
 * same inputs with the same error class and message: "nodegrad.<op>: expected <what>, got <value>".
 */
import type { FloatArray } from '../types.js';

/** 2^53 − 1: the largest size (and size product) either backend accepts. */
export const MAX_SIZE = Number.MAX_SAFE_INTEGER;

export function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'bigint') return 'a bigint';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
  }
  if (Array.isArray(v)) return 'an Array';
  if (v instanceof DataView) return 'a DataView';
  if (v instanceof ArrayBuffer) return 'an ArrayBuffer';
  return 'an object';
}

export function typeError(op: string, expected: string, got: unknown): TypeError {
  return new TypeError(`nodegrad.${op}: expected ${expected}, got ${describe(got)}`);
}

export function rangeError(op: string, message: string): RangeError {
  return new RangeError(`nodegrad.${op}: ${message}`);
}

/** An integer in [min, max]; TypeError if not a number, RangeError otherwise. */
export function checkSize(op: string, name: string, v: unknown, min = 0, max = MAX_SIZE): number {
  if (typeof v !== 'number') throw typeError(op, `${name} to be an integer`, v);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw rangeError(op, `expected ${name} to be an integer in [${min}, ${max}], got ${v}`);
  }
  return v;
}

export function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(op, `${name} to be a number`, v);
  return v;
}

export function checkBoolean(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw typeError(op, `${name} to be a boolean`, v);
  return v;
}

function isDetached(a: ArrayBufferView): boolean {
  // A detached buffer's views have length 0; reading `.buffer` of a small on-heap typed array would
  // materialise an ArrayBuffer (costly), so only look when the view is empty.
  if (a.byteLength !== 0) return false;
  const buffer = a.buffer as ArrayBuffer & { detached?: boolean };
  if (buffer.detached !== undefined) return buffer.detached;
  // Node 20 has no ArrayBuffer.prototype.detached; a view on a detached buffer cannot be constructed.
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** A Float32Array or Float64Array with a live buffer. */
export function checkFloatArray(op: string, name: string, v: unknown): FloatArray {
  if (!(v instanceof Float32Array) && !(v instanceof Float64Array)) {
    throw typeError(op, `${name} to be a Float32Array or Float64Array`, v);
  }
  if (isDetached(v)) throw new TypeError(`nodegrad.${op}: expected ${name} to be a ${v.constructor.name}, got one whose buffer is detached`);
  return v;
}

export function checkLength(op: string, name: string, a: ArrayLike<number>, needed: number): void {
  if (a.length < needed) {
    throw rangeError(op, `expected ${name} to hold at least ${needed} elements, got ${a.length}`);
  }
}

/** a·b, or RangeError naming `what` when either is negative or the product exceeds MAX_SIZE. */
export function checkedMul(op: string, a: number, b: number, what: string): number {
  const r = a * b;
  if (a < 0 || b < 0 || r > MAX_SIZE) throw rangeError(op, `${what} overflows (${a} * ${b})`);
  return r;
}

/** Elements spanned by `rows` rows of `cols` with leading dimension ld: (rows−1)·ld + cols, or 0. */
export function checkedSpan(op: string, rows: number, cols: number, ld: number, what: string): number {
  if (rows === 0 || cols === 0) return 0;
  const r = (rows - 1) * ld + cols; // the same message as the binding's Args::span
  if (r > MAX_SIZE) throw rangeError(op, `${what} overflows`);
  return r;
}
