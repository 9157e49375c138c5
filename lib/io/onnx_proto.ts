/**
 * A minimal protobuf encoder for the ONNX messages the exporter writes (field numbers from onnx/onnx.proto,
 * INTEROP.md §3.1). Messages are built bottom-up: each one is encoded to bytes, then embedded in its parent as a
 * length-delimited field. Repeated integers are written packed, which proto2 parsers accept.
 */

const VARINT = 0;
const FIXED32 = 5;
const LEN = 2;

/** Accumulates the fields of one message. */
export class Message {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private tag(field: number, wire: number): void {
    this.push(varint(BigInt(field * 8 + wire)));
  }

  /** An int32/int64 field; negative values take ten bytes (two's complement), as protobuf requires. */
  int(field: number, v: number): this {
    this.tag(field, VARINT);
    this.push(varint(BigInt.asUintN(64, BigInt(checkInt(v)))));
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, LEN);
    this.push(varint(BigInt(b.length)));
    this.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Message): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated int64 field (nothing when empty). */
  packedInts(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const body = concat(values.map((v) => varint(BigInt.asUintN(64, BigInt(checkInt(v))))));
    return this.bytes(field, body);
  }

  finish(): Uint8Array {
    return concat(this.parts, this.size);
  }
}

function checkInt(v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`nodegrad.onnx: expected an integer field value, got ${v}`);
  return v;
}

function varint(v: bigint): Uint8Array {
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[], size = parts.reduce((s, p) => s + p.length, 0)): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** ONNX TensorProto.DataType and AttributeProto.AttributeType values used here. */
export const FLOAT = 1;
export const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;
const ATTR_STRINGS = 8;

export type AttrValue = number | number[] | { float: number } | { string: string } | { strings: string[] };

/** AttributeProto: numbers are INT, arrays INTS, `{float}` FLOAT, `{string}` STRING, `{strings}` STRINGS; `type` is always set. */
export function attribute(name: string, v: AttrValue): Message {
  const m = new Message().string(1, name);
  if (Array.isArray(v)) return m.packedInts(8, v).int(20, ATTR_INTS);
  if (typeof v === 'number') return m.int(3, v).int(20, ATTR_INT);
  if ('float' in v) return m.float(2, v.float).int(20, ATTR_FLOAT);
  if ('string' in v) return m.string(4, v.string).int(20, ATTR_STRING);
  for (const s of v.strings) m.string(9, s);
  return m.int(20, ATTR_STRINGS);
}

/** NodeProto. */
export function node(opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, AttrValue> = {}): Message {
  const m = new Message();
  for (const i of inputs) m.string(1, i);
  for (const o of outputs) m.string(2, o);
  m.string(3, name).string(4, opType);
  for (const [k, v] of Object.entries(attrs)) m.message(5, attribute(k, v));
  return m;
}

/** TensorProto with little-endian raw_data: FLOAT from a Float32Array, INT64 from a BigInt64Array. */
export function tensorProto(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): Message {
  const raw = new Uint8Array(data.byteLength);
  const view = new DataView(raw.buffer);
  if (data instanceof Float32Array) data.forEach((x, i) => view.setFloat32(i * 4, x, true));
  else data.forEach((x, i) => view.setBigInt64(i * 8, x, true));
  return new Message()
    .packedInts(1, dims)
    .int(2, data instanceof Float32Array ? FLOAT : INT64)
    .string(8, name)
    .bytes(9, raw);
}

/** ValueInfoProto of a FLOAT tensor; string dims are symbolic (dim_param). */
export function valueInfo(name: string, shape: ReadonlyArray<number | string>): Message {
  const dims = new Message();
  for (const d of shape) dims.message(1, typeof d === 'string' ? new Message().string(2, d) : new Message().int(1, d));
  const tensorType = new Message().int(1, FLOAT).message(2, dims);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

export interface ModelParts {
  nodes: Message[];
  initializers: Message[];
  inputs: Message[];
  outputs: Message[];
  graphName: string;
  producerVersion: string;
}

export const IR_VERSION = 8;
export const OPSET = 17;

/** ModelProto: IR 8 with the default-domain opset 17. */
export function model(p: ModelParts): Uint8Array {
  const graph = new Message();
  for (const n of p.nodes) graph.message(1, n);
  graph.string(2, p.graphName);
  for (const t of p.initializers) graph.message(5, t);
  for (const i of p.inputs) graph.message(11, i);
  for (const o of p.outputs) graph.message(12, o);
  return new Message()
    .int(1, IR_VERSION)
    .string(2, 'nodegrad')
    .string(3, p.producerVersion)
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, OPSET))
    .finish();
}
