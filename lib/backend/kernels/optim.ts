/**
 * The optim kernel family: fused optimizer updates, one pass over a parameter's buffer that updates the
 * parameter and its state in place. Signatures shared by the native addon (native/binding/optim.cc) and
 * the JS twin (lib/backend/js/optim.ts).
 *
 * Conventions (in addition to those of `Kernels` in ../types.ts):
 * - `p` is the parameter; `grad` and every state array hold exactly `p.length` elements of the same kind
 *   as `p` (Float32Array natively; Float32Array or Float64Array on the JS twin). Optional state is `null`
 *   when the option that needs it is off. No two arrays may overlap in memory (RangeError).
 * - Hyper-parameters are finite numbers (RangeError otherwise; their valid ranges are the optimizer
 *   constructor's business); `step` is the 1-based step count after incrementing, an integer ≥ 1.
 * - The rules are PyTorch's documented algorithms (torch.optim, 1.13), per element with g = grad[i]:
 *   `maximize` negates g first; weight decay adds weightDecay·p to g only when weightDecay ≠ 0. The JS twin
 *   computes each element in float64 and rounds once on store; the native kernel computes in float32 with
 *   the per-call constants (bias corrections, 1 − β, ...) derived in float64 and rounded once.
 * - Every element is independent, so results do not depend on the thread count or SIMD lane.
 */
import type { FloatArray } from '../types.js';

export interface OptimKernels {
  /**
   * SGD with momentum, dampening and Nesterov (buf = the momentum buffer, null for plain SGD):
   *   g ← g + weightDecay·p
   *   b ← g if first (the buffer's first step), else momentum·b + (1 − dampening)·g   (when buf is given)
   *   g ← g + momentum·b if nesterov, else b                                           (when buf is given)
   *   p ← p − lr·g
   */
  sgdUpdate(
    p: FloatArray, grad: FloatArray, buf: FloatArray | null, first: boolean,
    lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, maximize: boolean,
  ): void;

  /**
   * Adam, or AdamW when `decoupled` (m, v the first and second moments, vmax amsgrad's running maximum of
   * v or null), at step t:
   *   Adam: g ← g + weightDecay·p;   AdamW: p ← p·(1 − lr·weightDecay)
   *   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  v̂ ← vmax ← max(vmax, v) (NaN-propagating) if
   *   vmax is given, else v̂ = v
   *   p ← p − (lr / (1 − β1^t))·m / (√v̂ / √(1 − β2^t) + eps)
   */
  adamUpdate(
    p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, step: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: boolean, maximize: boolean,
  ): void;

  /**
   * RMSprop (v the square average, gAvg centered RMSprop's gradient average or null, buf the momentum
   * buffer or null):
   *   g ← g + weightDecay·p;  v ← α·v + (1 − α)·g²
   *   centered: gAvg ← α·gAvg + (1 − α)·g, d = √(v − gAvg²) + eps;  else d = √v + eps
   *   buf given: buf ← momentum·buf + g/d, p ← p − lr·buf;  else p ← p − lr·g/d
   */
  rmspropUpdate(
    p: FloatArray, grad: FloatArray, v: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null,
    lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, maximize: boolean,
  ): void;

  /**
   * Adagrad (sum the accumulated squares), at step t:
   *   g ← g + weightDecay·p;  sum ← sum + g²;  p ← p − (lr / (1 + (t − 1)·lrDecay))·g / (√sum + eps)
   */
  adagradUpdate(
    p: FloatArray, grad: FloatArray, sum: FloatArray, step: number,
    lr: number, lrDecay: number, eps: number, weightDecay: number, maximize: boolean,
  ): void;
}
