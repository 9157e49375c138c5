/** DataLoader: batches of a dataset, optionally shuffled with a seeded generator. */
import { defaultGenerator, Generator, tensor } from '../ops/creation.js';
import { stack } from '../ops/shape.js';
import { Tensor } from '../tensor.js';
import { type Dataset, randperm } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  /** A new random order every epoch. */
  shuffle?: boolean;
  /** Seeds this loader's own generator (epoch k's order then depends only on the seed and k). */
  seed?: number;
  /** The generator to shuffle with (default: the global one, seeded by manualSeed). */
  generator?: Generator;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Builds a batch from samples; the default stacks tensors (see defaultCollate). */
  collate?: (samples: T[]) => B;
}

/**
 * Stacks samples along a new dim 0: tensors are stacked, numbers become a 1-D tensor, arrays and objects
 * are collated position by position / key by key (so [x, y] samples give [xs, ys] batches).
 */
export function defaultCollate(samples: unknown[]): unknown {
  const first = samples[0];
  if (first instanceof Tensor) return stack(samples as Tensor[], 0);
  if (typeof first === 'number') return tensor(samples as number[]);
  if (Array.isArray(first)) return first.map((_, k) => defaultCollate(samples.map((s) => (s as unknown[])[k])));
  if (first !== null && typeof first === 'object') {
    return Object.fromEntries(Object.keys(first).map((k) => [k, defaultCollate(samples.map((s) => (s as Record<string, unknown>)[k]))]));
  }
  return samples;
}

/** Iterate with `for (const [x, y] of loader)`; every epoch (each new iteration) visits every sample once. */
export class DataLoader<T = unknown, B = T> implements Iterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;
  private readonly collate: ((samples: T[]) => B) | null;

  constructor(readonly dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, seed, generator, dropLast = false, collate } = options;
    if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length) || dataset.length < 0) {
      throw new TypeError('nodegrad.DataLoader: expected a dataset with length and get(i)');
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`nodegrad.DataLoader: expected batchSize to be an integer >= 1, got ${String(batchSize)}`);
    if (seed !== undefined && generator !== undefined) throw new TypeError('nodegrad.DataLoader: expected seed or generator, not both');
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new RangeError(`nodegrad.DataLoader: expected seed to be an integer in [0, 2^32), got ${String(seed)}`);
    if (generator !== undefined && !(generator instanceof Generator)) throw new TypeError('nodegrad.DataLoader: expected generator to be a Generator');
    for (const [name, v] of [['shuffle', shuffle], ['dropLast', dropLast]] as const) {
      if (typeof v !== 'boolean') throw new TypeError(`nodegrad.DataLoader: expected ${name} to be a boolean, got ${String(v)}`);
    }
    if (collate !== undefined && typeof collate !== 'function') throw new TypeError('nodegrad.DataLoader: expected collate to be a function');
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = seed !== undefined ? new Generator(seed) : generator ?? defaultGenerator;
    this.collate = collate ?? null;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const order = this.shuffle ? randperm(n, this.generator) : Array.from({ length: n }, (_, i) => i);
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.slice(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      if (this.collate) yield this.collate(indices.map((i) => this.dataset.get(i)));
      else if (this.dataset.getBatch) yield this.dataset.getBatch(indices) as unknown as B;
      else yield defaultCollate(indices.map((i) => this.dataset.get(i))) as B;
    }
  }
}
