/** The GEMM kernel family: signatures shared by the native addon and the JS twin. */
import type { FloatArray } from '../types.js';

export interface GemmKernels {
  /**
   * C = alpha·op(A)·op(B) + beta·C. op(A) is m×k (A stored k×m when transA), op(B) is k×n (B stored n×k
   * when transB), C is m×n. BLAS conventions: beta = 0 never reads C (NaN in C does not leak); alpha = 0
   * or k = 0 gives beta·C without reading A or B.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    lda: number,
    b: FloatArray,
    ldb: number,
    beta: number,
    c: FloatArray,
    ldc: number,
  ): void;
}

/** What `cpuInfo()` reports. On the JS backend (addon unavailable) `isa` is 'js'. */
export interface CpuInfo {
  arch: string;
  isa: string;
  available: string[];
  threads: number;
}
