/** JS twin of the elementwise kernel family. */
import type { ElementwiseKernels } from '../kernels/elementwise.js';

export const elementwiseJs: ElementwiseKernels = {};
