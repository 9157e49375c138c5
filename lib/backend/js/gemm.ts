import type { FloatArray } from '../types.js';
import {
  checkBoolean,
  checkFloatArray,
  checkLength,
  checkNumber,
  checkSize,
  checkedSpan,
  rangeError,
} from './check.js';

/**
 * GEMM, the clean reference loop: C = alpha·op(A)·op(B) + beta·C (row-major, see Kernels.gemm).
 *
 * Each C element is c·beta + alpha·Σₚ a·b with the sum accumulated in float64 in p order, whatever the
 * transposes: a float32 matmul then gives bitwise the same result for a transposed view as for a contiguous
 * copy, as the native kernels do. Without transB the loop runs i-p-j over a float64 row (rows of B walked
 * contiguously); with it, each element is a dot product of two rows.
 */
export function gemm(
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
): void {
  // The binding counts its arguments; so does the twin, so a missing one gets the same message.
  if (arguments.length !== 13) throw new TypeError(`nodegrad.gemm: expected 13 arguments, got ${arguments.length}`);
  checkGemmArgs(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  for (let i = 0; i < m; i++) {
    const ci = i * ldc;
    if (beta === 0) c.fill(0, ci, ci + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[ci + j] *= beta;
  }
  if (alpha === 0 || k === 0) return;
  // A[i][p] is a[ai + p·as]; A row i starts at ai = i·ar.
  const ar = transA ? 1 : lda, as = transA ? lda : 1;
  if (!transB) {
    const row = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      const ci = i * ldc, ai = i * ar;
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = a[ai + p * as];
        const bp = p * ldb;
        for (let j = 0; j < n; j++) row[j] += av * b[bp + j];
      }
      for (let j = 0; j < n; j++) c[ci + j] += alpha * row[j];
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ci = i * ldc, ai = i * ar;
      for (let j = 0; j < n; j++) {
        const bj = j * ldb;
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a[ai + p * as] * b[bj + p];
        c[ci + j] += alpha * acc;
      }
    }
  }
}

/** The same checks, in the same order, as native/binding/gemm.cc. */
function checkGemmArgs(
  transA: unknown, transB: unknown, m: unknown, n: unknown, k: unknown, alpha: unknown, a: unknown,
  lda: unknown, b: unknown, ldb: unknown, beta: unknown, c: unknown, ldc: unknown,
): void {
  const op = 'gemm';
  const ta = checkBoolean(op, 'transA', transA);
  const tb = checkBoolean(op, 'transB', transB);
  const M = checkSize(op, 'm', m);
  const N = checkSize(op, 'n', n);
  const K = checkSize(op, 'k', k);
  const al = checkNumber(op, 'alpha', alpha);
  const A = checkFloatArray(op, 'a', a);
  const LDA = checkSize(op, 'lda', lda);
  const B = checkFloatArray(op, 'b', b);
  const LDB = checkSize(op, 'ldb', ldb);
  checkNumber(op, 'beta', beta);
  const C = checkFloatArray(op, 'c', c);
  const LDC = checkSize(op, 'ldc', ldc);
  const aRows = ta ? K : M, aCols = ta ? M : K;
  const bRows = tb ? N : K, bCols = tb ? K : N;
  if (LDA < Math.max(aCols, 1)) throw rangeError(op, `expected lda >= ${aCols}, got ${LDA}`);
  if (LDB < Math.max(bCols, 1)) throw rangeError(op, `expected ldb >= ${bCols}, got ${LDB}`);
  if (LDC < Math.max(N, 1)) throw rangeError(op, `expected ldc >= ${N}, got ${LDC}`);
  checkLength(op, 'c', C, checkedSpan(op, M, N, LDC, 'c extent (m, n, ldc)'));
  if (M > 0 && N > 0 && K > 0 && al !== 0) {
    checkLength(op, 'a', A, checkedSpan(op, aRows, aCols, LDA, 'a extent (m, k, lda)'));
    checkLength(op, 'b', B, checkedSpan(op, bRows, bCols, LDB, 'b extent (k, n, ldb)'));
  }
}
