/** The conv kernel family: signatures shared by the native addon and the JS twin. */
import type { FloatArray } from '../types.js';

/**
 * Every conv2d kernel takes the same 16 geometry integers first (NCHW, PyTorch semantics):
 * n, c, h, w (input [n, c, h, w]), oc, kh, kw (weight [oc, c/groups, kh, kw]), strideH, strideW,
 * padTop, padBottom, padLeft, padRight (per side, so TensorFlow 'SAME' with an odd total works),
 * dilationH, dilationW, groups. The output is [n, oc, oh, ow] with
 * oh = ⌊(h + padTop + padBottom − dilationH·(kh − 1) − 1) / strideH⌋ + 1 (see conv2dGeometry).
 * Outputs are overwritten. conv1d is conv2d with h = kh = 1.
 */
export interface ConvKernels {
  /** y = conv2d(x, weight) + bias; bias [oc] may be null. */
  conv2dForward(
    n: number, c: number, h: number, w: number, oc: number, kh: number, kw: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number, groups: number,
    x: FloatArray, weight: FloatArray, bias: FloatArray | null, y: FloatArray,
  ): void;
  /** dx = ∂(Σ dy·y)/∂x: the transposed convolution of dy with weight. */
  conv2dBackwardData(
    n: number, c: number, h: number, w: number, oc: number, kh: number, kw: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number, groups: number,
    dy: FloatArray, weight: FloatArray, dx: FloatArray,
  ): void;
  /** dweight = ∂(Σ dy·y)/∂weight, summed over the batch. */
  conv2dBackwardWeight(
    n: number, c: number, h: number, w: number, oc: number, kh: number, kw: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number, groups: number,
    x: FloatArray, dy: FloatArray, dweight: FloatArray,
  ): void;
  /**
   * Any of dx, dweight, dbias (null to skip) in one call, equal to the three calls above; the native kernel
   * computes them in one pass over dy where dX and dW both unfold (small channel counts).
   */
  conv2dBackward(
    n: number, c: number, h: number, w: number, oc: number, kh: number, kw: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number, groups: number,
    x: FloatArray, dy: FloatArray, weight: FloatArray, dx: FloatArray | null, dweight: FloatArray | null,
    dbias: FloatArray | null,
  ): void;
  /** db[o] = Σ over batch and the `spatial` = oh·ow pixels of dy [n, oc, spatial]. */
  conv2dBackwardBias(n: number, oc: number, spatial: number, dy: FloatArray, db: FloatArray): void;
}
