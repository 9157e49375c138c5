/**
 * gradcheck: compares the analytic vector-Jacobian products of `fn` with central finite differences, in
 * float64, with PyTorch's defaults (eps 1e-6, atol 1e-5, rtol 1e-3): for every output element j and input
 * element i, |J_analytic[j][i] − J_numeric[j][i]| ≤ atol + rtol·|J_numeric[j][i]|. It also checks that
 * backward is reentrant (two runs give bitwise identical gradients) and that a zero upstream gradient gives
 * exactly zero gradients.
 */
import { Tensor } from '../tensor.js';
import { noGrad } from './grad_mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw an Error describing the first mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(fn: Fn, inputs: readonly Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return r instanceof Tensor ? [r] : [...r];
}

/** Flattened outputs computed without the graph. */
function evaluate(fn: Fn, inputs: readonly Tensor[]): Float64Array {
  const outs = noGrad(() => outputsOf(fn, inputs));
  const total = outs.reduce((n, o) => n + o.numel, 0);
  const flat = new Float64Array(total);
  let k = 0;
  for (const o of outs) {
    flat.set(o.data, k);
    k += o.numel;
  }
  return flat;
}

/** J[j][i] over every output element j and every element i of the inputs that require grad. */
function analyticJacobian(fn: Fn, inputs: readonly Tensor[], diff: readonly Tensor[], upstreamScale: number): Float64Array[] {
  const outs = outputsOf(fn, inputs);
  const rows: Float64Array[] = [];
  const cols = diff.reduce((n, t) => n + t.numel, 0);
  for (const out of outs) {
    for (let j = 0; j < out.numel; j++) {
      const row = new Float64Array(cols);
      rows.push(row);
      if (!out.requiresGrad) continue;
      for (const t of diff) t.grad = null;
      const g = new Float64Array(out.numel);
      g[j] = upstreamScale;
      out.backward(new Tensor(g, out.shape.slice()));
      let c = 0;
      for (const t of diff) {
        if (t.grad !== null) row.set(t.grad.data, c);
        c += t.numel;
      }
    }
  }
  for (const t of diff) t.grad = null;
  return rows;
}

function fail(options: GradcheckOptions, message: string): false {
  if (options.raiseException ?? true) throw new Error(`nodegrad.gradcheck: ${message}`);
  return false;
}

/**
 * True when fn's gradients with respect to every input with requiresGrad match finite differences.
 * Inputs must be float64 (float32 differences are too coarse for these tolerances).
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  const diff = inputs.filter((t) => t.requiresGrad);
  for (const t of diff) {
    if (t.dtype !== 'float64') throw new TypeError('nodegrad.gradcheck: expected float64 inputs');
    if (!t.isLeaf) throw new TypeError('nodegrad.gradcheck: expected leaf inputs');
  }
  const saved = diff.map((t) => t.grad);
  try {
    const analytic = analyticJacobian(fn, inputs, diff, 1);
    let col = 0;
    for (const [ti, t] of diff.entries()) {
      // Perturb the storage element behind each logical element (inputs may be views).
      const d = t.data;
      if (d !== t.storage) throw new TypeError(`nodegrad.gradcheck: expected contiguous inputs (input ${ti} is a view)`);
      for (let i = 0; i < t.numel; i++, col++) {
        const orig = d[i];
        d[i] = orig + eps;
        const plus = evaluate(fn, inputs);
        d[i] = orig - eps;
        const minus = evaluate(fn, inputs);
        d[i] = orig;
        for (let j = 0; j < analytic.length; j++) {
          const num = (plus[j] - minus[j]) / (2 * eps);
          const a = analytic[j][col];
          if (!(Math.abs(a - num) <= atol + rtol * Math.abs(num))) {
            return fail(options, `Jacobian mismatch for output element ${j} with respect to input ${ti} element ${i}: analytic ${a}, numerical ${num}`);
          }
        }
      }
    }
    const again = analyticJacobian(fn, inputs, diff, 1);
    for (let j = 0; j < again.length; j++) {
      for (let i = 0; i < again[j].length; i++) {
        if (!Object.is(again[j][i], analytic[j][i])) return fail(options, `backward is not reentrant: output ${j}, column ${i} gave ${analytic[j][i]} then ${again[j][i]}`);
      }
    }
    const zero = analyticJacobian(fn, inputs, diff, 0);
    for (let j = 0; j < zero.length; j++) {
      for (let i = 0; i < zero[j].length; i++) {
        if (zero[j][i] !== 0) return fail(options, `a zero upstream gradient gave ${zero[j][i]} at output ${j}, column ${i}`);
      }
    }
    return true;
  } finally {
    diff.forEach((t, i) => (t.grad = saved[i]));
  }
}
