/**
 * Loads the native addon (a prebuild from prebuilds/<platform>-<arch>/ or a local build/Release build,
 * found by node-gyp-build) and adapts it to the Kernels interface. A missing or broken addon is not fatal:
 * nodegrad then runs on the JS twin and `nativeError()` says why.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { jsKernels } from './js/index.js';
import type { CpuInfo, Kernels } from './types.js';

/** The addon's own exports: the Kernels methods plus runtime controls. */
export interface NativeAddon extends Omit<Kernels, 'name'> {
  cpuInfo(): CpuInfo;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  workspaceBytes(): number;
  /** The FP32 FMA peak of one core for `isa` in GFLOP/s, timed by the thread's CPU clock (bench/suites/peak.ts). */
  benchPeak(isa: string, iterations: number): number;
  /** Debug: the FP control bits (MXCSR without exception flags, or FPCR) of the calling thread. */
  fpControl(): number;
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

const RUNTIME_EXPORTS = new Set(['cpuInfo', 'setNumThreads', 'getNumThreads', 'workspaceBytes', 'benchPeak', 'fpControl']);

/**
 * Every kernel the addon exports, over the JS twin: a kernel whose native version has not been written yet
 * runs on the twin (which accepts Float32Array too). `nativeKernelNames()` lists the ones that are native.
 */
function makeNativeKernels(a: NativeAddon): Kernels {
  const native: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(a)) {
    if (typeof value === 'function' && !RUNTIME_EXPORTS.has(key)) native[key] = value;
  }
  return { ...jsKernels, ...native, name: 'native' } as Kernels;
}

/** Names of the kernels implemented natively by the loaded addon (empty when it did not load). */
export function nativeKernelNames(): string[] {
  if (!addon) return [];
  return Object.keys(addon).filter((k) => typeof (addon as unknown as Record<string, unknown>)[k] === 'function' && !RUNTIME_EXPORTS.has(k));
}

export const nativeKernels: Kernels | null = addon ? makeNativeKernels(addon) : null;
