/**
 * `npm run bench -- ops`: the Tensor layer's own cost. (1) Per-op overhead on tiny tensors (8 elements,
 * autograd on), in µs per op, where the arithmetic is negligible and what remains is checks, allocation,
 * the kernel call and graph recording. (2) A 784-256-10 MLP training step (forward + backward) at batch 64,
 * native vs the JS twin. (3) The binary, reduction and copy kernels on 1024×1024 float32 data, in GB/s of
 * compulsory traffic (4 bytes per element read or written), native vs JS, and one large op through the Tensor
 * API for the cost of its output allocation.
 */
import * as ng from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { BinaryOp, ReduceOp } from '../../lib/backend/kernels/elementwise.js';
import { backendFor } from '../../lib/backend/index.js';
import { timeit, withThreads, fmt, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';

const REPS = 1000;

function overheadCases(): [string, () => void][] {
  const a = ng.randn([8], { requiresGrad: true });
  const b = ng.randn([8], { requiresGrad: true });
  const m = ng.randn([8, 8], { requiresGrad: true });
  const c = ng.randn([8]);
  let sink: Tensor | null = null;
  const loop = (f: () => Tensor) => () => {
    for (let i = 0; i < REPS; i++) sink = f();
  };
  void sink;
  return [
    ['add 8+8 (grad)', loop(() => ng.add(a, b))],
    ['add 8+8 (no grad)', loop(() => ng.add(c, c))],
    ['mul 8*scalar (grad)', loop(() => ng.mul(a, 2))],
    ['relu 8 (grad)', loop(() => ng.relu(a))],
    ['sum 8 (grad)', loop(() => ng.sum(a))],
    ['matmul 8x8 @ 8 (grad)', loop(() => ng.matmul(m, a))],
    ['add+sum+backward 8', () => {
      for (let i = 0; i < REPS; i++) ng.sum(ng.add(a, b)).backward();
    }],
  ];
}

interface Mlp { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor; x: Tensor; y: Tensor }

function mlp(): Mlp {
  ng.manualSeed(1);
  const p = (shape: number[], fan: number) => ng.mul(ng.sub(ng.rand(shape), 0.5), 2 / Math.sqrt(fan)).detach().requiresGrad_();
  return {
    w1: p([256, 784], 784), b1: p([256], 784), w2: p([10, 256], 256), b2: p([10], 256),
    x: ng.rand([64, 784]), y: ng.randint(0, 10, [64]),
  };
}

function mlpStep(n: Mlp): void {
  const h = ng.relu(ng.linear(n.x, n.w1, n.b1));
  const loss = ng.crossEntropy(ng.linear(h, n.w2, n.b2), n.y);
  for (const t of [n.w1, n.b1, n.w2, n.b2]) t.grad = null;
  loss.backward();
}

const BIG = 1024;

/**
 * [name, fn, bytes moved] on 1024×1024 float32 data: the backend's kernels with preallocated outputs (binary
 * dense and broadcast, reductions over each axis, argmax, a transpose copy), then the same add as a Tensor op,
 * which also allocates its 4 MB output (first-touch page faults included).
 */
function bigCases(): [string, () => void, number][] {
  ng.manualSeed(2);
  const n = BIG * BIG;
  const at = ng.randn([BIG, BIG]), bt = ng.randn([BIG, BIG]);
  const a = at.data as Float32Array, b = bt.data as Float32Array, bias = a.subarray(0, BIG);
  const out = new Float32Array(n), row = new Float32Array(BIG), idx = new Int32Array(BIG);
  const k = () => backendFor('float32');
  return [
    ['binary add 1M dense', () => k().binary(BinaryOp.ADD, [n], a, 0, [1], b, 0, [1], out, 1), 12 * n],
    ['binary mul 1M dense', () => k().binary(BinaryOp.MUL, [n], a, 0, [1], b, 0, [1], out, 1), 12 * n],
    ['binary add 1024x1024 + bias row', () => k().binary(BinaryOp.ADD, [BIG, BIG], a, 0, [BIG, 1], bias, 0, [0, 1], out, 1), 8 * n],
    ['binary maximum 1M dense', () => k().binary(BinaryOp.MAXIMUM, [n], a, 0, [1], b, 0, [1], out, 0), 12 * n],
    ['reduce sum 1024x1024 over rows', () => k().reduce(ReduceOp.SUM, BIG, BIG, 1, a, row), 4 * n],
    ['reduce sum 1024x1024 over dim 0', () => k().reduce(ReduceOp.SUM, 1, BIG, BIG, a, row), 4 * n],
    ['reduce sum 1M to a scalar', () => k().reduce(ReduceOp.SUM, 1, n, 1, a, row), 4 * n],
    ['reduce logsumexp 1024x1024 rows', () => k().reduce(ReduceOp.LOGSUMEXP, BIG, BIG, 1, a, row), 4 * n],
    ['argReduce max 1024x1024 rows', () => k().argReduce(ReduceOp.MAX, BIG, BIG, 1, a, row, idx), 4 * n],
    ['stridedCopy transpose 1024x1024', () => k().stridedCopy([BIG, BIG], a, 0, [1, BIG], out, 0, [BIG, 1]), 8 * n],
    ['op add 1024x1024 (fresh output)', () => void ng.add(at, bt), 12 * n],
  ];
}

export const opsSuite: Suite = {
  name: 'ops',
  description: 'per-op overhead on tiny tensors (µs) and a 784-256-10 MLP step at batch 64',
  run(reporter: Reporter, options: BenchOptions): void {
    const backends = ng.nativeUnavailableReason() === null ? (['native', 'js'] as const) : (['js'] as const);
    const isa = ng.cpuInfo().isa;
    const rows: Row[] = [];
    const us = (r: Row) => fmt((r.median_ms * 1000) / REPS);
    // Warm every case on every backend first, so the JIT state is the same whichever backend runs first.
    for (const backend of backends) {
      ng.setBackend(backend);
      for (const [, fn] of overheadCases()) for (let i = 0; i < 20; i++) fn();
    }
    for (const backend of backends) {
      ng.setBackend(backend);
      for (const [name, fn] of overheadCases()) {
        const t = timeit(fn, options.budgetMs / 4);
        rows.push(reporter.add({ suite: 'ops', case: name, backend, isa: backend === 'js' ? 'js' : isa, threads: 1,
          median_ms: t.median, min_ms: t.min, max_ms: t.max, note: `${us({ median_ms: t.median } as Row)} us/op` }));
      }
    }
    reporter.table(`ops: per-op overhead (${REPS} ops per sample; us/op = median / ${REPS})`, rows, [{ header: 'us/op', cell: us }]);

    const mlpRows: Row[] = [];
    const threads = backends.length === 2 ? options.threads : [1];
    for (const backend of backends) {
      ng.setBackend(backend);
      for (const th of backend === 'js' ? [1] : threads) {
        const net = mlp();
        const t = withThreads(th, () => timeit(() => mlpStep(net), options.budgetMs, 5, backend === 'js' ? 20 : 200));
        mlpRows.push(reporter.add({ suite: 'ops', case: 'mlp 784-256-10 b64 fwd+bwd', backend, isa: backend === 'js' ? 'js' : isa, threads: th,
          median_ms: t.median, min_ms: t.min, max_ms: t.max, samples_per_s: 64_000 / t.median }));
      }
    }
    const js = mlpRows.find((r) => r.backend === 'js');
    reporter.table('ops: MLP training step', mlpRows, [{ header: 'x js', cell: (r) => (js ? fmt(js.median_ms / r.median_ms) : '') }]);

    const bigRows: Row[] = [];
    for (const backend of backends) {
      ng.setBackend(backend);
      for (const th of backend === 'js' ? [1] : threads) {
        for (const [name, fn, bytes] of bigCases()) {
          const t = withThreads(th, () => timeit(fn, options.budgetMs / 2, 3, backend === 'js' ? 20 : 200));
          bigRows.push(reporter.add({ suite: 'ops', case: name, backend, isa: backend === 'js' ? 'js' : isa, threads: th,
            median_ms: t.median, min_ms: t.min, max_ms: t.max, gbps: bytes / t.median / 1e6 }));
        }
      }
    }
    reporter.table('ops: large element-wise and reductions (GB/s of bytes read + written)', bigRows, [{ header: 'x js', cell: (r) => {
      const j = bigRows.find((o) => o.backend === 'js' && o.case === r.case);
      return j ? fmt(j.median_ms / r.median_ms) : '';
    } }]);
    ng.setBackend(backends[0]);
  },
};
