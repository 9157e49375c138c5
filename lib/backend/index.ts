/**
 * Backend selection. `backend()` is what every op calls; `setBackend('js')` swaps the whole kernel layer
 * for the pure-JS twin. float64 data always runs on the JS twin (the native kernels are float32).
 */
import { jsKernels } from './js/index.js';
import { nativeAddon, nativeError, nativeKernels } from './native.js';
import type { BackendName, CpuInfo, Kernels } from './types.js';

let current: Kernels = nativeKernels ?? jsKernels;

/** The kernels of the current backend. */
export function backend(): Kernels {
  return current;
}

/** The kernels that handle arrays of this dtype on the current backend. */
export function backendFor(dtype: 'float32' | 'float64'): Kernels {
  return dtype === 'float64' ? jsKernels : current;
}

export function setBackend(name: BackendName): void {
  if (name === 'js') current = jsKernels;
  else if (name === 'native') {
    if (!nativeKernels) throw new Error(`nodegrad.setBackend: the native addon is unavailable (${nativeError()})`);
    current = nativeKernels;
  } else {
    throw new RangeError(`nodegrad.setBackend: expected 'native' or 'js', got ${String(name)}`);
  }
}

export function getBackend(): BackendName {
  return current.name;
}

/** Why the native backend is unavailable, or null when it loaded. */
export function nativeUnavailableReason(): string | null {
  return nativeError();
}

/** The CPU, the instruction set in use and the thread count. */
export function cpuInfo(): CpuInfo {
  const addon = nativeAddon();
  if (addon) return addon.cpuInfo();
  return { arch: process.arch, isa: 'js', available: [], threads: 1 };
}

/** Threads used by native kernels (the caller included). No effect on the JS backend. */
export function setNumThreads(n: number): void {
  const addon = nativeAddon();
  if (addon) addon.setNumThreads(n);
  else if (!Number.isInteger(n) || n < 1) throw new RangeError(`nodegrad.setNumThreads: expected n to be an integer >= 1, got ${n}`);
}

export function getNumThreads(): number {
  return nativeAddon()?.getNumThreads() ?? 1;
}

export { jsKernels, nativeKernels, nativeAddon };
export type { BackendName, CpuInfo, FloatArray, Kernels } from './types.js';
