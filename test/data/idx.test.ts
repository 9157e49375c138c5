import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readIdx } from '../../lib/data/idx.js';

/** An IDX file: type byte, dims, then big-endian values written by `put`. */
function idx(type: number, dims: number[], values: number[], put: (v: DataView, at: number, x: number) => void, size: number): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + size * values.length);
  const v = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  values.forEach((x, i) => put(v, 4 + 4 * dims.length + size * i, x));
  return out;
}

const u8 = (dims: number[], values: number[]) => idx(0x08, dims, values, (v, at, x) => v.setUint8(at, x), 1);

describe('readIdx', () => {
  it('reads every element type, big-endian', () => {
    const a = readIdx(u8([2, 3], [0, 1, 2, 253, 254, 255]));
    expect(a).toMatchObject({ type: 'uint8', dims: [2, 3] });
    expect(Array.from(a.data)).toEqual([0, 1, 2, 253, 254, 255]);
    expect(Array.from(readIdx(idx(0x09, [2], [-128, 127], (v, at, x) => v.setInt8(at, x), 1)).data)).toEqual([-128, 127]);
    expect(Array.from(readIdx(idx(0x0b, [2], [-300, 300], (v, at, x) => v.setInt16(at, x, false), 2)).data)).toEqual([-300, 300]);
    expect(Array.from(readIdx(idx(0x0c, [1], [-70000], (v, at, x) => v.setInt32(at, x, false), 4)).data)).toEqual([-70000]);
    expect(Array.from(readIdx(idx(0x0d, [2], [1.5, -0.25], (v, at, x) => v.setFloat32(at, x, false), 4)).data)).toEqual([1.5, -0.25]);
    const d = readIdx(idx(0x0e, [1, 1], [Math.PI], (v, at, x) => v.setFloat64(at, x, false), 8));
    expect(d.type).toBe('float64');
    expect(d.data[0]).toBe(Math.PI);
  });

  it('reads a gzipped file from disk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-idx-'));
    const file = path.join(dir, 'x-idx1-ubyte.gz');
    fs.writeFileSync(file, zlib.gzipSync(u8([3], [7, 8, 9])));
    expect(Array.from(readIdx(file).data)).toEqual([7, 8, 9]);
    fs.rmSync(dir, { recursive: true });
  });

  const bad: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /shorter than the 4-byte magic/],
    ['bad magic', Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), /bad magic/],
    ['unknown type', Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), /unknown element type 0x0a/],
    ['truncated header', Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]), /truncated header: 3 dimensions need 16 bytes/],
    ['truncated data', u8([10, 10], new Array(100).fill(1)).subarray(0, 50), /truncated: dimensions \[10, 10\] need 100 bytes of uint8 data, file has 38/],
    ['trailing bytes', Uint8Array.from([...u8([2], [1, 2]), 9]), /1 unexpected bytes/],
    ['absurd dims', u8([0xffffffff, 0xffffffff, 0xffffffff], []), /truncated/],
    ['corrupt gzip', Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), /corrupt gzip/],
    ['gzip member followed by garbage', Uint8Array.from([...zlib.gzipSync(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 7])), 1, 2, 3]), /corrupt gzip|unexpected/],
  ];
  for (const [name, bytes, message] of bad) {
    it(`throws on ${name}, naming the file`, () => {
      expect(() => readIdx(bytes, 'images.idx')).toThrow(RangeError);
      expect(() => readIdx(bytes, 'images.idx')).toThrow(message);
      expect(() => readIdx(bytes, 'images.idx')).toThrow(/^nodegrad\.readIdx: images\.idx: /);
    });
  }

  it('throws a clear error for a missing file and a wrong argument', () => {
    expect(() => readIdx('/nonexistent/train-images-idx3-ubyte')).toThrow(/cannot read \/nonexistent\/train-images-idx3-ubyte/);
    expect(() => readIdx(3 as unknown as string)).toThrow(TypeError);
  });
});
