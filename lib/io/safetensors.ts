/**
 * The safetensors format (INTEROP.md §1): an 8-byte little-endian header length N, N bytes of JSON
 * (`{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`, right-padded with
 * spaces), then the tensor bytes, little-endian and row-major, with offsets relative to the end of the header.
 *
 * This file works on bytes only; `save`/`load` in ./state.ts map Tensors onto it.
 */

/** dtypes this reader understands. F16 and BF16 are converted to F32 on read. */
export type SafetensorsDtype = 'F32' | 'F64' | 'I64' | 'F16' | 'BF16';

/** A decoded or to-be-encoded tensor: F32, F64 or I64 data in row-major order. */
export interface RawTensor {
  dtype: 'F32' | 'F64' | 'I64';
  shape: number[];
  data: Float32Array | Float64Array | BigInt64Array;
}

export interface SafetensorsContents {
  /** Tensors in file order (ascending data offset). */
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string> | null;
}

/** The reference implementation's limit on the JSON header. */
export const MAX_HEADER_BYTES = 100_000_000;

const ITEM_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8, C64: 8,
  F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1, F8_E4M3FNUZ: 1, F8_E5M2FNUZ: 1,
};
const READABLE = new Set(['F32', 'F64', 'I64', 'F16', 'BF16']);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fail(source: string, what: string): never {
  throw new RangeError(`nodegrad.safetensors: ${source}: ${what}`);
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses and validates a whole safetensors file held in memory. Every check happens before any tensor is
 * allocated, and each tensor's byte size must equal its data range, which lies inside the file, so nothing
 * allocated exceeds the file's size (F16/BF16 double when widened to F32). `source` names the file in errors.
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`nodegrad.safetensors: expected bytes to be a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length < 8) fail(source, `file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(source, `header length ${n64} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  const n = Number(n64);
  if (n < 2) fail(source, `header length ${n} is too small for a JSON object`);
  if (8 + n > bytes.length) fail(source, `header length ${n} runs past the end of the file (${bytes.length} bytes): truncated?`);
  if (bytes[8] !== 0x7b) fail(source, `header does not start with '{'`);

  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
    header = JSON.parse(text);
  } catch (e) {
    fail(source, `header is not valid UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(source, 'header is not a JSON object');

  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(info, source);
      continue;
    }
    entries.push(parseEntry(name, info, source));
  }

  // Coverage: sorted by offset, each tensor starts where the previous ended and the last ends at the file's end.
  // Duplicate names (which JSON.parse collapses) leave a hole here, so they are caught too.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataBytes = bytes.length - 8 - n;
  let cursor = 0;
  for (const e of entries) {
    if (e.begin !== cursor) {
      fail(source, e.begin > cursor
        ? `tensor '${e.name}' starts at byte ${e.begin}, leaving a hole after byte ${cursor}`
        : `tensor '${e.name}' (bytes ${e.begin}..${e.end}) overlaps the previous tensor (ending at ${cursor})`);
    }
    cursor = e.end;
  }
  if (cursor !== dataBytes) {
    fail(source, cursor > dataBytes
      ? `tensor data needs ${cursor} bytes but the file holds ${dataBytes} after the header: truncated?`
      : `file has ${dataBytes - cursor} unused bytes after the last tensor`);
  }

  const base = 8 + n;
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) tensors.set(e.name, readTensor(bytes, base + e.begin, e));
  return { tensors, metadata };
}

function parseMetadata(info: unknown, source: string): Record<string, string> {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(source, '__metadata__ is not an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(source, `__metadata__['${k}'] is not a string`);
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, info: unknown, source: string): Entry {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(source, `entry '${name}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in ITEM_BYTES)) fail(source, `tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
  if (!READABLE.has(dtype)) fail(source, `tensor '${name}' has dtype ${dtype}; nodegrad reads F32, F64, I64, F16 and BF16`);
  if (!Array.isArray(shape) || !shape.every(isNonNegInt)) fail(source, `tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt) || offsets[0] > offsets[1]) {
    fail(source, `tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  // Element count, stopping as soon as it cannot match the byte range (so absurd shapes never overflow).
  const span = end - begin;
  const item = ITEM_BYTES[dtype];
  let count = 1;
  if (!shape.includes(0)) {
    for (const d of shape as number[]) {
      count *= d;
      if (count * item > span) break;
    }
  } else {
    count = 0;
  }
  if (count * item !== span) {
    fail(source, `tensor '${name}' with shape [${(shape as number[]).join(', ')}] and dtype ${dtype} needs a different byte size than its data_offsets [${begin}, ${end}] give (${span} bytes)`);
  }
  return { name, dtype, shape: (shape as number[]).slice(), begin, end };
}

function readTensor(bytes: Uint8Array, at: number, e: Entry): RawTensor {
  const span = e.end - e.begin;
  const shape = e.shape;
  switch (e.dtype) {
    case 'F32': return { dtype: 'F32', shape, data: new Float32Array(copyLE(bytes, at, span, 4)) };
    case 'F64': return { dtype: 'F64', shape, data: new Float64Array(copyLE(bytes, at, span, 8)) };
    case 'I64': return { dtype: 'I64', shape, data: new BigInt64Array(copyLE(bytes, at, span, 8)) };
    case 'F16':
    case 'BF16': {
      const count = span / 2;
      const out = new Float32Array(count);
      const view = new DataView(bytes.buffer, bytes.byteOffset + at, span);
      const convert = e.dtype === 'F16' ? halfToFloat : bfloatToFloat;
      for (let i = 0; i < count; i++) out[i] = convert(view.getUint16(2 * i, true));
      return { dtype: 'F32', shape, data: out };
    }
    default:
      throw new Error(`nodegrad.safetensors: unreachable dtype ${e.dtype}`);
  }
}

/** A fresh, aligned copy of `span` bytes in host order (the file is little-endian). */
function copyLE(bytes: Uint8Array, at: number, span: number, item: number): ArrayBuffer {
  const out = new Uint8Array(span);
  out.set(bytes.subarray(at, at + span));
  if (!LITTLE_ENDIAN) for (let i = 0; i < span; i += item) out.subarray(i, i + item).reverse();
  return out.buffer;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

function bfloatToFloat(h: number): number {
  u32Scratch[0] = h << 16;
  return f32Scratch[0];
}

/** IEEE binary16 → number (exact: every half is representable in float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Serialises tensors in the reference writer's order (descending alignment, then name), so each tensor's
 * data is naturally aligned in the file; the JSON header is padded with spaces to a multiple of 8.
 */
export function encodeSafetensors(tensors: Map<string, RawTensor> | Record<string, RawTensor>, metadata?: Record<string, string> | null): Uint8Array {
  const list = [...(tensors instanceof Map ? tensors.entries() : Object.entries(tensors))];
  const itemOf = (t: RawTensor) => (t.dtype === 'F32' ? 4 : 8);
  for (const [name, t] of list) checkRaw(name, t);
  list.sort(([na, a], [nb, b]) => itemOf(b) - itemOf(a) || (na < nb ? -1 : na > nb ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`nodegrad.save: expected metadata['${k}'] to be a string, got ${describe(v)}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of list) {
    const size = t.data.length * itemOf(t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const [, t] of list) {
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(src, at);
    if (!LITTLE_ENDIAN) {
      const item = itemOf(t);
      for (let i = at; i < at + src.length; i += item) out.subarray(i, i + item).reverse();
    }
    at += src.length;
  }
  return out;
}

function checkRaw(name: string, t: RawTensor): void {
  if (name === '__metadata__') throw new RangeError(`nodegrad.save: expected tensor names other than '__metadata__'`);
  const kinds = { F32: Float32Array, F64: Float64Array, I64: BigInt64Array } as const;
  const kind = kinds[t.dtype];
  if (!kind || !(t.data instanceof kind)) {
    throw new TypeError(`nodegrad.save: expected tensor '${name}' to hold ${t.dtype} data in a ${kind?.name ?? 'known typed array'}, got ${describe(t.data)}`);
  }
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (!t.shape.every(isNonNegInt) || count !== t.data.length) {
    throw new RangeError(`nodegrad.save: expected tensor '${name}' with shape [${t.shape.join(', ')}] to have ${count} elements, got ${t.data.length}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
