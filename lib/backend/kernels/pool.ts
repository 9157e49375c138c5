/** The pool kernel family: signatures shared by the native addon and the JS twin. */
import type { FloatArray } from '../types.js';

/**
 * 2-D pooling over NCHW planes, PyTorch semantics. Geometry comes as plain integers: n, c, h, w, kh, kw,
 * strideH, strideW, padTop, padBottom, padLeft, padRight (each ≤ half its kernel size), [dilationH,
 * dilationW,] ceilMode. Output sizes follow PyTorch (see pool2dGeometry), including ceil mode's rule that
 * the last window starts inside the input or its leading padding. Outputs are overwritten.
 *
 * Max pooling: padding never wins; ties keep the first tap in row-major window order; a NaN in the
 * window gives NaN (and the first NaN's index). `indices` holds the plane-relative argmax iy·w + ix
 * (−1 for a window without any input element, possible only with dilation), which backward scatters to.
 * Average pooling: the sum of real taps divided by the tap count, counting padding (clipped at
 * h + padBottom) when countIncludePad.
 */
export interface PoolKernels {
  maxPool2dForward(
    n: number, c: number, h: number, w: number, kh: number, kw: number, strideH: number, strideW: number,
    padTop: number, padBottom: number, padLeft: number, padRight: number, dilationH: number, dilationW: number,
    ceilMode: boolean, x: FloatArray, y: FloatArray, indices: Int32Array,
  ): void;
  /** dx = 0, then dx[plane, indices[o]] += dy[o]. */
  maxPool2dBackward(
    n: number, c: number, h: number, w: number, kh: number, kw: number, strideH: number, strideW: number,
    padTop: number, padBottom: number, padLeft: number, padRight: number, dilationH: number, dilationW: number,
    ceilMode: boolean, dy: FloatArray, indices: Int32Array, dx: FloatArray,
  ): void;
  avgPool2dForward(
    n: number, c: number, h: number, w: number, kh: number, kw: number, strideH: number, strideW: number,
    padTop: number, padBottom: number, padLeft: number, padRight: number, ceilMode: boolean,
    countIncludePad: boolean, x: FloatArray, y: FloatArray,
  ): void;
  avgPool2dBackward(
    n: number, c: number, h: number, w: number, kh: number, kw: number, strideH: number, strideW: number,
    padTop: number, padBottom: number, padLeft: number, padRight: number, ceilMode: boolean,
    countIncludePad: boolean, dy: FloatArray, dx: FloatArray,
  ): void;
  /** Output cell (i, j) averages rows [⌊i·h/oh⌋, ⌈(i+1)·h/oh⌉) and the same for columns. */
  adaptiveAvgPool2dForward(n: number, c: number, h: number, w: number, oh: number, ow: number, x: FloatArray, y: FloatArray): void;
  adaptiveAvgPool2dBackward(n: number, c: number, h: number, w: number, oh: number, ow: number, dy: FloatArray, dx: FloatArray): void;
}
