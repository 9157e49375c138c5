/**
 * State dicts ↔ safetensors files. Tensors are written as F32 or F64 (their dtype); tensors marked with
 * `markInt64` (integer counters that PyTorch keeps as int64, such as BatchNorm's num_batches_tracked) as I64.
 * On load, F32 → float32, F64 → float64, F16/BF16 → float32, I64 → float64 marked int64 (exact up to 2^53).
 */
import fs from 'node:fs';
import { Tensor } from '../tensor.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from './safetensors.js';

const int64Tensors = new WeakSet<Tensor>();

/** Marks a tensor as int64-valued so safetensors stores it as I64. Returns it. */
export function markInt64<T extends Tensor>(t: T): T {
  int64Tensors.add(t);
  return t;
}

export function isInt64(t: Tensor): boolean {
  return int64Tensors.has(t);
}

export const PRODUCER = 'nodegrad 0.1.0';

/** A state dict as safetensors bytes, with `__metadata__` {format: 'pt', producer, ...metadata}. */
export function encodeStateDict(dict: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  if (dict === null || typeof dict !== 'object') throw new TypeError(`nodegrad.save: expected a state dict object, got ${dict === null ? 'null' : typeof dict}`);
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of Object.entries(dict)) {
    if (!(t instanceof Tensor)) throw new TypeError(`nodegrad.save: expected '${name}' to be a Tensor, got ${t === null ? 'null' : typeof t}`);
    const shape = t.shape.slice();
    const data = t.data;
    if (int64Tensors.has(t)) {
      const ints = new BigInt64Array(data.length);
      for (let i = 0; i < data.length; i++) {
        if (!Number.isSafeInteger(data[i])) throw new RangeError(`nodegrad.save: expected integer values in int64 tensor '${name}', got ${data[i]}`);
        ints[i] = BigInt(data[i]);
      }
      raw.set(name, { dtype: 'I64', shape, data: ints });
    } else {
      raw.set(name, { dtype: data instanceof Float64Array ? 'F64' : 'F32', shape, data });
    }
  }
  return encodeSafetensors(raw, { format: 'pt', producer: PRODUCER, ...metadata });
}

/** Safetensors bytes as a state dict of fresh tensors, in file order. */
export function decodeStateDict(bytes: Uint8Array, source = '<buffer>'): { dict: Record<string, Tensor>; metadata: Record<string, string> | null } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const dict: Record<string, Tensor> = {};
  for (const [name, t] of tensors) {
    if (t.dtype === 'I64') {
      const ints = t.data as BigInt64Array;
      const vals = new Float64Array(ints.length);
      for (let i = 0; i < ints.length; i++) {
        if (ints[i] > 2n ** 53n || ints[i] < -(2n ** 53n)) throw new RangeError(`nodegrad.load: ${source}: int64 tensor '${name}' holds ${ints[i]}, beyond 2^53`);
        vals[i] = Number(ints[i]);
      }
      dict[name] = markInt64(new Tensor(vals, t.shape));
    } else {
      dict[name] = new Tensor(t.data as Float32Array | Float64Array, t.shape);
    }
  }
  return { dict, metadata };
}

/** Writes a state dict (e.g. `model.stateDict()`) to a safetensors file that PyTorch's `load_file` reads. */
export function save(dict: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  if (typeof path !== 'string') throw new TypeError(`nodegrad.save: expected path to be a string, got ${typeof path}`);
  fs.writeFileSync(path, encodeStateDict(dict, metadata));
}

/** Reads a safetensors file into a state dict. Malformed or truncated files throw (see decodeSafetensors). */
export function load(path: string): Record<string, Tensor> {
  if (typeof path !== 'string') throw new TypeError(`nodegrad.load: expected path to be a string, got ${typeof path}`);
  return decodeStateDict(fs.readFileSync(path), path).dict;
}

/** Reads a file's `__metadata__` and tensors. */
export function loadWithMetadata(path: string): { dict: Record<string, Tensor>; metadata: Record<string, string> | null } {
  return decodeStateDict(fs.readFileSync(path), path);
}
