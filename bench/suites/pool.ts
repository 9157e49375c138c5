/**
 * `npm run bench -- pool`: max and average pooling 2×2 stride 2 on N=64, C=64, 28×28 (the shape) and
 * on small 14×14 planes (N=64, C=512), max 3×3 stride 2 padding 1 on the ResNet stem's 64×112×112 (N=8) and in
 * ceil mode on 14×14 planes, average 3×3 stride 1 padding 1 on 28×28, and global average pooling on N=64,
 * C=512, 7×7; forward and forward + backward, native at threads 1 and all vs the JS twin, in GB/s of
 * compulsory traffic (bytes read + written: x, y and int32 indices forward; dy, indices and dx backward). A
 * copy (TypedArray.set, i.e. memmove) and a triad (native a = b + 3·c) on 64 MiB arrays in the same run give
 * one core's memory bandwidth, the bound pooling is measured against (from medians, and from each case's
 * fastest sample).
 */
import { BinaryOp } from '../../lib/backend/kernels/elementwise.js';
import { cpuInfo, jsKernels, nativeKernels } from '../../lib/backend/index.js';
import type { Kernels } from '../../lib/backend/index.js';
import { fmt, timeit, withThreads, type BenchOptions, type Reporter, type Row, type Suite } from '../harness.js';

interface Shape { n: number; c: number; h: number; w: number; k: number; s: number; p: number; ceil?: boolean }

/** PyTorch's output size, ceil mode's last window starting inside the input or its leading padding. */
function outSize(size: number, g: Shape): number {
  const o = (g.ceil ? Math.ceil : Math.floor)((size + 2 * g.p - g.k) / g.s) + 1;
  return g.ceil && (o - 1) * g.s >= size + g.p ? o - 1 : o;
}

/** [name, run, bytes read + written] for max and average pooling on one shape. */
function poolCases(k: Kernels, label: string, g: Shape, avg: boolean | 'only'): [string, () => void, number][] {
  const X = g.n * g.c * g.h * g.w, Y = g.n * g.c * outSize(g.h, g) * outSize(g.w, g);
  const x = new Float32Array(X).map((_, i) => Math.sin(i)), dy = new Float32Array(Y).fill(1);
  const y = new Float32Array(Y), dx = new Float32Array(X), idx = new Int32Array(Y);
  const ceil = g.ceil ?? false;
  const geom = [g.n, g.c, g.h, g.w, g.k, g.k, g.s, g.s, g.p, g.p, g.p, g.p] as const;
  const maxF = () => k.maxPool2dForward(...geom, 1, 1, ceil, x, y, idx);
  const maxB = () => k.maxPool2dBackward(...geom, 1, 1, ceil, dy, idx, dx);
  const avgF = () => k.avgPool2dForward(...geom, ceil, true, x, y);
  const avgB = () => k.avgPool2dBackward(...geom, ceil, true, dy, dx);
  maxF();
  const out: [string, () => void, number][] = avg === 'only' ? [] : [
    [`max ${label} fwd`, maxF, 4 * (X + 2 * Y)],
    [`max ${label} fwd+bwd`, () => (maxF(), maxB()), 4 * (X + 2 * Y) + 4 * (2 * Y + X)],
  ];
  if (avg) out.push([`avg ${label} fwd`, avgF, 4 * (X + Y)], [`avg ${label} fwd+bwd`, () => (avgF(), avgB()), 8 * (X + Y)]);
  return out;
}

/** Global average pooling (adaptive to 1×1) on [N, C, H, W]. */
function globalAvgCases(k: Kernels, n: number, c: number, h: number, w: number): [string, () => void, number][] {
  const X = n * c * h * w, Y = n * c;
  const x = new Float32Array(X).map((_, i) => Math.sin(i)), dy = new Float32Array(Y).fill(1);
  const y = new Float32Array(Y), dx = new Float32Array(X);
  const f = () => k.adaptiveAvgPool2dForward(n, c, h, w, 1, 1, x, y);
  const b = () => k.adaptiveAvgPool2dBackward(n, c, h, w, 1, 1, dy, dx);
  const label = `global avg ${n}x${c}x${h}x${w}`;
  return [[`${label} fwd`, f, 4 * (X + Y)], [`${label} fwd+bwd`, () => (f(), b()), 8 * (X + Y)]];
}

function cases(k: Kernels): [string, () => void, number][] {
  return [
    ...poolCases(k, '2x2/2', { n: 64, c: 64, h: 28, w: 28, k: 2, s: 2, p: 0 }, true),
    // The ResNet stem's pool (64 channels at 112×112), batch 8.
    ...poolCases(k, '3x3/2 p1 8x64x112x112', { n: 8, c: 64, h: 112, w: 112, k: 3, s: 2, p: 1 }, false),
    // Small planes: rows of 7 outputs.
    ...poolCases(k, '2x2/2 64x512x14x14', { n: 64, c: 512, h: 14, w: 14, k: 2, s: 2, p: 0 }, true),
    // GoogLeNet's overlapping 3×3/2 ceil-mode pool on small planes (14×14 → 8×8, the last window one column).
    ...poolCases(k, '3x3/2 p1 ceil 64x512x14x14', { n: 64, c: 512, h: 14, w: 14, k: 3, s: 2, p: 1, ceil: true }, false),
    // Inception's 3×3/1 pad 1 average pool: every element in nine windows.
    ...poolCases(k, '3x3/1 p1 64x64x28x28', { n: 64, c: 64, h: 28, w: 28, k: 3, s: 1, p: 1 }, 'only'),
    ...globalAvgCases(k, 64, 512, 7, 7),
  ];
}

export const poolSuite: Suite = {
  name: 'pool',
  description: 'max/avg pooling (2x2/2, 3x3/2 pad 1, global avg), forward and forward + backward, vs copy/triad bandwidth',
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
