/**
 * `npm run bench -- conv`: conv2d forward and forward + backward (dX, dW, db) on the issue's shapes, native
 * at threads 1 and all vs the JS twin, in GFLOP/s (2·N·OC·OH·OW·C/groups·KH·KW per pass; forward +
 * backward counts three passes). A native GEMM at n = 512 in the same run is the yardstick; a 64 MiB copy in
 * the same run gives the memory bandwidth that the compulsory traffic (GB/s column: x and weight read and y
 * written by the forward; x, weight and dy read and dx, dweight written by the backward, one conv2dBackward
 * call) is measured against. "mem bound" is the time that traffic takes at the copy bandwidth and the share
 * of gemm512's GFLOP/s it would allow: the ceiling for the memory-bound conv-a (C = 1).
 */
import { jsKernels, nativeKernels, cpuInfo } from '../../lib/backend/index.js';
import type { Kernels } from '../../lib/backend/index.js';
import { conv2dGeometry } from '../../lib/backend/js/conv.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';

type G16 = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

const shapes: [string, G16][] = [
  // n, c, h, w, oc, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups
  ['conv-a 64x1x28x28 oc64 3x3 p1', [64, 1, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
  ['conv-b 32x64x32x32 oc64 3x3 p1', [32, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
  ['lenet-conv1 64x1x28x28 oc6 5x5 p2', [64, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1]],
  ['lenet-conv2 64x6x14x14 oc16 5x5', [64, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1]],
];

function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = (s >>> 8) / 16777216 - 0.5;
  }
  return a;
}

function passes(k: Kernels, g: G16): { fwd: () => void; all: () => void } {
  const s = conv2dGeometry('bench', ...g);
  const x = rand(s.xLength), w = rand(s.weightLength), b = rand(s.oc), dy = rand(s.yLength);
  const y = new Float32Array(s.yLength), dx = new Float32Array(s.xLength), dw = new Float32Array(s.weightLength), db = new Float32Array(s.oc);
  const fwd = () => k.conv2dForward(...g, x, w, b, y);
  return {
    fwd,
    all: () => {
      fwd();
      k.conv2dBackward(...g, x, dy, w, dx, dw, db);
    },
  };
}

export const convSuite: Suite = {
  name: 'conv',
  description: 'conv2d forward and forward + backward (conv-a, conv-b, lenet-conv1/2), native vs JS twin',
  run(reporter: Reporter, options: BenchOptions): void {
    const isa = cpuInfo().isa;
    const rows: Row[] = [];
    const bounds = new Map<Row, string>();
    const add = (r: Row): Row => {
      const added = reporter.add(r);
      rows.push(added);
      return added;
    };
    const gemmFlops: Record<number, number> = {};
    const M = 16 << 20, ca = new Float32Array(M), cb = new Float32Array(M).fill(1);
    const copy = timeit(() => ca.set(cb), options.budgetMs);
    const bandwidth = (8 * M) / copy.median / 1e6;
    add({ suite: 'conv', case: 'copy 64 MiB (bandwidth)', backend: 'js', isa: 'memmove', threads: 1, median_ms: copy.median, min_ms: copy.min, max_ms: copy.max, gbps: bandwidth });
    if (nativeKernels) {
      const n = 512, a = rand(n * n), bm = rand(n * n), c = new Float32Array(n * n);
      for (const threads of options.threads) {
        const t = withThreads(threads, () => timeit(() => nativeKernels!.gemm(false, false, n, n, n, 1, a, n, bm, n, 0, c, n), options.budgetMs));
        gemmFlops[threads] = (2 * n ** 3) / t.median / 1e6;
        add({ suite: 'conv', case: 'gemm 512 (yardstick)', backend: 'native', isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max, gflops: gemmFlops[threads] });
      }
    }
    for (const [name, g] of shapes) {
      const s = conv2dGeometry('bench', ...g);
      const flop = 2 * s.n * s.oc * s.oh * s.ow * (s.c / s.groups) * s.kh * s.kw;
      const bytes = { fwd: 4 * (s.xLength + s.weightLength + s.yLength), 'fwd+bwd': 4 * (3 * s.xLength + 3 * s.weightLength + 2 * s.yLength + s.oc) };
      for (const [pass, mult] of [['fwd', 1], ['fwd+bwd', 3]] as const) {
        if (nativeKernels) {
          const p = passes(nativeKernels, g);
          for (const threads of options.threads) {
            const t = withThreads(threads, () => timeit(pass === 'fwd' ? p.fwd : p.all, options.budgetMs));
            const r = add({ suite: 'conv', case: `${name} ${pass}`, backend: 'native', isa, threads, median_ms: t.median, min_ms: t.min, max_ms: t.max, gflops: (mult * flop) / t.median / 1e6, gbps: bytes[pass] / t.median / 1e6 });
            const boundMs = bytes[pass] / bandwidth / 1e6;
            if (gemmFlops[threads]) bounds.set(r, `${fmt(boundMs)} ms = ${fmt((100 * mult * flop) / boundMs / 1e6 / gemmFlops[threads])}%`);
          }
        }
        // The JS twin is single-threaded and slow on conv-b: one timed sample after the warm-up.
        const p = passes(jsKernels, g);
        const t = timeit(pass === 'fwd' ? p.fwd : p.all, 0, 1, 1);
        add({ suite: 'conv', case: `${name} ${pass}`, backend: 'js', isa: 'js', threads: 1, median_ms: t.median, min_ms: t.min, max_ms: t.max, gflops: (mult * flop) / t.median / 1e6 });
      }
    }
    reporter.table('conv2d (GFLOP/s: 2·N·OC·OH·OW·C/g·KH·KW per pass, 3 passes for fwd+bwd)', rows, [
      { header: 'native/js', cell: (r) => ratio(rows, r) },
      { header: '% gemm512', cell: (r) => (r.backend === 'native' && gemmFlops[r.threads] && !r.case.startsWith('gemm') ? `${fmt((100 * r.gflops!) / gemmFlops[r.threads])}%` : '') },
      { header: '% copy bw', cell: (r) => (r.backend === 'native' && r.gbps !== undefined ? `${fmt((100 * r.gbps) / bandwidth)}%` : '') },
      { header: 'mem bound (% gemm512)', cell: (r) => bounds.get(r) ?? '' },
    ]);
  },
};

function ratio(rows: Row[], r: Row): string {
  if (r.backend !== 'native') return '';
  const js = rows.find((o) => o.backend === 'js' && o.case === r.case);
  return js ? `${fmt(js.median_ms / r.median_ms)}x` : '';
}
