/** Datasets: the interface, TensorDataset, Subset and randomSplit. */
import { defaultGenerator, type Generator } from '../ops/creation.js';
import { indexSelect } from '../ops/index_ops.js';
import { Tensor } from '../tensor.js';

/** A map-style dataset (PyTorch's __len__ and __getitem__). */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
  /**
   * Optional fast path: the collated batch for these indices (what the default collate would make of
   * `get(i)` for each), built in one pass. DataLoader uses it when it has no custom collate.
   */
  getBatch?(indices: readonly number[]): T;
}

function checkIndex(op: string, index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new RangeError(`nodegrad.${op}: expected an index in [${-length}, ${length}), got ${index}`);
  }
  return index < 0 ? index + length : index;
}

/** Samples are the i-th rows (along dim 0) of each tensor, which must share their first dim. */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new TypeError('nodegrad.TensorDataset: expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`nodegrad.TensorDataset: expected tensors[${i}] to be a Tensor, got ${t === null ? 'null' : typeof t}`);
      if (t.ndim === 0 || t.shape[0] !== tensors[0].shape[0]) {
        throw new RangeError(`nodegrad.TensorDataset: expected every tensor to have first dim ${tensors[0].shape[0] ?? '(rank >= 1)'}, got shape [${t.shape.join(', ')}] at ${i}`);
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    const i = checkIndex('TensorDataset.get', index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }

  getBatch(indices: readonly number[]): Tensor[] {
    return this.tensors.map((t) => indexSelect(t, 0, indices));
  }
}

/** The samples of `dataset` at `indices`, in that order. */
export class Subset<T> implements Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: readonly number[]) {
    indices.forEach((i) => checkIndex('Subset', i, dataset.length));
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex('Subset.get', index, this.length)]);
  }

  getBatch(indices: readonly number[]): T {
    const inner = indices.map((i) => this.indices[checkIndex('Subset.getBatch', i, this.length)]);
    if (this.dataset.getBatch) return this.dataset.getBatch(inner);
    throw new TypeError('nodegrad.Subset.getBatch: the underlying dataset has no getBatch');
  }
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
export function randperm(n: number, generator: Generator = defaultGenerator): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(generator.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths, which sum to its length, or
 * fractions summing to 1 (the remainder is dealt one by one to the first subsets, as PyTorch).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Array<Subset<T>> {
  if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length)) throw new TypeError('nodegrad.randomSplit: expected a dataset with length and get(i)');
  if (!Array.isArray(lengths) || lengths.length === 0 || lengths.some((l) => typeof l !== 'number' || !(l >= 0))) {
    throw new RangeError(`nodegrad.randomSplit: expected a non-empty list of non-negative lengths, got ${String(lengths)}`);
  }
  const n = dataset.length;
  let sizes = lengths.slice();
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && lengths.every((l) => l <= 1) && total !== n) {
    sizes = lengths.map((f) => Math.floor(n * f));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i] += 1;
  } else if (!lengths.every(Number.isInteger) || total !== n) {
    throw new RangeError(`nodegrad.randomSplit: expected lengths summing to the dataset's length ${n} (or fractions summing to 1), got [${lengths.join(', ')}]`);
  }
  const perm = randperm(n, generator);
  const out: Array<Subset<T>> = [];
  let at = 0;
  for (const s of sizes) {
    out.push(new Subset(dataset, perm.slice(at, at + s)));
    at += s;
  }
  return out;
}
