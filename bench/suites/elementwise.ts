/**
 * `npm run bench -- elementwise`: element-wise kernels on 1M floats, native (threads 1 and all) vs the JS
 * twin, in GB/s of compulsory traffic (4 bytes per element read or written): relu, sigmoid, tanh, exp
 * forward, sigmoid backward, add (binary), softmax over rows of 1000, and one Adam update (p, grad, m, v
 * read, p, m, v written). A native copy-like op (neg) gives the memory-bound reference in the same run.
 */
import { BinaryOp, UnaryOp } from '../../lib/backend/kernels/elementwise.js';
import { cpuInfo, jsKernels, nativeKernels } from '../../lib/backend/index.js';
import type { Kernels } from '../../lib/backend/index.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';

const N = 1 << 20;

function cases(k: Kernels): [string, () => void, number][] {
  const x = new Float32Array(N).map((_, i) => 4 * Math.sin(i)), y = new Float32Array(N), g = new Float32Array(N).fill(0.5);
  const out = new Float32Array(N), m = new Float32Array(N), v = new Float32Array(N), p = x.slice();
  const unary = (op: number) => () => k.unary(op, N, x, y, 0, 0);
  return [
    ['neg 1M', unary(UnaryOp.NEG), 8 * N],
    ['relu 1M', unary(UnaryOp.RELU), 8 * N],
    ['sigmoid 1M', unary(UnaryOp.SIGMOID), 8 * N],
    ['tanh 1M', unary(UnaryOp.TANH), 8 * N],
    ['exp 1M', unary(UnaryOp.EXP), 8 * N],
    ['sigmoid backward 1M', () => k.unaryBackward(UnaryOp.SIGMOID, N, x, y, g, out, 0, 0), 12 * N],
    ['add 1M', () => k.binary(BinaryOp.ADD, [N], x, 0, [1], g, 0, [1], out, 1), 12 * N],
    ['softmax 1024x1000', () => k.softmax(1024, 1000, 1, x, out), 8 * 1024 * 1000],
    ['adam update 1M', () => k.adamUpdate(p, g, m, v, null, 10, 1e-3, 0.9, 0.999, 1e-8, 0, false, false), 28 * N],
  ];
}

export const elementwiseSuite: Suite = {
  name: 'elementwise',
  description: 'relu/sigmoid/tanh/exp/add/softmax/adam on 1M floats, native vs JS, GB/s',
  run(reporter: Reporter, options: BenchOptions): void {
    const isa = cpuInfo().isa;
    const rows: Row[] = [];
    const add = (r: Row) => rows.push(reporter.add(r));
    if (nativeKernels) {
      for (const [name, fn, bytes] of cases(nativeKernels)) {
        for (const threads of options.threads) {
          const t = withThreads(threads, () => timeit(fn, options.budgetMs));
          add({ suite: 'elementwise', case: name, backend: 'native', isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max, gbps: bytes / t.median / 1e6 });
        }
      }
    }
    for (const [name, fn, bytes] of cases(jsKernels)) {
      const t = timeit(fn, options.budgetMs, 3);
      add({ suite: 'elementwise', case: name, backend: 'js', isa: 'js', threads: 1, median_ms: t.median, min_ms: t.min, max_ms: t.max, gbps: bytes / t.median / 1e6 });
    }
    reporter.table('element-wise kernels (GB/s of bytes read + written)', rows, [
      { header: 'native/js', cell: (r) => {
        const js = rows.find((o) => o.backend === 'js' && o.case === r.case && r.backend === 'native');
        return js ? `${fmt(js.median_ms / r.median_ms)}x` : '';
      } },
    ]);
  },
};
