/** The pure-JS twin of every native kernel: the test reference and the benchmark baseline. */
import type { Kernels } from '../types.js';
import { gemm } from './gemm.js';

export const jsKernels: Kernels = {
  name: 'js',
  gemm,
};
