/** JS twin of the pool kernel family. */
import type { PoolKernels } from '../kernels/pool.js';

export const poolJs: PoolKernels = {};
