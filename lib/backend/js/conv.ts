/** JS twin of the conv kernel family. */
import type { ConvKernels } from '../kernels/conv.js';

export const convJs: ConvKernels = {};
