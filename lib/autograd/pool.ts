/**
 * A size-bucketed pool of recycled Float32Array/Float64Array buffers (DESIGN.md "Allocation is a
 * performance feature"): touching fresh pages costs more than the math on small layers, so buffers that
 * are provably dead are reused instead of left to the GC.
 *
 * What is provably dead: every buffer an op allocates while the engine runs backward. Backward functions
 * keep nothing, leaf and retained gradients are copied into buffers allocated outside the arena, so when
 * backward returns, nothing reachable by the user can point into the arena. Forward outputs are never
 * recycled (the user may hold them); they come from the pool and go back to the GC.
 */
import type { FloatArray } from '../backend/types.js';

/** Smaller buffers live on the V8 heap, where allocation is cheap: not worth pooling. */
const MIN_POOLED = 1024;
/** Buffers kept per (dtype, length); more are left to the GC. */
const MAX_PER_BUCKET = 8;

const free32 = new Map<number, Float32Array[]>();
const free64 = new Map<number, Float64Array[]>();
let arena: Set<FloatArray> | null = null;
let stats = { reused: 0, fresh: 0 };

/** A zero-filled buffer of n elements, recycled when one of that length is free. */
export function allocBuffer(f64: boolean, n: number): FloatArray {
  let a: FloatArray | undefined;
  if (n >= MIN_POOLED) {
    a = f64 ? free64.get(n)?.pop() : free32.get(n)?.pop();
    if (a !== undefined) {
      a.fill(0);
      stats.reused++;
    } else stats.fresh++;
    if (arena !== null) (a ??= f64 ? new Float64Array(n) : new Float32Array(n), arena.add(a));
  }
  return a ?? (f64 ? new Float64Array(n) : new Float32Array(n));
}

function release(a: FloatArray): void {
  const map = (a instanceof Float64Array ? free64 : free32) as Map<number, FloatArray[]>;
  let bucket = map.get(a.length);
  if (bucket === undefined) map.set(a.length, (bucket = []));
  if (bucket.length < MAX_PER_BUCKET && !bucket.includes(a)) bucket.push(a);
}

/** Runs fn with every pooled-size allocation recorded, then returns those buffers to the pool. */
export function withArena<T>(fn: () => T): T {
  const outer = arena;
  const mine = new Set<FloatArray>();
  arena = mine;
  try {
    return fn();
  } finally {
    arena = outer;
    for (const a of mine) release(a);
  }
}

/**
 * Takes a buffer allocated in the current arena out of it, so it survives the arena (a gradient handed to
 * a leaf without a copy). False when the buffer does not belong to the arena.
 */
export function adopt(a: FloatArray): boolean {
  return arena !== null && arena.delete(a);
}

/** Runs fn with allocations kept out of the current arena (for buffers that outlive it). */
export function outsideArena<T>(fn: () => T): T {
  const outer = arena;
  arena = null;
  try {
    return fn();
  } finally {
    arena = outer;
  }
}

/** Pool counters since the last reset (bench and tests). */
export function poolStats(): { reused: number; fresh: number } {
  return { ...stats };
}

/** Empties the pool and resets the counters. */
export function clearPool(): void {
  free32.clear();
  free64.clear();
  stats = { reused: 0, fresh: 0 };
}
