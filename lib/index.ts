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
export * as optim from './optim/index.js';
export { decodeSafetensors, encodeSafetensors } from './io/safetensors.js';
export type { RawTensor, SafetensorsContents } from './io/safetensors.js';
export * as nn from './nn/index.js';
export * as data from './data/index.js';
export { DataLoader, TensorDataset, loadMnist, MnistDataset, randomSplit, readIdx } from './data/index.js';
export type { Dataset } from './data/index.js';
export { decodeOptimizerState, encodeOptimizerState, loadOptimizerState, saveOptimizerState } from './io/optimizer_state.js';
export { encodeOnnx, exportOnnx } from './io/onnx.js';
export type { OnnxExportOptions } from './io/onnx.js';
export { decodeStateDict, encodeStateDict, isInt64, load, loadWithMetadata, markInt64, save } from './io/state.js';
export { Tensor } from './tensor.js';
export type { DType, TensorLike } from './tensor.js';
export * from './ops/index.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd/grad_mode.js';
export { gradcheck } from './autograd/gradcheck.js';
export type { GradcheckOptions } from './autograd/gradcheck.js';
