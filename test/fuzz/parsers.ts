/**
 * Fuzz properties for the file parsers (TypeScript, so fuzzed with fast-check rather than libFuzzer):
 * valid safetensors and IDX files (plain and gzipped) damaged by byte flips, truncation, inserted bytes and
 * header rewrites that lie about lengths, shapes and offsets. Each decode either succeeds or throws a
 * RangeError prefixed with the parser's name, and never allocates more ArrayBuffer memory than the file's
 * size implies (measured as process.memoryUsage().arrayBuffers before and after, so an allocation made and
 * abandoned by a throw still counts). Used by test/safety/parsers.test.ts (fixed seed, modest runs) and by
 * `npm run fuzz` (time-boxed, random seed).
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { readIdx } from '../../lib/data/idx.js';
import { decodeSafetensors } from '../../lib/io/safetensors.js';

/** A small file with every dtype the reader takes (F16 written by hand: the writer does not produce it). */
function safetensorsSample(): Uint8Array {
  const header = {
    w: { dtype: 'F32', shape: [3, 2], data_offsets: [0, 24] },
    b: { dtype: 'F32', shape: [3], data_offsets: [24, 36] },
    h: { dtype: 'F16', shape: [2], data_offsets: [36, 40] },
    n: { dtype: 'I64', shape: [], data_offsets: [40, 48] },
    d: { dtype: 'F64', shape: [1, 2], data_offsets: [48, 64] },
    __metadata__: { format: 'pt' },
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + json.length + 64);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const at = 8 + json.length;
  [1, 2, 3, 4, 5, 6, 0.5, -1, 2].forEach((x, i) => v.setFloat32(at + 4 * i, x, true));
  v.setUint16(at + 36, 0x3c00, true);
  v.setUint16(at + 38, 0xc000, true);
  v.setBigInt64(at + 40, 7n, true);
  v.setFloat64(at + 48, Math.PI, true);
  v.setFloat64(at + 56, -0, true);
  return out;
}

function idxSample(type: number, size: number): Uint8Array {
  const dims = [3, 2, 2];
  const out = new Uint8Array(4 + 4 * dims.length + 12 * size);
  const v = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < 12 * size; i++) out[4 + 4 * dims.length + i] = (i * 37) & 0xff;
  return out;
}

const IDX_TYPES: Array<[number, number]> = [[0x08, 1], [0x09, 1], [0x0b, 2], [0x0c, 4], [0x0d, 4], [0x0e, 8]];

/** A damage recipe: flips, a cut, an insertion, and a 32/64-bit field overwritten with a lying value. */
export const damage = fc.record({
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 16 })), { nil: undefined }),
  lie: fc.option(fc.tuple(fc.nat(), fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 2 ** 31, 2 ** 53 - 1, 2 ** 63, 2 ** 64 - 1)), { nil: undefined }),
  headerEdit: fc.option(fc.tuple(fc.constantFrom('shape', 'data_offsets', 'dtype'), fc.jsonValue()), { nil: undefined }),
});
export type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function apply(good: Uint8Array, d: Damage, bigEndian: boolean): Uint8Array {
  let bad = good.slice();
  if (d.lie && bad.length >= 8) {
    const at = d.lie[0] % (bad.length - 7), v = new DataView(bad.buffer);
    if (d.lie[1] > 0xffffffff) v.setBigUint64(at, BigInt(Math.min(d.lie[1], 2 ** 64 - 1)) & (2n ** 64n - 1n), !bigEndian);
    else v.setUint32(at, d.lie[1], !bigEndian);
  }
  if (d.insert) {
    const at = d.insert[0] % (bad.length + 1);
    bad = Uint8Array.from([...bad.subarray(0, at), ...d.insert[1], ...bad.subarray(at)]);
  }
  for (const [i, v] of d.flips) if (bad.length) bad[i % bad.length] = v;
  if (d.cut !== undefined) bad = bad.subarray(0, d.cut % (bad.length + 1));
  return bad;
}

/** A safetensors header rewritten so one entry's field lies (a valid JSON file with wrong numbers). */
function editHeader(good: Uint8Array, field: string, value: unknown): Uint8Array {
  const n = Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(good.subarray(8, 8 + n)).toString('utf8'));
  header.w[field] = value;
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + json.length + good.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(good.subarray(8 + n), 8 + json.length);
  return out;
}

/** Headroom for the decoder's own small buffers (JSON text, views) besides what the file implies. */
const SLACK = 1 << 16;

function checkOne(decode: () => unknown, prefix: RegExp, limit: number, what: string): void {
  const before = process.memoryUsage().arrayBuffers;
  try {
    decode();
  } catch (e) {
    if (!(e instanceof RangeError) || !prefix.test(e.message)) throw new Error(`${what}: expected a RangeError matching ${prefix}, got ${String(e)}`);
  }
  const grew = process.memoryUsage().arrayBuffers - before;
  if (grew > limit) throw new Error(`${what}: allocated ${grew} bytes, more than the ${limit} the file size implies`);
}

const SAFETENSORS = safetensorsSample();

export const safetensorsProperty = fc.property(damage, (d) => {
  let bad = apply(SAFETENSORS, d, false);
  if (d.headerEdit) bad = apply(editHeader(SAFETENSORS, d.headerEdit[0], d.headerEdit[1]), { ...d, headerEdit: undefined, lie: undefined }, false);
  // F16 widens to F32: at most twice the file, plus the decoder's own small buffers.
  checkOne(() => decodeSafetensors(bad, 'fuzz.safetensors'), /^nodegrad\.safetensors: fuzz\.safetensors: /, 2 * bad.length + SLACK, 'safetensors');
});

export const idxProperty = fc.property(fc.constantFrom(...IDX_TYPES), fc.boolean(), damage, ([type, size], gzip, d) => {
  const raw = apply(idxSample(type, size), d, true);
  const bad = gzip ? zlib.gzipSync(raw) : raw;
  // Elements become at most 8-byte numbers (a float64 per uint8 would be 8x the bytes); for a gzipped
  // file, of the bytes it really inflates to (not of what its header claims), plus zlib's output chunks.
  const limit = 8 * raw.length + (gzip ? 2 : 1) * SLACK;
  checkOne(() => readIdx(bad, 'fuzz.idx'), /^nodegrad\.readIdx: fuzz\.idx: /, limit, 'idx');
});
