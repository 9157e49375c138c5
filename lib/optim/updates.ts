/**
 * The optimizers' element-wise update rules on dense arrays: one pass per parameter, parameter and state
 * updated in place. Float32 arrays run the backend's fused kernel when it has one; these loops are the rule
 * as documented on each optimizer and serve float64 (and the JS backend).
 */
import type { FloatArray } from '../backend/types.js';

export function sgdUpdate(
  p: FloatArray, grad: FloatArray, buf: FloatArray | null, first: boolean,
  lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, maximize: boolean,
): void {
  const n = p.length;
  const sign = maximize ? -1 : 1;
  for (let i = 0; i < n; i++) {
    let d = sign * grad[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    if (buf) {
      const b = first ? d : momentum * buf[i] + (1 - dampening) * d;
      buf[i] = b;
      d = nesterov ? d + momentum * b : b;
    }
    p[i] -= lr * d;
  }
}

/**
 * Adam and AdamW (`decoupled`): m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², vmax ← max(vmax, v) when
 * amsgrad, p ← p − lr/(1 − β1^t) · m / (√v̂ / √(1 − β2^t) + eps). Weight decay adds wd·p to g (Adam) or
 * first scales p by 1 − lr·wd (AdamW).
 */
export function adamUpdate(
  p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, step: number,
  lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: boolean, maximize: boolean,
): void {
  const n = p.length;
  const sign = maximize ? -1 : 1;
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const l2 = decoupled ? 0 : weightDecay;
  for (let i = 0; i < n; i++) {
    let x = p[i];
    const d = sign * grad[i] + l2 * x;
    x *= decay;
    const mi = beta1 * m[i] + (1 - beta1) * d;
    let vi = beta2 * v[i] + (1 - beta2) * d * d;
    m[i] = mi;
    v[i] = vi;
    if (vmax) {
      vi = Math.max(vmax[i], vi);
      vmax[i] = vi;
    }
    p[i] = x - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

/**
 * RMSprop: v ← α·v + (1 − α)·g²; centered: ḡ ← α·ḡ + (1 − α)·g and the denominator is √(v − ḡ²) + eps,
 * else √v + eps; with momentum b ← μ·b + g/denom and p ← p − lr·b, else p ← p − lr·g/denom.
 */
export function rmspropUpdate(
  p: FloatArray, grad: FloatArray, v: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null,
  lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, maximize: boolean,
): void {
  const n = p.length;
  const sign = maximize ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const d = sign * grad[i] + weightDecay * p[i];
    const vi = alpha * v[i] + (1 - alpha) * d * d;
    v[i] = vi;
    let denom: number;
    if (gAvg) {
      const a = alpha * gAvg[i] + (1 - alpha) * d;
      gAvg[i] = a;
      denom = Math.sqrt(vi - a * a) + eps;
    } else {
      denom = Math.sqrt(vi) + eps;
    }
    if (buf) {
      const b = momentum * buf[i] + d / denom;
      buf[i] = b;
      p[i] -= lr * b;
    } else {
      p[i] -= (lr * d) / denom;
    }
  }
}

/** Adagrad: s ← s + g², p ← p − lr/(1 + (t − 1)·lrDecay) · g / (√s + eps). */
export function adagradUpdate(
  p: FloatArray, grad: FloatArray, sum: FloatArray, step: number,
  lr: number, lrDecay: number, eps: number, weightDecay: number, maximize: boolean,
): void {
  const n = p.length;
  const sign = maximize ? -1 : 1;
  const clr = lr / (1 + (step - 1) * lrDecay);
  for (let i = 0; i < n; i++) {
    const d = sign * grad[i] + weightDecay * p[i];
    const s = sum[i] + d * d;
    sum[i] = s;
    p[i] -= (clr * d) / (Math.sqrt(s) + eps);
  }
}
