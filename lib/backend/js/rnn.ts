/** JS twin of the rnn kernel family. */
import type { RnnKernels } from '../kernels/rnn.js';

export const rnnJs: RnnKernels = {};
