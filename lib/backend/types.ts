/**
 * The kernel interface both backends implement, at the level of raw typed arrays.
 *
 * Conventions shared by every kernel:
 * - Arrays are dense and row-major; matrices take an explicit leading dimension (elements between rows).
 * - Outputs are preallocated by the caller and written in place; kernels never allocate tensors.
 * - Sizes are non-negative integers. Invalid arguments throw TypeError/RangeError prefixed `nodegrad.<op>:`.
 * - The JS twin accepts Float32Array and Float64Array (the same code runs both); the native backend accepts
 *   Float32Array only.
 */
export type FloatArray = Float32Array | Float64Array;

export type BackendName = 'native' | 'js';

export interface Kernels {
  readonly name: BackendName;

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
