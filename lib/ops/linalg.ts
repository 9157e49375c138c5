/**
 * matmul (1-D, 2-D and batched with broadcast batch dims, PyTorch semantics) and linear, on the backend's
 * `gemm`. Transposed views are passed to gemm as transA/transB with their leading dimension, so the
 * backward's transposes cost no copies.
 */
import { backendFor } from '../backend/index.js';
import { BinaryOp, ReduceOp } from '../backend/kernels/elementwise.js';
import type { FloatArray } from '../backend/types.js';
import { needsGrad, record, type Node } from '../autograd/engine.js';
import { Tensor, shapeSize } from '../tensor.js';
import { alloc, broadcastShapes, checkSameDtype, checkTensor, dense, fmtShape, rangeErr } from './helpers.js';
import { sumToShape } from './reduce.js';
import { contiguous, reshape, squeeze, transpose, unsqueeze } from './shape.js';
import { tensor } from './creation.js';

interface GemmOperand { data: FloatArray; trans: boolean; ld: number }

/** How gemm can read a rows×cols matrix at (offset, rs, cs) without copying, or null. */
function gemmOperand(storage: FloatArray, offset: number, rows: number, cols: number, rs: number, cs: number): GemmOperand | null {
  const data = offset === 0 ? storage : storage.subarray(offset);
  if (cs === 1 || cols <= 1) {
    if (rows <= 1 || rs >= cols) return { data, trans: false, ld: rows <= 1 ? Math.max(cols, 1) : Math.max(rs, 1) };
  }
  if (rs === 1 || rows <= 1) {
    if (cols <= 1 || cs >= rows) return { data, trans: true, ld: cols <= 1 ? Math.max(rows, 1) : Math.max(cs, 1) };
  }
  return null;
}

/** t itself when gemm can read its matrices (the last two dims) in place, else a contiguous copy. */
function gemmReady(t: Tensor): Tensor {
  const r = t.ndim;
  const ok = gemmOperand(t.storage, 0, t.shape[r - 2], t.shape[r - 1], t.strides[r - 2], t.strides[r - 1]) !== null;
  return ok ? t : contiguous(t);
}

/**
 * out[m×n] = op(A)·op(B) + beta·out for the matrices starting at element aOff of a and bOff of b (their
 * last two dims; both tensors passed through gemmReady), op = transpose when ta/tb.
 */
function gemmInto(a: Tensor, aOff: number, ta: boolean, b: Tensor, bOff: number, tb: boolean, out: FloatArray, beta = 0): void {
  const ar = a.shape[a.ndim - 2], ac = a.shape[a.ndim - 1];
  const br = b.shape[b.ndim - 2], bc = b.shape[b.ndim - 1];
  const m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
  const A = gemmOperand(a.storage, aOff, ar, ac, a.strides[a.ndim - 2], a.strides[a.ndim - 1])!;
  const B = gemmOperand(b.storage, bOff, br, bc, b.strides[b.ndim - 2], b.strides[b.ndim - 1])!;
  backendFor(a.dtype).gemm(ta !== A.trans, tb !== B.trans, m, n, k, 1, A.data, A.ld, B.data, B.ld, beta, out, Math.max(n, 1));
}

/** 2-D or batched matmul core on tensors with ndim ≥ 2; batch dims broadcast. */
function matmulNd(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.ndim - 2], k = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim - 2], n = b.shape[b.ndim - 1];
  if (k !== k2) throw rangeErr('matmul', `expected a [..., m, k] and b [..., k, n] with the same k, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = shapeSize(batch);
  const out = alloc(a.dtype, nb * m * n);
  const A = gemmReady(a), B = gemmReady(b);
  if (nb === 1 && a.ndim === 2 && b.ndim === 2) {
    gemmInto(A, A.offset, false, B, B.offset, false, out);
  } else {
    const r = batch.length;
    const aStr = batchStrides(A, batch), bStr = batchStrides(B, batch);
    const idx = new Array<number>(r).fill(0);
    for (let i = 0; i < nb; i++) {
      let ao = A.offset, bo = B.offset;
      for (let d = 0; d < r; d++) {
        ao += idx[d] * aStr[d];
        bo += idx[d] * bStr[d];
      }
      gemmInto(A, ao, false, B, bo, false, m * n === 0 ? out : out.subarray(i * m * n));
      for (let d = r - 1; d >= 0 && ++idx[d] === batch[d]; d--) idx[d] = 0;
    }
  }
  return new Tensor(out, [...batch, m, n]);
}

function batchStrides(t: Tensor, batch: readonly number[]): number[] {
  const lead = batch.length - (t.ndim - 2);
  return batch.map((_, d) => (d < lead || t.shape[d - lead] === 1 ? 0 : t.strides[d - lead]));
}

function matmulBackward(node: Node, gy: Tensor): (Tensor | null)[] {
  const [a, b] = node.inputs;
  return [
    a.requiresGrad ? sumToShape(matmulNd(gy, transpose(b, -1, -2)), a.shape) : null,
    b.requiresGrad ? sumToShape(matmulNd(transpose(a, -1, -2), gy), b.shape) : null,
  ];
}

/** Nested arrays (row-major) or a typed array (a vector); a Float64Array or nested data with float64 peers is float64. */
export type MatrixLike = readonly (readonly number[])[] | readonly number[] | Float32Array | Float64Array;

function fromPlain(v: Tensor | MatrixLike): Tensor {
  if (v instanceof Tensor || !(Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array)) return v as Tensor;
  return tensor(v as number[], { dtype: v instanceof Float64Array ? 'float64' : 'float32' });
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand is promoted to a matrix and
 * the added dim removed afterwards, batch dims broadcast: [..., m, k] @ [..., k, n] → [..., m, n].
 * Plain nested arrays and typed arrays are accepted too (converted with `tensor()`), so
 * `matmul([[1, 2]], [[3], [4]]).toArray()` is the quick way to multiply two JS matrices.
 */
export function matmul(a: Tensor | MatrixLike, b: Tensor | MatrixLike): Tensor {
  a = fromPlain(a);
  b = fromPlain(b);
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  checkSameDtype('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0) throw rangeErr('matmul', `expected tensors with at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.ndim === 1 || b.ndim === 1) {
    const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
    const b2 = b.ndim === 1 ? unsqueeze(b, -1) : b;
    let y = matmul(a2, b2);
    if (b.ndim === 1) y = squeeze(y, -1);
    if (a.ndim === 1) y = squeeze(y, a.ndim === 1 && b.ndim === 1 ? 0 : -2);
    return y;
  }
  // [..., m, k] @ [k, n]: one gemm over all rows (reshape copies a non-contiguous a).
  if (b.ndim === 2 && a.ndim > 2) {
    const k = a.shape[a.ndim - 1];
    const y = matmul(reshape(a, [-1, k]), b);
    return reshape(y, [...a.shape.slice(0, -1), b.shape[1]]);
  }
  const y = matmulNd(a, b);
  return needsGrad(a, b) ? record(y, 'MmBackward', matmulBackward, [a, b]) : y;
}

/**
 * y = x·Wᵀ + b. x: [..., in], weight: [out, in] (PyTorch's layout), bias: [out] or null. One gemm over all
 * leading dims; backward: gx = gy·W, gW = gyᵀ·x, gb = Σ_rows gy.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor('linear', 'x', x);
  checkTensor('linear', 'weight', weight);
  if (bias !== null) checkTensor('linear', 'bias', bias);
  checkSameDtype('linear', x, weight);
  if (weight.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw rangeErr('linear', `expected x [..., in] and weight [out, in], got ${fmtShape(x.shape)} and ${fmtShape(weight.shape)}`);
  }
  const outF = weight.shape[0], inF = weight.shape[1];
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw rangeErr('linear', `expected bias of shape [${outF}], got ${fmtShape(bias.shape)}`);
  }
  const x2 = gemmReady(x.ndim === 2 ? x.detach() : reshape(x.detach(), [-1, inF]));
  const w = gemmReady(weight.detach());
  const rows = x2.shape[0];
  const out = alloc(x.dtype, rows * outF);
  gemmInto(x2, x2.offset, false, w, w.offset, true, out);
  const k = backendFor(x.dtype);
  if (bias !== null && rows * outF > 0) k.binary(BinaryOp.ADD, [rows, outF], out, 0, [outF, 1], bias.storage, bias.offset, [0, bias.strides[0]], out, 1);
  const y = new Tensor(out, [...x.shape.slice(0, -1), outF]);
  if (!needsGrad(x, weight, bias)) return y;
  return record(y, 'LinearBackward', linearBackward, bias === null ? [x, weight] : [x, weight, bias], { x2, w });
}

function linearBackward(node: Node, gy: Tensor): (Tensor | null)[] {
  const [x, weight, b] = node.inputs;
  const { x2, w } = node.saved as { x2: Tensor; w: Tensor };
  const outF = w.shape[0], inF = w.shape[1], rows = x2.shape[0];
  const g2 = new Tensor(dense(gy), [rows, outF]);
  const k = backendFor(gy.dtype);
  let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
  if (x.requiresGrad) {
    const d = alloc(gy.dtype, rows * inF);
    gemmInto(g2, 0, false, w, w.offset, false, d);
    gx = new Tensor(d, x.shape.slice());
  }
  if (weight.requiresGrad) {
    const d = alloc(gy.dtype, outF * inF);
    gemmInto(g2, 0, true, x2, x2.offset, false, d);
    gw = new Tensor(d, [outF, inF]);
  }
  if (b !== undefined && b.requiresGrad) {
    const d = alloc(gy.dtype, outF);
    k.reduce(ReduceOp.SUM, 1, rows, outF, g2.storage, d);
    gb = new Tensor(d, [outF]);
  }
  return [gx, gw, gb];
}
