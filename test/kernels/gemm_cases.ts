/**
 * GEMM test cases (TESTING.md T1) shared by test/kernels/gemm.test.ts and the child processes it starts with
 * NODEGRAD_ISA forced: each case runs one backend's `gemm` on float32 data with padded leading dimensions
 * (rogue values in A/B padding, a NaN sentinel in C padding) and compares with the JS twin in float64.
 */
import { jsKernels } from '../../lib/backend/index.js';
import type { Kernels } from '../../lib/backend/index.js';
import { EPS32, closeMismatch } from '../helpers/close.js';
import type { Rng } from '../helpers/rng.js';

export interface GemmCase {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  /** Extra elements per stored row of A, B and C. */
  pad: number;
  /** exact: small integers, bitwise comparison; random: uniform values within (k+2)·eps32·G. */
  exact: boolean;
  fill?: 'cNaN' | 'cInf' | 'aNaN';
}

const SENTINEL = 0x7fc0dea0; // NaN payload that must survive in C's padding
const ROGUE = -1e10;

/** Register tile (MR, NR) of each ISA's micro-kernel. */
export const TILES: Record<string, [number, number]> = { scalar: [4, 4], avx2: [6, 16], avx512: [14, 32], neon: [8, 12] };

function ld(cols: number, pad: number): number {
  return Math.max(cols, 1) + pad;
}
function span(rows: number, cols: number, ldv: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ldv + cols;
}

/** Runs one case; returns null when it passes, else what went wrong. */
export function checkGemm(gemm: Kernels['gemm'], c: GemmCase, r: Rng): string | null {
  const { m, n, k, transA, transB, alpha, beta, pad } = c;
  const aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
  const lda = ld(aCols, pad), ldb = ld(bCols, pad), ldc = ld(n, pad);
  const value = () => (c.exact ? r.int(-3, 3) : r.uniform(-1, 1));
  const filled = (len: number, ldv: number, cols: number, padValue: number) => {
    const out = new Float32Array(len);
    for (let i = 0; i < len; i++) out[i] = i % ldv < cols ? value() : padValue;
    return out;
  };
  const A = filled(span(aRows, aCols, lda), lda, aCols, ROGUE);
  const B = filled(span(bRows, bCols, ldb), ldb, bCols, ROGUE);
  const C = filled(span(m, n, ldc), ldc, n, 0);
  const cBits = new Uint32Array(C.buffer);
  for (let i = 0; i < C.length; i++) {
    if (i % ldc >= n) cBits[i] = SENTINEL;
    else if (c.fill === 'cNaN') C[i] = NaN;
    else if (c.fill === 'cInf') C[i] = i % 2 ? Infinity : -Infinity;
  }
  if (c.fill === 'aNaN' && A.length > 0) A[0] = NaN;
  const A0 = A.slice(), B0 = B.slice(), C0 = C.slice();

  gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);

  const label = `m=${m} n=${n} k=${k} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta} pad=${pad} ${c.exact ? 'exact' : 'random'}${c.fill ? ' ' + c.fill : ''}`;
  if (!sameBits(A, A0) || !sameBits(B, B0)) return `${label}: A or B was modified`;
  const c0Bits = new Uint32Array(C0.buffer);
  for (let i = 0; i < C.length; i++) {
    if (i % ldc >= n && cBits[i] !== c0Bits[i]) return `${label}: C padding element ${i} was overwritten`;
  }
  // Reference and G = |alpha|·|A|·|B| + |beta|·|C0| in float64, compacted to m x n.
  const ref = new Float64Array(m * n), g = new Float64Array(m * n);
  const ref64 = Float64Array.from(C0), g64 = Float64Array.from(C0, Math.abs);
  jsKernels.gemm(transA, transB, m, n, k, alpha, Float64Array.from(A0), lda, Float64Array.from(B0), ldb, beta, ref64, ldc);
  if (alpha !== 0) {
    jsKernels.gemm(transA, transB, m, n, k, Math.abs(alpha), Float64Array.from(A0, Math.abs), lda, Float64Array.from(B0, Math.abs), ldb, Math.abs(beta), g64, ldc);
  }
  const got = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      got[i * n + j] = C[i * ldc + j];
      ref[i * n + j] = ref64[i * ldc + j];
      g[i * n + j] = alpha === 0 ? Math.abs(beta * C0[i * ldc + j]) : g64[i * ldc + j];
    }
  }
  if (c.exact) {
    for (let i = 0; i < got.length; i++) {
      // Exact mode: every partial sum is exact, so the only freedom is the sign of a zero.
      const a = got[i] + 0, e = Math.fround(ref[i]) + 0;
      if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) return `${label}: element ${i}: got ${a}, expected exactly ${e}`;
    }
    return null;
  }
  const bad = closeMismatch(got, ref, (i) => (k + 2) * EPS32 * g[i] + 1e-30);
  return bad === null ? null : `${label}: ${bad}`;
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length), b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const EXACT_SCALARS: [number, number][] = [[1, 0], [-1, 1], [2, -1], [0, 2], [1, 1], [2, 0]];
const RANDOM_SCALARS: [number, number][] = [[1, 0], [-1, 1], [0.7, 1.3], [0, 1.3], [1, 1], [0.7, 0]];

/** Tiny sizes, every transpose; `sizes` = TESTING.md's full list in the full tier, a subset otherwise. */
export function tinyCases(sizes: number[], exact: boolean): GemmCase[] {
  const out: GemmCase[] = [];
  let i = 0;
  for (let t = 0; t < 4; t++) {
    for (const m of sizes) for (const n of sizes) for (const k of sizes) {
      const [alpha, beta] = (exact ? EXACT_SCALARS : RANDOM_SCALARS)[i++ % 6];
      out.push({ m, n, k, transA: (t & 1) === 1, transB: (t & 2) === 2, alpha, beta, pad: i % 2 ? 3 : 0, exact });
    }
  }
  return out;
}

/** m in {1..MR, MR+1, 2MR−1, 2MR, 2MR+1}, the same for n with NR, a few k; transposes rotate. */
export function tileEdgeCases(mr: number, nr: number): GemmCase[] {
  const edges = (r: number) => [...Array.from({ length: r }, (_, i) => i + 1), r + 1, 2 * r - 1, 2 * r, 2 * r + 1];
  const out: GemmCase[] = [];
  let i = 0;
  for (const m of edges(mr)) for (const n of edges(nr)) for (const k of [1, 3, 17]) {
    i++;
    out.push({ m, n, k, transA: (i & 1) === 1, transB: (i & 2) === 2, alpha: 1, beta: i % 5 === 0 ? 1 : 0, pad: i % 7 === 0 ? 3 : 0, exact: i % 3 !== 0 });
  }
  return out;
}

/** Medium sizes (a seeded sample; all of them in the full tier), random mode, every transpose. */
export function mediumCases(r: Rng, count: number): GemmCase[] {
  const sizes = [31, 33, 64, 127, 255, 257];
  const out: GemmCase[] = [];
  for (let i = 0; i < count; i++) {
    const pick = () => sizes[r.int(0, sizes.length - 1)];
    out.push({ m: pick(), n: pick(), k: pick(), transA: (i & 1) === 1, transB: (i & 2) === 2, alpha: i % 3 ? 1 : 0.7, beta: i % 2 ? 1.3 : 0, pad: i % 5 === 0 ? 3 : 0, exact: false });
  }
  return out;
}

/**
 * The GEMMs of an MLP 784-256-10 training step at batch 64 (forward x·Wᵀ, dW = gyᵀ·x, dX = gy·W for both
 * layers; `large` adds the 784-wide layer's) and, with `large`, either side of the volume up to which the
 * native driver reads A and B in place (256³, kGemmDirectMaxVolume). Random mode, NaN in C under beta = 0.
 */
export function pathCases(large: boolean): GemmCase[] {
  const shapes: [number, number, number, boolean, boolean][] = [
    [64, 10, 256, false, true], [10, 256, 64, true, false], [64, 256, 10, false, false], [64, 256, 784, false, true],
    ...(large
      ? ([
          [256, 784, 64, true, false], [64, 784, 256, false, false],
          [16, 1024, 1024, false, false], [16, 1024, 1025, false, false], [16, 1024, 1024, false, true], [16, 1024, 1025, true, true],
        ] as [number, number, number, boolean, boolean][])
      : []),
  ];
  return shapes.map(([m, n, k, transA, transB], i) => ({
    m, n, k, transA, transB, alpha: i % 3 ? 1 : 0.7, beta: i % 2 ? 1 : 0, pad: i % 4 === 0 ? 3 : 0, exact: false, fill: i % 2 ? undefined : 'cNaN',
  }));
}

/** alpha ∈ {0, 1, −1, 0.7} × beta ∈ {0, 1, 1.3}, with NaN/Inf in C and NaN in A, k = 0, m = 0, n = 0. */
export function conventionCases(): GemmCase[] {
  const out: GemmCase[] = [];
  for (const alpha of [0, 1, -1, 0.7]) for (const beta of [0, 1, 1.3]) {
    for (const fill of [undefined, 'cNaN', 'cInf', 'aNaN'] as const) {
      for (const size of [5, 40]) out.push({ m: size, n: size + 1, k: size + 2, transA: false, transB: false, alpha, beta, pad: 3, exact: false, fill });
    }
  }
  for (const beta of [0, 1, 1.3]) out.push({ m: 6, n: 7, k: 0, transA: false, transB: true, alpha: 1, beta, pad: 1, exact: false, fill: 'cInf' });
  out.push({ m: 0, n: 5, k: 5, transA: false, transB: false, alpha: 1, beta: 0, pad: 2, exact: false });
  out.push({ m: 5, n: 0, k: 5, transA: true, transB: false, alpha: 1, beta: 0, pad: 2, exact: false });
  return out;
}

/** Runs cases, returning the first few failures. */
export function runCases(gemm: Kernels['gemm'], cases: GemmCase[], r: Rng): string[] {
  const failures: string[] = [];
  for (const c of cases) {
    const bad = checkGemm(gemm, c, r);
    if (bad !== null && failures.push(bad) >= 5) break;
  }
  return failures;
}
