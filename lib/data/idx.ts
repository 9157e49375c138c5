/**
 * The IDX format of the MNIST files: two zero bytes, a type byte, the number of dimensions, then each
 * dimension as a big-endian uint32, then the data in big-endian row-major order. Gzipped files
 * (`*-ubyte.gz`, as downloaded) are inflated first.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** The IDX element type: 'uint8', 'int8', 'int16', 'int32', 'float32' or 'float64'. */
  type: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
  dims: number[];
  data: IdxData;
}

const TYPES = {
  0x08: { type: 'uint8', bytes: 1 },
  0x09: { type: 'int8', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
} as const;

function fail(source: string, what: string): never {
  throw new RangeError(`nodegrad.readIdx: ${source}: ${what}`);
}

/**
 * Reads an IDX file (a path, or its bytes with `source` naming it in errors). Truncated, oversized or
 * malformed files throw a RangeError naming the file and what was wrong.
 */
export function readIdx(file: string | Uint8Array, source?: string): IdxArray {
  let bytes: Uint8Array;
  let name: string;
  if (typeof file === 'string') {
    name = source ?? file;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new Error(`nodegrad.readIdx: cannot read ${name}: ${(e as Error).message}`);
    }
  } else if (file instanceof Uint8Array) {
    name = source ?? '<buffer>';
    bytes = file;
  } else {
    throw new TypeError(`nodegrad.readIdx: expected file to be a path or a Uint8Array, got ${file === null ? 'null' : typeof file}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // Deflate cannot expand more than ~1032:1, so a larger output means a corrupt (or hostile) stream.
      bytes = zlib.gunzipSync(bytes, { maxOutputLength: Math.min(2 ** 31 - 1, bytes.length * 1040 + 1024) });
    } catch (e) {
      fail(name, `corrupt gzip data (${(e as Error).message})`);
    }
  }
  return parseIdx(bytes, name);
}

function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) fail(name, `file is ${bytes.length} bytes, shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(name, `bad magic number (first two bytes must be zero): not an IDX file`);
  const info = TYPES[bytes[2] as keyof typeof TYPES];
  if (!info) fail(name, `unknown element type 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) fail(name, `truncated header: ${rank} dimensions need ${headerBytes} bytes, file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d; // at most 255 factors below 2^32: compared with the file size below before any allocation
  }
  const available = bytes.length - headerBytes;
  const needed = count * info.bytes;
  if (needed > available) {
    fail(name, `truncated: dimensions [${dims.join(', ')}] need ${needed} bytes of ${info.type} data, file has ${available}`);
  }
  if (needed < available) fail(name, `${available - needed} unexpected bytes after the data of dimensions [${dims.join(', ')}]`);

  const at = headerBytes;
  switch (info.type) {
    case 'uint8': return { type: info.type, dims, data: bytes.slice(at) };
    case 'int8': return { type: info.type, dims, data: new Int8Array(bytes.slice(at).buffer) };
    default: {
      const data = new { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[info.type](count);
      const get = { int16: view.getInt16, int32: view.getInt32, float32: view.getFloat32, float64: view.getFloat64 }[info.type];
      for (let i = 0; i < count; i++) data[i] = get.call(view, at + i * info.bytes, false);
      return { type: info.type, dims, data };
    }
  }
}
