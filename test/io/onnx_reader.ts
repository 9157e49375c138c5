/**
 * A protobuf wire-format reader for the tests: it decodes the exported bytes into fields independently of the
 * encoder, so a test can check the ModelProto's structure (versions, names, raw bytes) field by field.
 */

export type Field = { field: number; wire: number; int: bigint; bytes: Uint8Array };

export function readFields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= b.length) throw new Error('truncated varint');
      const byte = b[at++];
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return v;
    }
  };
  while (at < b.length) {
    const tag = Number(varint());
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ field, wire, int: varint(), bytes: new Uint8Array() });
    else if (wire === 2) {
      const n = Number(varint());
      if (at + n > b.length) throw new Error(`field ${field}: length ${n} runs past the end`);
      out.push({ field, wire, int: 0n, bytes: b.subarray(at, at + n) });
      at += n;
    } else if (wire === 5) {
      out.push({ field, wire, int: 0n, bytes: b.subarray(at, at + 4) });
      at += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

export const all = (b: Uint8Array, field: number) => readFields(b).filter((f) => f.field === field);
export const one = (b: Uint8Array, field: number): Field => {
  const fs = all(b, field);
  if (fs.length !== 1) throw new Error(`expected one field ${field}, got ${fs.length}`);
  return fs[0];
};
export const str = (f: Field) => new TextDecoder().decode(f.bytes);

/** A packed varint list as signed int64 values. */
export function packed(f: Field): number[] {
  const b = f.bytes;
  const out: number[] = [];
  let v = 0n;
  let shift = 0n;
  for (const byte of b) {
    v |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (byte < 0x80) {
      out.push(Number(BigInt.asIntN(64, v)));
      v = 0n;
      shift = 0n;
    }
  }
  return out;
}
