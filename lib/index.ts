/** nodegrad: deep learning for Node.js. This file is the whole public surface. */
export {
  backend,
  cpuInfo,
  getBackend,
  getNumThreads,
  nativeUnavailableReason,
  setBackend,
  setNumThreads,
} from './backend/index.js';
export type { BackendName, CpuInfo, FloatArray, Kernels } from './backend/index.js';
export { jsKernels } from './backend/js/index.js';
export { nativeAddon } from './backend/native.js';
