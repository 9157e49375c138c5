/**
 * The elementwise kernel family: element-wise maps, broadcasting binary ops, strided copies, reductions,
 * softmax and the NLL loss core. Signatures shared by the native addon (native/binding/elementwise.cc) and
 * the JS twin (lib/backend/js/elementwise.ts).
 *
 * Conventions (in addition to those of `Kernels` in ../types.ts):
 * - Every array argument of one call has the same kind: all Float32Array (native and JS) or all
 *   Float64Array (JS twin only). Index arrays are Int32Array.
 * - Op codes are small integers from `UnaryOp`, `BinaryOp`, `ReduceOp` (stable: the native side mirrors
 *   the numbers). An unknown code is a RangeError `nodegrad.<kernel>: expected op to be ..., got 99`.
 * - Sizes are integers in [0, 2^53 − 1]; element counts (products of sizes) are computed overflow-safely
 *   and every array must hold at least the elements the call touches (RangeError otherwise).
 * - Strided ops take `shape` and `strides` as plain JS arrays of integers with `shape.length ≤ MAX_RANK`
 *   and the same length for every strides array (RangeError otherwise). Strides are in elements and are
 *   ≥ 0 (0 means broadcast along that dim). An offset is the element index of the first element. The
 *   extent that must be in bounds is `offset + Σ (shape[d] − 1)·strides[d] + 1` (nothing when any
 *   shape[d] is 0). The TS layer coalesces dims before calling, so rank is usually 1 or 2.
 * - Outputs are dense row-major unless strides are given, and are fully overwritten (never accumulated).
 *   An output may be the same array as an input only when both are dense over exactly the same elements
 *   (e.g. `unary(op, n, x, x, ...)`, or `binary` with out === a, aOffset 0 and a's strides dense);
 *   other overlaps are undefined.
 * - Arithmetic: the JS twin computes each element in float64 and rounds once on store; a float32 native
 *   kernel may compute in float32 and must meet TESTING.md §2.1 (exact ops bitwise; transcendental
 *   functions within the stated ULP bounds; reductions within the GEMM-type bound with k = dim).
 * - NaN propagates through every arithmetic op; comparisons with NaN are false (NE: true), max/min-type
 *   ops return NaN when an operand is NaN (as in PyTorch). Results must not depend on the thread count
 *   or on where an element falls in a SIMD vector.
 */
import type { FloatArray } from '../types.js';

/** The largest rank a strided kernel accepts. */
export const MAX_RANK = 8;

/**
 * Element-wise maps out[i] = f(x[i]; alpha, beta). `alpha`/`beta` are op parameters (ignored, pass 0,
 * when the op has none). In the backward column, `x` is the forward input, `y` the forward output and
 * `gy` the upstream gradient; gx[i] = gy[i]·f'(x[i]).
 *
 * | op | forward | backward gx (reads) |
 * |---|---|---|
 * | NEG | −x | −gy |
 * | ABS | \|x\| | gy·sign(x), 0 at x = 0 (x) |
 * | EXP | eˣ | gy·y (y) |
 * | LOG | ln x (x < 0 → NaN, 0 → −Inf) | gy / x (x) |
 * | SQRT | √x | gy / (2y) (y) |
 * | SQUARE | x² | 2·x·gy (x) |
 * | RECIPROCAL | 1/x | −gy·y² (y) |
 * | RELU | x > 0 ? x : 0 (relu(−0) = 0, relu(NaN) = NaN) | x > 0 ? gy : 0 (x) |
 * | LEAKY_RELU | x > 0 ? x : alpha·x | x > 0 ? gy : alpha·gy (x) |
 * | ELU | x > 0 ? x : alpha·(eˣ − 1) | x > 0 ? gy : gy·alpha·eˣ (x) |
 * | GELU | x·Φ(x), Φ(x) = ½·erfc(−x/√2) | gy·(Φ(x) + x·φ(x)), φ the normal pdf (x) |
 * | GELU_TANH | ½x(1 + tanh(√(2/π)(x + 0.044715x³))) | the derivative of that formula (x) |
 * | SIGMOID | 1/(1 + e⁻ˣ) | gy·y·(1 − y) (y) |
 * | TANH | tanh x | gy·(1 − y²) (y) |
 * | SOFTPLUS | alpha = β, beta = threshold: β·x > threshold ? x : ln(1 + e^(βx))/β | β·x > threshold ? gy : gy·sigmoid(βx) (x) |
 * | SILU | x·sigmoid(x) | gy·s·(1 + x·(1 − s)), s = sigmoid(x) (x) |
 * | CLAMP | min(max(x, alpha), beta) (NaN stays NaN; ±Inf bounds mean none) | alpha ≤ x ≤ beta ? gy : 0 (x) |
 * | POW_SCALAR | x^alpha (Math.pow semantics) | gy·alpha·x^(alpha−1), 0 when alpha = 0 (x) |
 * | AFFINE | alpha·x + beta | alpha·gy |
 *
 * GELU's reference uses a float64 erfc accurate to ~1e-15 relative; native float32 versions must stay within
 * max(eps32, 4·eps32·|ref|) everywhere, like tanh/sigmoid (TESTING.md §2.1).
 */
export const UnaryOp = {
  NEG: 0,
  ABS: 1,
  EXP: 2,
  LOG: 3,
  SQRT: 4,
  SQUARE: 5,
  RECIPROCAL: 6,
  RELU: 7,
  LEAKY_RELU: 8,
  ELU: 9,
  GELU: 10,
  GELU_TANH: 11,
  SIGMOID: 12,
  TANH: 13,
  SOFTPLUS: 14,
  SILU: 15,
  CLAMP: 16,
  POW_SCALAR: 17,
  AFFINE: 18,
} as const;
export type UnaryOpCode = (typeof UnaryOp)[keyof typeof UnaryOp];
export const UNARY_OP_COUNT = 19;

/**
 * Binary element-wise ops out = f(a, b; alpha). Comparisons return 1 or 0.
 *
 * | op | forward | backward ga, gb (from `binaryBackward`) |
 * |---|---|---|
 * | ADD | a + alpha·b (alpha = 1 for plain add) | gy, alpha·gy |
 * | SUB | a − b | gy, −gy |
 * | MUL | a·b | gy·b, gy·a |
 * | DIV | a / b | gy / b, −gy·a / b² |
 * | POW | a^b (Math.pow semantics) | gy·b·a^(b−1) (0 when b = 0), gy·out·ln a (0 where a = 0 and b ≥ 0) |
 * | MAXIMUM | max(a, b), NaN if either is NaN | ties split gy/2 to each, as PyTorch |
 * | MINIMUM | min(a, b), NaN if either is NaN | same |
 * | EQ NE LT LE GT GE | a op b ? 1 : 0 | not differentiable (zeros) |
 * | SMOOTH_L1 | d = a − b, alpha = β > 0: \|d\| < β ? ½d²/β : \|d\| − ½β; β = 0 gives \|d\| | g = gy·clamp(d/β, −1, 1) (sign(d) when β = 0): g, −g |
 * | HUBER | d = a − b, alpha = δ: \|d\| ≤ δ ? ½d² : δ(\|d\| − ½δ) | g = gy·clamp(d, −δ, δ): g, −g |
 * | BCE | a = p ∈ [0, 1], b = target y: −(y·max(ln p, −100) + (1 − y)·max(ln(1 − p), −100)) (PyTorch clamps logs at −100) | gy·(p − y)/max(p(1 − p), 1e-12), gy·(ln(1 − p) − ln p) with logs clamped |
 * | BCE_LOGITS | a = logit x, b = y: max(x, 0) − x·y + ln(1 + e^(−\|x\|)) | gy·(sigmoid(x) − y), −gy·x |
 */
export const BinaryOp = {
  ADD: 0,
  SUB: 1,
  MUL: 2,
  DIV: 3,
  POW: 4,
  MAXIMUM: 5,
  MINIMUM: 6,
  EQ: 7,
  NE: 8,
  LT: 9,
  LE: 10,
  GT: 11,
  GE: 12,
  SMOOTH_L1: 13,
  HUBER: 14,
  BCE: 15,
  BCE_LOGITS: 16,
} as const;
export type BinaryOpCode = (typeof BinaryOp)[keyof typeof BinaryOp];
export const BINARY_OP_COUNT = 17;

/**
 * Reductions over the middle axis of x viewed as [outer, dim, inner] (row-major), out is [outer, inner]:
 * out[o·inner + i] = R_{d < dim} x[(o·dim + d)·inner + i].
 *
 * | op | R | dim = 0 |
 * |---|---|---|
 * | SUM | Σ | 0 |
 * | MEAN | Σ / dim | NaN |
 * | MAX | max, NaN if any element is NaN | RangeError (the TS layer rejects it first) |
 * | MIN | min, NaN if any element is NaN | RangeError |
 * | LOGSUMEXP | m + ln Σ e^(x − m), m = max (m = ±Inf handled: all −Inf → −Inf, any +Inf → +Inf) | −Inf |
 *
 * Summation order is fixed for a given (outer, dim, inner) (no dependence on threads); the JS twin sums
 * sequentially in float64. Float32 native sums must meet the GEMM-type bound with k = dim.
 */
export const ReduceOp = {
  SUM: 0,
  MEAN: 1,
  MAX: 2,
  MIN: 3,
  LOGSUMEXP: 4,
} as const;
export type ReduceOpCode = (typeof ReduceOp)[keyof typeof ReduceOp];

export interface ElementwiseKernels {
  /** out[i] = f_op(x[i]; alpha, beta) for i < n (table at `UnaryOp`). out may be x. */
  unary(op: number, n: number, x: FloatArray, out: FloatArray, alpha: number, beta: number): void;

  /**
   * gx[i] = gy[i]·f_op'(x[i]) for i < n (table at `UnaryOp`). x is the forward input and y the forward
   * output (both always passed, both length ≥ n; the op reads the one the table names). gx may be gy.
   */
  unaryBackward(
    op: number, n: number, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, alpha: number, beta: number,
  ): void;

  /**
   * Broadcasting binary op (table at `BinaryOp`): for every index tuple (i_0, .., i_{r−1}) < shape, in
   * row-major order k = 0, 1, ...:
   *   out[k] = f_op(a[aOffset + Σ i_d·aStrides[d]], b[bOffset + Σ i_d·bStrides[d]]; alpha).
   * out is dense with product(shape) elements. r = shape.length may be 0 (a single element).
   */
  binary(
    op: number, shape: readonly number[],
    a: FloatArray, aOffset: number, aStrides: readonly number[],
    b: FloatArray, bOffset: number, bStrides: readonly number[],
    out: FloatArray, alpha: number,
  ): void;

  /**
   * Fused gradients of a binary op on dense, same-length operands (the TS layer reduces broadcast
   * gradients itself): ga[i], gb[i] from a[i], b[i], out[i] (the forward output, used by POW) and gy[i] for
   * i < n. ga or gb may be null to skip it. Comparisons write zeros.
   */
  binaryBackward(
    op: number, n: number, a: FloatArray, b: FloatArray, out: FloatArray, gy: FloatArray,
    ga: FloatArray | null, gb: FloatArray | null, alpha: number,
  ): void;

  /**
   * out[k] = cond[..] !== 0 ? a[..] : b[..] with the same broadcasting/stride rules as `binary` (a NaN
   * condition counts as true, as `NaN !== 0`).
   */
  where(
    shape: readonly number[],
    cond: FloatArray, condOffset: number, condStrides: readonly number[],
    a: FloatArray, aOffset: number, aStrides: readonly number[],
    b: FloatArray, bOffset: number, bStrides: readonly number[],
    out: FloatArray,
  ): void;

  /**
   * Strided copy: for every index tuple i < shape, out[outOffset + Σ i_d·outStrides[d]] =
   * x[xOffset + Σ i_d·xStrides[d]]. Used for contiguous(), expand materialisation, cat, pad and slicing
   * writes. Out strides must not map two indices to one element (no 0 strides in out). Values are copied
   * bit for bit (NaN payloads included).
   */
  stridedCopy(
    shape: readonly number[],
    x: FloatArray, xOffset: number, xStrides: readonly number[],
    out: FloatArray, outOffset: number, outStrides: readonly number[],
  ): void;

  /** Reduction over the middle axis of [outer, dim, inner] into out [outer, inner] (table at `ReduceOp`). */
  reduce(op: number, outer: number, dim: number, inner: number, x: FloatArray, out: FloatArray): void;

  /**
   * Max (op = ReduceOp.MAX) or min (ReduceOp.MIN) over the middle axis with the index of the first
   * extreme element: values [outer, inner], indices [outer, inner] in [0, dim). A NaN is the extreme: the
   * first NaN wins (as PyTorch). dim must be ≥ 1.
   */
  argReduce(
    op: number, outer: number, dim: number, inner: number, x: FloatArray, values: FloatArray, indices: Int32Array,
  ): void;

  /**
   * Softmax over the middle axis of [outer, dim, inner]: out = e^(x − m) / Σ e^(x − m), m the max of the
   * slice (numerically stable). A slice holding +Inf or NaN gives NaN; an all −Inf slice gives NaN (0/0),
   * as PyTorch. out may be x.
   */
  softmax(outer: number, dim: number, inner: number, x: FloatArray, out: FloatArray): void;

  /** log-softmax over the middle axis: out = x − m − ln Σ e^(x − m). out may be x. */
  logSoftmax(outer: number, dim: number, inner: number, x: FloatArray, out: FloatArray): void;

  /** Softmax backward from the output y: gx = y·(gy − Σ_d gy·y) per slice. gx may be gy. */
  softmaxBackward(outer: number, dim: number, inner: number, y: FloatArray, gy: FloatArray, gx: FloatArray): void;

  /** log-softmax backward from the output y: gx = gy − e^y·Σ_d gy per slice. gx may be gy. */
  logSoftmaxBackward(outer: number, dim: number, inner: number, y: FloatArray, gy: FloatArray, gx: FloatArray): void;

  /**
   * Per-sample negative log-likelihood with class weights and label smoothing ε (PyTorch's cross-entropy
   * convention). logp is [outer, classes, inner] (log-probabilities; class axis in the middle), target is
   * [outer·inner] class indices in [0, classes) or equal to ignoreIndex; weight is [classes] or null (all 1).
   * For each sample s = o·inner + i with t = target[s], lp_c = logp[(o·classes + c)·inner + i]:
   *   loss[s] = −(1 − ε)·w_t·lp_t − (ε / classes)·Σ_c w_c·lp_c,   wsum[s] = w_t;
   * and loss[s] = wsum[s] = 0 when t === ignoreIndex. (The 'mean' reduction is Σ loss / Σ wsum, in TS.)
   * A target outside [0, classes) that is not ignoreIndex is a RangeError naming its position. classes ≥ 1.
   */
  nllLoss(
    outer: number, classes: number, inner: number, logp: FloatArray, target: Int32Array, weight: FloatArray | null,
    ignoreIndex: number, smoothing: number, loss: FloatArray, wsum: FloatArray,
  ): void;

  /**
   * Gradient of `nllLoss` with respect to logp, given gloss [outer·inner] (the upstream gradient of each
   * sample's loss): glogp[(o·classes + c)·inner + i] = −gloss[s]·((1 − ε)·w_t·[c = t] + (ε / classes)·w_c),
   * and 0 for the whole slice when t === ignoreIndex. glogp is fully overwritten.
   */
  nllLossBackward(
    outer: number, classes: number, inner: number, target: Int32Array, weight: FloatArray | null,
    ignoreIndex: number, smoothing: number, gloss: FloatArray, glogp: FloatArray,
  ): void;
}
