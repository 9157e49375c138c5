/** JS twin of the optim kernel family. */
import type { OptimKernels } from '../kernels/optim.js';

export const optimJs: OptimKernels = {};
