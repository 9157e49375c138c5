/**
 * Loads the native addon (a prebuild from prebuilds/<platform>-<arch>/ or a local build/Release build,
 * found by node-gyp-build) and adapts it to the Kernels interface. A missing or broken addon is not fatal:
 * nodegrad then runs on the JS twin and `nativeError()` says why.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { CpuInfo, Kernels } from './types.js';

/** The addon's own exports: the Kernels methods plus runtime controls. */
export interface NativeAddon extends Omit<Kernels, 'name'> {
  cpuInfo(): CpuInfo;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  workspaceBytes(): number;
}

// lib/backend/native.ts and dist/backend/native.js both sit two levels below the package root.
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let addon: NativeAddon | null = null;
let loadError: string | null = null;
try {
  const require = createRequire(import.meta.url);
  const load = require('node-gyp-build') as (dir: string) => NativeAddon;
  addon = load(packageRoot);
} catch (e) {
  loadError = e instanceof Error ? e.message : String(e);
}

/** The raw addon, or null when it could not be loaded. */
export function nativeAddon(): NativeAddon | null {
  return addon;
}

/** Why the addon is unavailable, or null when it loaded. */
export function nativeError(): string | null {
  return loadError;
}

function makeNativeKernels(a: NativeAddon): Kernels {
  return {
    name: 'native',
    gemm: a.gemm,
  };
}

export const nativeKernels: Kernels | null = addon ? makeNativeKernels(addon) : null;
