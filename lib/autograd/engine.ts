/**
 * Reverse-mode autograd. Every differentiable op that sees an input with `requiresGrad` (while grad mode is
 * on) gives its output a `Node`: the op's backward function, the inputs it differentiates against and
 * whatever the op saved. `backward()` orders the nodes reachable from the root topologically (iteratively:
 * a 100,000-op chain must not overflow the stack), then walks them in reverse, calling each node's backward
 * once with the sum of the gradients that reached its output. Backward functions run with grad mode off.
 *
 * Leaves (tensors the user created with requiresGrad) accumulate into `.grad`, which they own: the first
 * gradient is copied into a fresh dense tensor, later ones are added into it in place. Non-leaf tensors
 * keep no `.grad` unless `retainGrad()` was called. The graph is kept after backward, so calling backward
 * twice accumulates twice (PyTorch's retain_graph=True behaviour). Buffers allocated during backward are
 * recycled when it returns (see pool.ts).
 */
import { backendFor } from '../backend/index.js';
import { BinaryOp } from '../backend/kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { isGradEnabled, setGradEnabled } from './grad_mode.js';
import { adopt, outsideArena, withArena } from './pool.js';

/** Computes the gradients of a node's inputs from the gradient of its output (same order as `inputs`). */
export type BackwardFn = (node: Node, gy: Tensor) => readonly (Tensor | null)[];

export class Node {
  /** Gradient of the output accumulated so far during one backward pass (engine scratch). */
  grad: Tensor | null = null;
  /** The output tensor, when it called retainGrad(). */
  retained: Tensor | null = null;

  constructor(
    /** The op's name, as printed in `gradFn=<...>`. */
    readonly name: string,
    readonly backward: BackwardFn,
    /** The tensor inputs; a gradient is propagated to those with requiresGrad. */
    readonly inputs: readonly Tensor[],
    /** Whatever the op's backward needs (saved inputs, outputs, options). */
    readonly saved: unknown = null,
  ) {}
}

/** Whether an op on these inputs must record a node. */
export function needsGrad(a: Tensor, b?: Tensor | null, c?: Tensor | null): boolean {
  if (!isGradEnabled()) return false;
  return a.requiresGrad || (b != null && b.requiresGrad) || (c != null && c.requiresGrad);
}

/** Attaches a node to `out` (call only when needsGrad(...) was true). Returns out. */
export function record(out: Tensor, name: string, backward: BackwardFn, inputs: readonly Tensor[], saved: unknown = null): Tensor {
  out.requiresGrad = true;
  out.gradFn = new Node(name, backward, inputs, saved);
  return out;
}

/** Nodes reachable from root, each after every node that consumes its output (reverse topological order). */
function topoOrder(root: Node): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>([root]);
  const stack: Node[] = [root];
  const next: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const node = stack[top];
    const i = next[top];
    if (i < node.inputs.length) {
      next[top] = i + 1;
      const child = node.inputs[i].gradFn;
      if (child !== null && !visited.has(child)) {
        visited.add(child);
        stack.push(child);
        next.push(0);
      }
    } else {
      order.push(node);
      stack.pop();
      next.pop();
    }
  }
  return order.reverse();
}

export function runBackward(root: Tensor, gradient: Tensor, add: (a: Tensor, b: Tensor) => Tensor): void {
  const prev = isGradEnabled();
  setGradEnabled(false);
  try {
    withArena(() => backwardPass(root, gradient, add));
  } finally {
    setGradEnabled(prev);
  }
}

function backwardPass(root: Tensor, gradient: Tensor, add: (a: Tensor, b: Tensor) => Tensor): void {
  if (root.gradFn === null) {
    accumulateLeaf(root, gradient, add);
    return;
  }
  const order = topoOrder(root.gradFn);
  root.gradFn.grad = gradient;
  for (const node of order) {
    const gy = node.grad;
    node.grad = null;
    if (gy === null) continue;
    if (node.retained !== null) accumulateLeaf(node.retained, gy, add);
    const grads = node.backward(node, gy);
    for (let i = 0; i < node.inputs.length; i++) {
      const t = node.inputs[i];
      const g = grads[i];
      if (g == null || !t.requiresGrad) continue;
      const fn = t.gradFn;
      if (fn === null) accumulateLeaf(t, g, add, fresh(g, gy, grads, i));
      else fn.grad = fn.grad === null ? g : add(fn.grad, g);
    }
  }
}

/**
 * Whether grads[i] owns its buffer: dense, not gy's buffer (pass-through and view backward functions
 * return gy or views of it) and not shared with another returned gradient.
 */
function fresh(g: Tensor, gy: Tensor, grads: readonly (Tensor | null)[], i: number): boolean {
  if (g.storage === gy.storage || g.offset !== 0 || g.storage.length !== g.numel || !g.isContiguous()) return false;
  for (let j = 0; j < grads.length; j++) if (j !== i && grads[j] != null && grads[j]!.storage === g.storage) return false;
  return true;
}

/**
 * t.grad += g, with t.grad a dense tensor owned by t (never an alias of a gradient flowing elsewhere). A
 * fresh g allocated during this backward becomes t.grad without a copy.
 */
function accumulateLeaf(t: Tensor, g: Tensor, add: (a: Tensor, b: Tensor) => Tensor, isFresh = false): void {
  const cur = t.grad;
  if (cur === null && isFresh && g.dtype === t.dtype && sameShape(g.shape, t.shape) && adopt(g.storage)) {
    t.grad = g;
    return;
  }
  if (cur === null) {
    // The gradient outlives backward: allocate it outside the arena.
    t.grad = outsideArena(() => g.clone());
    return;
  }
  if (cur.isContiguous() && cur.offset === 0 && g.dtype === cur.dtype && sameShape(cur.shape, g.shape)) {
    const n = cur.numel;
    const gd = g.contiguous();
    backendFor(cur.dtype).binary(BinaryOp.ADD, [n], cur.storage, 0, [1], gd.storage, gd.offset, [1], cur.storage, 1);
  } else {
    t.grad = outsideArena(() => add(cur, g));
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
