/**
 * `npm run bench -- pool`: max and average pooling 2×2 stride 2 on N=64, C=64, 28×28, forward and
 * forward + backward, native at threads 1 and all vs the JS twin, in GB/s of compulsory traffic (bytes
 * read + written: x, y and int32 indices forward; dy, indices and dx backward). A copy (TypedArray.set,
 * i.e. memmove) and a triad (native a = b + 3·c) on 64 MiB arrays in the same run give one core's memory
 * bandwidth, the bound pooling is measured against (from medians, and from each case's fastest sample).
 */
import { BinaryOp } from '../../lib/backend/kernels/elementwise.js';
import { cpuInfo, jsKernels, nativeKernels } from '../../lib/backend/index.js';
import type { Kernels } from '../../lib/backend/index.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';

const N = 64, C = 64, H = 28, W = 28, OH = 14, OW = 14;
const X = N * C * H * W, Y = N * C * OH * OW;

function cases(k: Kernels): [string, () => void, number][] {
  const x = new Float32Array(X).map((_, i) => Math.sin(i)), dy = new Float32Array(Y).fill(1);
  const y = new Float32Array(Y), dx = new Float32Array(X), idx = new Int32Array(Y);
  const maxF = () => k.maxPool2dForward(N, C, H, W, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, false, x, y, idx);
  const maxB = () => k.maxPool2dBackward(N, C, H, W, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, false, dy, idx, dx);
  const avgF = () => k.avgPool2dForward(N, C, H, W, 2, 2, 2, 2, 0, 0, 0, 0, false, true, x, y);
  const avgB = () => k.avgPool2dBackward(N, C, H, W, 2, 2, 2, 2, 0, 0, 0, 0, false, true, dy, dx);
  maxF();
  return [
    ['max 2x2/2 fwd', maxF, 4 * (X + 2 * Y)],
    ['max 2x2/2 fwd+bwd', () => (maxF(), maxB()), 4 * (X + 2 * Y) + 4 * (2 * Y + X)],
    ['avg 2x2/2 fwd', avgF, 4 * (X + Y)],
    ['avg 2x2/2 fwd+bwd', () => (avgF(), avgB()), 8 * (X + Y)],
  ];
}

export const poolSuite: Suite = {
  name: 'pool',
  description: 'max/avg pooling 2x2/2 on 64x64x28x28, forward and forward + backward, vs copy/triad bandwidth',
  run(reporter: Reporter, options: BenchOptions): void {
    const isa = cpuInfo().isa;
    const rows: Row[] = [];
    const add = (r: Row) => rows.push(reporter.add(r));
    const M = 16 << 20;
    const a = new Float32Array(M), b = new Float32Array(M).fill(1), c = new Float32Array(M).fill(2);
    const copy = timeit(() => a.set(b), options.budgetMs);
    add({ suite: 'pool', case: 'copy 64 MiB (bound)', backend: 'js', isa: 'memmove', threads: 1, median_ms: copy.median, min_ms: copy.min, max_ms: copy.max, gbps: (8 * M) / copy.median / 1e6 });
    let bound = (8 * M) / copy.median / 1e6;
    // The same ratio from each case's fastest sample: steadier than medians when other jobs load the machine.
    let boundMin = (8 * M) / copy.min / 1e6;
    if (nativeKernels) {
      const triad = withThreads(1, () => timeit(() => nativeKernels!.binary(BinaryOp.ADD, [M], b, 0, [1], c, 0, [1], a, 3), options.budgetMs));
      const gbps = (12 * M) / triad.median / 1e6;
      bound = Math.max(bound, gbps);
      boundMin = Math.max(boundMin, (12 * M) / triad.min / 1e6);
      add({ suite: 'pool', case: 'triad 64 MiB (bound)', backend: 'native', isa, threads: 1, median_ms: triad.median, min_ms: triad.min, max_ms: triad.max, gbps });
      for (const [name, fn, bytes] of cases(nativeKernels)) {
        for (const threads of options.threads) {
          const t = withThreads(threads, () => timeit(fn, options.budgetMs));
          add({ suite: 'pool', case: name, backend: 'native', isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max, gbps: bytes / t.median / 1e6 });
        }
      }
    }
    for (const [name, fn, bytes] of cases(jsKernels)) {
      const t = timeit(fn, options.budgetMs, 3);
      add({ suite: 'pool', case: name, backend: 'js', isa: 'js', threads: 1, median_ms: t.median, min_ms: t.min, max_ms: t.max, gbps: bytes / t.median / 1e6 });
    }
    reporter.table(`pooling (GB/s of bytes read + written; bound = best of copy/triad, 1 thread = ${fmt(bound)} GB/s)`, rows, [
      { header: 'native/js', cell: (r) => {
        const js = rows.find((o) => o.backend === 'js' && o.case === r.case && r.backend === 'native');
        return js ? `${fmt(js.median_ms / r.median_ms)}x` : '';
      } },
      { header: '% bound', cell: (r) => (r.gbps !== undefined && !r.case.includes('bound') ? `${fmt((100 * r.gbps) / bound)}%` : '') },
      { header: '% bound (min)', cell: (r) => (r.gbps !== undefined && !r.case.includes('bound') ? `${fmt((100 * r.gbps * r.median_ms) / r.min_ms / boundMin)}%` : '') },
    ]);
  },
};
