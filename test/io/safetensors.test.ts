import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSafetensors, encodeSafetensors, halfToFloat, type RawTensor } from '../../lib/io/safetensors.js';
import { rng } from '../helpers/rng.js';

/** Builds a file from a literal header object and a data section, the way a foreign (or hostile) writer might. */
function file(header: unknown, data: Uint8Array | number = 0, headerText?: string): Uint8Array {
  const json = Buffer.from(headerText ?? JSON.stringify(header), 'utf8');
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function sample(): Map<string, RawTensor> {
  const r = rng(1);
  return new Map<string, RawTensor>([
    ['0.weight', { dtype: 'F32', shape: [3, 2], data: r.f32(6) }],
    ['0.bias', { dtype: 'F32', shape: [3], data: r.f32(3) }],
    ['bn.num_batches_tracked', { dtype: 'I64', shape: [], data: new BigInt64Array([7n]) }],
    ['x64', { dtype: 'F64', shape: [2, 1, 2], data: new Float64Array([Math.PI, -0, 1e-300, Infinity]) }],
    ['empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) }],
  ]);
}

describe('safetensors round trip', () => {
  it('decodes what it encodes, bit for bit, with metadata', () => {
    const tensors = sample();
    const bytes = encodeSafetensors(tensors, { format: 'pt', producer: 'nodegrad' });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', producer: 'nodegrad' });
    expect([...back.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const b = back.tensors.get(name)!;
      expect(b.dtype).toBe(t.dtype);
      expect(b.shape).toEqual(t.shape);
      expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength))
        .toEqual(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
  });

  it('pads the header to 8 bytes and aligns 8-byte dtypes first', () => {
    const bytes = encodeSafetensors(sample());
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
    expect(header.__metadata__).toBeUndefined();
    // I64/F64 come first (sorted by name), then F32: every tensor starts on a multiple of its item size.
    const order = Object.entries(header as Record<string, { data_offsets: number[]; dtype: string }>)
      .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]).map(([k]) => k);
    expect(order).toEqual(['bn.num_batches_tracked', 'x64', '0.bias', '0.weight', 'empty']);
    for (const v of Object.values(header as Record<string, { data_offsets: number[]; dtype: string }>)) {
      expect((8 + n + v.data_offsets[0]) % (v.dtype === 'F32' ? 4 : 8)).toBe(0);
    }
  });

  it('reads F16 and BF16 as F32', () => {
    // 1.0, -2.0, 65504 (max half), smallest subnormal, -inf, NaN
    const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0xfc00, 0x7e00];
    const bf = [0x3f80, 0xc040, 0x7f80, 0x0001];
    const data = new Uint8Array(2 * (halves.length + bf.length));
    const dv = new DataView(data.buffer);
    [...halves, ...bf].forEach((h, i) => dv.setUint16(2 * i, h, true));
    const back = decodeSafetensors(file({
      h: { dtype: 'F16', shape: [6], data_offsets: [0, 12] },
      b: { dtype: 'BF16', shape: [2, 2], data_offsets: [12, 20] },
    }, data));
    expect(Array.from(back.tensors.get('h')!.data as Float32Array)).toEqual([1, -2, 65504, 2 ** -24, -Infinity, NaN]);
    expect(back.tensors.get('b')!.dtype).toBe('F32');
    expect(Array.from(back.tensors.get('b')!.data as Float32Array)).toEqual([1, -3, Infinity, Math.fround(9.183549615799121e-41)]);
    expect(halfToFloat(0x8000)).toBe(-0);
  });

  it('accepts zero-size tensors sharing an offset and a file with no tensors', () => {
    const back = decodeSafetensors(file({
      a: { dtype: 'F32', shape: [0], data_offsets: [0, 0] },
      b: { dtype: 'F64', shape: [2, 0], data_offsets: [0, 0] },
    }));
    expect(back.tensors.size).toBe(2);
    expect(decodeSafetensors(file({})).tensors.size).toBe(0);
  });
});

describe('safetensors corrupted files', () => {
  const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: Array<[string, () => Uint8Array, RegExp]> = [
    ['empty file', () => new Uint8Array(0), /shorter than the 8-byte/],
    ['7 bytes', () => new Uint8Array(7), /shorter than the 8-byte/],
    ['header length past the end', () => file(ok, 8).subarray(0, 20), /runs past the end/],
    ['header length 2^64-1', () => { const b = file(ok, 8); new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true); return b; }, /exceeds the limit/],
    ['header length 0', () => { const b = file(ok, 8); new DataView(b.buffer).setBigUint64(0, 0n, true); return b; }, /too small/],
    ['header not starting with {', () => file(null, 8, ' {"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'), /start with '\{'/],
    ['invalid JSON', () => file(null, 8, '{"w": {'), /not valid UTF-8 JSON/],
    ['invalid UTF-8', () => { const b = file(null, 0, '{"a\u00e9":1}'); b[11] = 0xff; return b; }, /not valid UTF-8 JSON/],
    ['header an array', () => file(null, 0, '{}').fill(0x5b, 8, 9), /start with|JSON/],
    ['entry not an object', () => file({ w: 3 }), /not an object/],
    ['unknown dtype', () => file({ w: { dtype: 'F33', shape: [2], data_offsets: [0, 8] } }, 8), /unknown dtype/],
    ['unsupported dtype', () => file({ w: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } }, 8), /nodegrad reads/],
    ['dtype missing', () => file({ w: { shape: [2], data_offsets: [0, 8] } }, 8), /unknown dtype/],
    ['negative dim', () => file({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, 8), /invalid shape/],
    ['fractional dim', () => file({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 8] } }, 8), /invalid shape/],
    ['string dim', () => file({ w: { dtype: 'F32', shape: ['2'], data_offsets: [0, 8] } }, 8), /invalid shape/],
    ['shape not an array', () => file({ w: { dtype: 'F32', shape: 2, data_offsets: [0, 8] } }, 8), /invalid shape/],
    ['absurd shape', () => file({ w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, 8), /byte size/],
    ['shape vs bytes', () => file({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /byte size/],
    ['offsets reversed', () => file({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, 8), /invalid data_offsets/],
    ['offsets of length 3', () => file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8, 9] } }, 8), /invalid data_offsets/],
    ['offset past the end', () => file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4), /truncated/],
    ['huge offsets', () => file({ w: { dtype: 'F32', shape: [2 ** 50], data_offsets: [0, 2 ** 52] } }, 8), /truncated/],
    ['hole at start', () => file({ w: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), /hole/],
    ['hole between', () => file({
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    }, 12), /hole/],
    ['overlap', () => file({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
    }, 8), /overlaps/],
    ['duplicate names', () => file(null, 8, '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'), /hole/],
    ['trailing bytes', () => file(ok, 12), /unused bytes/],
    ['truncated data', () => file(ok, 8).subarray(0, file(ok, 8).length - 1), /truncated/],
    ['metadata not an object', () => file({ ...ok, __metadata__: 'pt' }, 8), /__metadata__ is not an object/],
    ['metadata non-string value', () => file({ ...ok, __metadata__: { n: 1 } }, 8), /is not a string/],
  ];
  for (const [name, make, message] of cases) {
    it(`throws on ${name}`, () => {
      expect(() => decodeSafetensors(make(), 'bad.safetensors')).toThrow(message);
      try { decodeSafetensors(make(), 'bad.safetensors'); } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        expect((e as Error).message).toMatch(/^nodegrad\.safetensors: bad\.safetensors: /);
      }
    });
  }

  it('rejects a non-Uint8Array with TypeError', () => {
    expect(() => decodeSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('random byte damage either decodes or throws RangeError', () => {
    const good = encodeSafetensors(sample(), { format: 'pt' });
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(good.length),
      (flips, cut) => {
        const bad = good.slice(0, cut === 0 ? good.length : cut);
        for (const [i, v] of flips) if (i < bad.length) bad[i] = v;
        try { decodeSafetensors(bad); } catch (e) { expect(e).toBeInstanceOf(RangeError); }
      },
    ), { seed: 42, numRuns: 500 });
  });
});

describe('safetensors writer checks', () => {
  it('rejects data that does not match the shape or dtype', () => {
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(/3 elements, got 2/);
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float64Array(2) } })).toThrow(TypeError);
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'F32', shape: [], data: new Float32Array(1) } })).toThrow(/__metadata__/);
  });
});
