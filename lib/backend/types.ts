import type { ConvKernels } from './kernels/conv.js';
import type { ElementwiseKernels } from './kernels/elementwise.js';
import type { GemmKernels } from './kernels/gemm.js';
import type { OptimKernels } from './kernels/optim.js';
import type { PoolKernels } from './kernels/pool.js';
import type { RnnKernels } from './kernels/rnn.js';

/**
 * The kernel interface both backends implement, at the level of raw typed arrays.
 *
 * Conventions shared by every kernel:
 * - Arrays are dense and row-major; matrices take an explicit leading dimension (elements between rows).
 * - Outputs are preallocated by the caller and written in place; kernels never allocate tensors.
 * - Sizes are non-negative integers. Invalid arguments throw TypeError/RangeError prefixed `nodegrad.<op>:`.
 * - The JS twin accepts Float32Array and Float64Array (the same code runs both); the native backend accepts
 *   Float32Array only.
 */
export type FloatArray = Float32Array | Float64Array;

export type BackendName = 'native' | 'js';

/**
 * Every kernel family. Each family's signatures live in lib/backend/kernels/<family>.ts, its JS twin in
 * lib/backend/js/<family>.ts, its binding in native/binding/<family>.cc.
 */
export interface Kernels extends GemmKernels, ElementwiseKernels, ConvKernels, PoolKernels, RnnKernels, OptimKernels {
  readonly name: BackendName;
}

/** What `cpuInfo()` reports. On the JS backend (addon unavailable) `isa` is 'js'. */
export interface CpuInfo {
  arch: string;
  isa: string;
  available: string[];
  threads: number;
}

