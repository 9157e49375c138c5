/** `nn.utils`: gradient clipping. */
import type { Tensor } from '../tensor.js';

function gradsOf(op: string, parameters: Iterable<Tensor> | Tensor): Array<Float32Array | Float64Array> {
  const list = Symbol.iterator in Object(parameters) ? [...(parameters as Iterable<Tensor>)] : [parameters as Tensor];
  const out: Array<Float32Array | Float64Array> = [];
  for (const p of list) {
    if (!p || typeof p !== 'object' || !('grad' in p)) throw new TypeError(`nodegrad.${op}: expected parameters to be Tensors`);
    if (p.grad) out.push(p.grad.data);
  }
  return out;
}

/**
 * Scales all gradients together so their joint norm is at most maxNorm: g ← g·min(1, maxNorm/(norm + 1e-6)).
 * normType is p ≥ 1 or Infinity. Returns the total norm before clipping. A non-finite norm throws when
 * errorIfNonfinite is set.
 */
export function clipGradNorm_(parameters: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2, errorIfNonfinite = false): number {
  const op = 'clipGradNorm_';
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm) || maxNorm < 0) throw new RangeError(`nodegrad.${op}: expected maxNorm >= 0, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType >= 1)) throw new RangeError(`nodegrad.${op}: expected normType >= 1 or Infinity, got ${String(normType)}`);
  const grads = gradsOf(op, parameters);
  let total = 0;
  if (normType === Infinity) {
    for (const g of grads) for (let i = 0; i < g.length; i++) total = Math.max(total, Math.abs(g[i]));
    if (grads.some((g) => g.some(Number.isNaN))) total = NaN;
  } else {
    for (const g of grads) for (let i = 0; i < g.length; i++) total += Math.abs(g[i]) ** normType;
    total **= 1 / normType;
  }
  if (errorIfNonfinite && !Number.isFinite(total)) throw new RangeError(`nodegrad.${op}: expected a finite total gradient norm, got ${total}`);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return total;
}

/** Clamps every gradient element to [−clipValue, clipValue]. */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) throw new RangeError(`nodegrad.clipGradValue_: expected clipValue >= 0, got ${String(clipValue)}`);
  for (const g of gradsOf('clipGradValue_', parameters)) {
    for (let i = 0; i < g.length; i++) g[i] = Math.min(clipValue, Math.max(-clipValue, g[i]));
  }
}
