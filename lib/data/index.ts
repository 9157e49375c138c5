/** `data`: datasets, the DataLoader and the MNIST reader. */
export { randomSplit, randperm, Subset, TensorDataset } from './dataset.js';
export type { Dataset } from './dataset.js';
export { DataLoader, defaultCollate } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { readIdx } from './idx.js';
export type { IdxArray, IdxData } from './idx.js';
export { loadMnist, mnistDataDir, MnistDataset, MNIST_MEAN, MNIST_STD } from './mnist.js';
export type { MnistOptions } from './mnist.js';
