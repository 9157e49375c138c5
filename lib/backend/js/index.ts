/** The pure-JS twin of every native kernel: the test reference and the benchmark baseline. */
import type { Kernels } from '../types.js';
import { convJs } from './conv.js';
import { elementwiseJs } from './elementwise.js';
import { gemm } from './gemm.js';
import { optimJs } from './optim.js';
import { poolJs } from './pool.js';
import { rnnJs } from './rnn.js';

export const jsKernels: Kernels = {
  name: 'js',
  gemm,
  ...elementwiseJs,
  ...convJs,
  ...poolJs,
  ...rnnJs,
  ...optimJs,
};
