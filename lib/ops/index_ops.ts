/**
 * Indexing and padding: indexSelect, gather, pad and oneHot. Indices are integer-valued tensors (in the
 * float dtype) or plain arrays, validated before use. These ops move data; they run as plain loops over
 * dense [outer, dim, inner] views and scatter-add in backward.
 */
import { needsGrad, record } from '../autograd/engine.js';
import { Tensor, contiguousStrides, shapeSize } from '../tensor.js';
import { alloc, checkInt, checkNum, checkTensor, dense, fmtShape, normDim, rangeErr, typeErr } from './helpers.js';
import { copyRegion, fullOf, slice } from './shape.js';

/** Integer indices in [0, n) from a tensor or array (RangeError naming the first bad one). */
function indexList(op: string, index: Tensor | ArrayLike<number>, n: number): Int32Array {
  const src = index instanceof Tensor ? dense(index) : index;
  if (!(index instanceof Tensor) && (src === null || typeof src !== 'object' || typeof src.length !== 'number')) {
    throw typeErr(op, 'expected index to be a Tensor or an array of integers');
  }
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) throw rangeErr(op, `expected index[${i}] to be an integer in [0, ${n - 1}], got ${v}`);
    out[i] = v;
  }
  return out;
}

/** Entries `index` (1-D) along dim: out.shape[dim] = index.length. */
export function indexSelect(x: Tensor, dim: number, index: Tensor | ArrayLike<number>): Tensor {
  checkTensor('indexSelect', 'x', x);
  const d = normDim('indexSelect', dim, x.ndim);
  if (index instanceof Tensor && index.ndim > 1) throw rangeErr('indexSelect', `expected a 1-D index, got shape ${fmtShape(index.shape)}`);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  const idx = indexList('indexSelect', index, n);
  const outer = shapeSize(x.shape.slice(0, d)), inner = shapeSize(x.shape.slice(d + 1));
  const m = idx.length;
  const xd = dense(x);
  const out = alloc(x.dtype, outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + idx[j]) * inner;
      out.set(xd.subarray(src, src + inner) as Float32Array & Float64Array, (o * m + j) * inner);
    }
  }
  const shape = x.ndim === 0 ? [m] : x.shape.map((s, i) => (i === d ? m : s));
  const y = new Tensor(out, shape);
  if (!needsGrad(x)) return y;
  return record(y, 'IndexSelectBackward', (node, gy) => {
    const g = alloc(gy.dtype, node.inputs[0].numel);
    const gd = dense(gy);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const dst = (o * n + idx[j]) * inner, src = (o * m + j) * inner;
        for (let i = 0; i < inner; i++) g[dst + i] += gd[src + i];
      }
    }
    return [new Tensor(g, node.inputs[0].shape.slice())];
  }, [x]);
}

/** out[i_0, .., i_k] = x[i_0, .., index[i_0, .., i_k], .., i_k] with the index at position dim. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('gather', 'x', x);
  checkTensor('gather', 'index', index);
  const d = normDim('gather', dim, x.ndim);
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw rangeErr('gather', `expected index with ${x.ndim} dims and sizes <= ${fmtShape(x.shape)} outside dim ${d}, got ${fmtShape(index.shape)}`);
  }
  const idx = indexList('gather', index, x.ndim === 0 ? 1 : x.shape[d]);
  const xs = contiguousStrides(x.shape);
  const shape = index.shape.slice();
  const r = shape.length;
  // Position in dense x of every output element.
  const pos = new Int32Array(idx.length);
  const coord = new Array<number>(r).fill(0);
  for (let k = 0; k < idx.length; k++) {
    let p = 0;
    for (let j = 0; j < r; j++) p += (j === d ? idx[k] : coord[j]) * xs[j];
    pos[k] = p;
    for (let j = r - 1; j >= 0 && ++coord[j] === shape[j]; j--) coord[j] = 0;
  }
  const xd = dense(x);
  const out = alloc(x.dtype, idx.length);
  for (let k = 0; k < pos.length; k++) out[k] = xd[pos[k]];
  const y = new Tensor(out, shape);
  if (!needsGrad(x)) return y;
  return record(y, 'GatherBackward', (node, gy) => {
    const g = alloc(gy.dtype, node.inputs[0].numel);
    const gd = dense(gy);
    for (let k = 0; k < pos.length; k++) g[pos[k]] += gd[k];
    return [new Tensor(g, node.inputs[0].shape.slice())];
  }, [x]);
}

/**
 * Constant padding, PyTorch's F.pad order: pads = [lastLeft, lastRight, prevLeft, prevRight, ...] for
 * the last pads.length/2 dims. Pads must be ≥ 0.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  checkTensor('pad', 'x', x);
  if (!Array.isArray(pads) || pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw rangeErr('pad', `expected an even number of pads, at most ${2 * x.ndim}, got ${Array.isArray(pads) ? fmtShape(pads) : typeof pads}`);
  }
  pads.forEach((p, i) => checkInt('pad', `pads[${i}]`, p));
  checkNum('pad', 'value', value);
  const shape = x.shape.slice();
  const before = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.ndim - 1 - i;
    before[d] = pads[2 * i];
    shape[d] += pads[2 * i] + pads[2 * i + 1];
  }
  const y = fullOf(shape, value, x.dtype);
  const start = before.reduce((acc, b, d) => acc + b * y.strides[d], 0);
  copyRegion(x, y.storage, start, y.strides);
  if (!needsGrad(x)) return y;
  return record(y, 'PadBackward', (node, gy) => {
    let g = gy;
    for (let d = 0; d < before.length; d++) g = slice(g, d, before[d], before[d] + node.inputs[0].shape[d]);
    return [g];
  }, [x]);
}

/** [..., numClasses] with 1 at each index (numClasses −1: max index + 1). Not differentiable. */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  checkTensor('oneHot', 'indices', indices);
  const raw = dense(indices);
  let c = checkInt('oneHot', 'numClasses', numClasses, -1);
  if (c === -1) for (let i = 0; i < raw.length; i++) c = Math.max(c, raw[i] + 1, 0);
  const idx = indexList('oneHot', raw, c);
  const out = alloc(indices.dtype, idx.length * c);
  for (let i = 0; i < idx.length; i++) out[i * c + idx[i]] = 1;
  return new Tensor(out, [...indices.shape, c]);
}
