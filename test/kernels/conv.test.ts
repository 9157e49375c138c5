import { describe, expect, it } from 'vitest';
import { cpuInfo, jsKernels, nativeAddon, nativeKernels } from '../../lib/backend/index.js';
import { conv2dGeometry, samePadding } from '../../lib/backend/js/conv.js';
import { gridDigestsPerThreadCount } from '../helpers/child.js';
import { testSeed } from '../helpers/rng.js';
import { checkConvCase, describeCase, runConvGrid, type ConvCase } from './conv_cases.js';

const FULL = process.env.NODEGRAD_FULL === '1';
const base: ConvCase = { n: 2, c: 3, h: 9, w: 11, oc: 5, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1, bias: true, exact: false };

/** Hand-picked cases on top of the sampled grid: each option on its own, in both modes. */
const fixed: ConvCase[] = [
  { ...base },
  { ...base, kh: 1, kw: 1, pt: 0, pb: 0, pl: 0, pr: 0 },                 // 1×1 stride 1: the no-im2col path
  { ...base, kh: 1, kw: 1, pt: 0, pb: 0, pl: 0, pr: 0, exact: true },
  { ...base, kh: 1, kw: 1, pt: 0, pb: 0, pl: 0, pr: 0, sh: 2, sw: 2 },   // 1×1 strided: the general path
  { ...base, sh: 2, sw: 3, dh: 2, dw: 1, pt: 2, pb: 0, pl: 0, pr: 1 },
  { ...base, c: 4, oc: 6, groups: 2 },
  { ...base, c: 6, oc: 12, groups: 6, exact: true },                      // depthwise, multiplier 2
  { ...base, h: 7, w: 16, kh: 7, kw: 16, pt: 0, pb: 0, pl: 0, pr: 0 },   // kernel = full input
  { ...base, h: 1, kh: 1, pt: 0, pb: 0, w: 33, kw: 5, pl: 2, pr: 2 },   // conv1d as h = 1
  { ...base, n: 0 },
  { ...base, exact: true, n: 3, c: 8, oc: 17, h: 17, w: 17 },
  { ...base, n: 11, c: 1, oc: 20, h: 9, w: 10 },                         // C = 1: one-call backward, 8 batch chunks
  { ...base, n: 11, c: 1, oc: 20, h: 9, w: 10, exact: true },
];

describe('conv2d kernels: native vs JS twin (float64)', () => {
  it('fixed cases', () => {
    const failures = fixed.map((c, i) => [c, checkConvCase(c, testSeed(i))] as const).filter(([, m]) => m !== null);
    expect(failures.map(([c, m]) => `${describeCase(c)}: ${m}`)).toEqual([]);
  });

  const count = FULL ? 1500 : 150, childCount = FULL ? 1000 : 40;
  it(`sampled T2 grid (${count} cases)`, () => {
    expect(runConvGrid(count, testSeed(100))).toEqual([]);
  });

  it('a tile boundary: more output pixels than one im2col tile holds', () => {
    // K = 64·3·3 = 576 → tiles of 448 columns; 40×40 = 1600 pixels is 4 tiles, the last one short.
    const c: ConvCase = { ...base, n: 1, c: 64, oc: 3, h: 40, w: 40, exact: true };
    expect(checkConvCase(c, testSeed(7))).toBeNull();
    expect(checkConvCase({ ...c, exact: false }, testSeed(8))).toBeNull();
  });

  it('keeps the im2col workspace bounded for a large input', () => {
    // Full columns would be 8·9 × 512·512 floats = 75 MB; tiles keep it near kColumnBudget per thread.
    const g = [1, 8, 512, 512, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1] as const;
    const s = conv2dGeometry('test', ...g);
    const x = new Float32Array(s.xLength).fill(1), wt = new Float32Array(s.weightLength).fill(1);
    const y = new Float32Array(s.yLength);
    nativeKernels!.conv2dForward(...g, x, wt, null, y);
    expect(y[513 * 1 + 0]).toBe(8 * 9);
    expect(nativeAddon()!.workspaceBytes()).toBeLessThan(16 * 2 ** 20);
  });

  // Thread counts are set per process (NODEGRAD_NUM_THREADS): every ISA at 1 and 2 threads, and the digests
  // of all native outputs must agree across thread counts.
  const info = cpuInfo();
  for (const isa of info.available) {
    it(`the grid with NODEGRAD_ISA=${isa}, 1 and 2 threads (child processes), bitwise equal across threads`, () => {
      const digests = gridDigestsPerThreadCount(isa, `
          import { runConvGrid, digest } from './test/kernels/conv_cases.ts';
          const failures = runConvGrid(${childCount}, ${testSeed(200)});
          console.log(JSON.stringify({ failures, digest: digest.h }));`);
      expect(digests[1]).toBe(digests[0]);
    });
  }
});

describe("the seed's TensorFlow conv2d, in NCHW", () => {
  it('conv2d of [N,28,28,1] with a [3,3,1,64] filter, stride 1, SAME', () => {
    // TF: x NHWC [N, 28, 28, 1], filter HWIO [3, 3, 1, 64]. nodegrad: x NCHW [N, 1, 28, 28] (with C = 1 the
    // same bytes), weight OIHW [64, 1, 3, 3] (weight[o, 0, ky, kx] = filter[ky, kx, 0, o]), and y NCHW
    // [N, 64, 28, 28] whose y[n, o, i, j] is TF's y[n, i, j, o]. SAME with stride 1: 1 pixel per side.
    const N = 2;
    const r = new (class { s = testSeed(9); next() { this.s = (this.s * 1103515245 + 12345) >>> 0; return ((this.s >>> 8) % 7) - 3; } })();
    const xNhwc = Float32Array.from({ length: N * 28 * 28 }, () => r.next());
    const filterHwio = Float32Array.from({ length: 3 * 3 * 64 }, () => r.next());
    const weight = new Float32Array(64 * 9);
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) for (let o = 0; o < 64; o++) weight[o * 9 + ky * 3 + kx] = filterHwio[(ky * 3 + kx) * 64 + o];
    const [pt, pb] = samePadding(28, 3, 1), [pl, pr] = samePadding(28, 3, 1);
    expect([pt, pb, pl, pr]).toEqual([1, 1, 1, 1]);
    const y = new Float32Array(N * 64 * 28 * 28);
    nativeKernels!.conv2dForward(N, 1, 28, 28, 64, 3, 3, 1, 1, pt, pb, pl, pr, 1, 1, 1, xNhwc, weight, null, y);
    // TF's definition, written out in NHWC: y[n,i,j,o] = Σ_{di,dj} x[n, i+di−1, j+dj−1, 0]·filter[di, dj, 0, o].
    for (let n = 0; n < N; n++) for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) for (let o = 0; o < 64; o++) {
      let acc = 0;
      for (let di = 0; di < 3; di++) for (let dj = 0; dj < 3; dj++) {
        const ii = i + di - 1, jj = j + dj - 1;
        if (ii >= 0 && ii < 28 && jj >= 0 && jj < 28) acc += xNhwc[(n * 28 + ii) * 28 + jj] * filterHwio[(di * 3 + dj) * 64 + o];
      }
      if (y[((n * 64 + o) * 28 + i) * 28 + j] !== acc) throw new Error(`mismatch at n${n} i${i} j${j} o${o}`);
    }
  });
});

describe('conv2d kernels: bad input (T8), native and JS alike', () => {
  const good = [1, 2, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1];
  const arrays = () => [new Float32Array(50), new Float32Array(72), null, new Float32Array(100)];
  const cases: [string, unknown[], typeof TypeError | typeof RangeError, RegExp][] = [
    ['zero stride', [...good.slice(0, 7), 0, ...good.slice(8)], RangeError, /strideH/],
    ['zero dilation', [...good.slice(0, 14), 0, 1], RangeError, /dilationW/],
    ['negative padding', [...good.slice(0, 9), -1, ...good.slice(10)], RangeError, /padTop/],
    ['non-integer size', [1, 2, 5.5, ...good.slice(3)], RangeError, /\bh\b/],
    ['NaN size', [1, NaN, ...good.slice(2)], RangeError, /\bc\b/],
    ['string size', ['1', ...good.slice(1)], TypeError, /\bn\b/],
    ['kernel larger than the padded input', [1, 2, 5, 5, 4, 9, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1], RangeError, /kernel height 9 .* padded input height 7/],
    ['groups not dividing c', [1, 2, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3], RangeError, /c \(2\) to be divisible by groups \(3\)/],
    ['groups not dividing oc', [1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2], RangeError, /oc \(3\) to be divisible by groups \(2\)/],
    ['size over 2^31', [2 ** 31, ...good.slice(1)], RangeError, /\bn\b/],
  ];
  for (const k of [nativeKernels!, jsKernels]) {
    for (const [what, g, cls, re] of cases) {
      it(`${k.name}: ${what}`, () => {
        expect(() => (k.conv2dForward as (...a: unknown[]) => void)(...g, ...arrays())).toThrow(cls);
        expect(() => (k.conv2dForward as (...a: unknown[]) => void)(...g, ...arrays())).toThrow(re);
        expect(() => (k.conv2dForward as (...a: unknown[]) => void)(...g, ...arrays())).toThrow(/^nodegrad\.conv2dForward: expected/);
      });
    }
    it(`${k.name}: wrong arrays and lengths`, () => {
      const f = k.conv2dForward as (...a: unknown[]) => void;
      const [x, w, , y] = arrays();
      expect(() => f(...good, new Float32Array(49), w, null, y)).toThrow(/expected x to hold at least 50 elements, got 49/);
      expect(() => f(...good, x, new Float32Array(71), null, y)).toThrow(/weight to hold at least 72/);
      expect(() => f(...good, x, w, new Float32Array(3), y)).toThrow(/bias to hold at least 4/);
      expect(() => f(...good, x, w, null, new Float32Array(99))).toThrow(/y to hold at least 100/);
      expect(() => f(...good, [1, 2], w, null, y)).toThrow(TypeError);
      expect(() => f(...good, new Int32Array(50), w, null, y)).toThrow(/expected x to be a Float32Array/);
      expect(() => f(...good, x, w, null)).toThrow(/expected 20 arguments, got 19/);
      const detached = new Float32Array(50);
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      // Node < 22 cannot tell a detached buffer from an empty one in JS: the twin then reports the length.
      expect(() => f(...good, detached, w, null, y)).toThrow(k.name === 'native' ? /detached/ : /detached|got 0/);
      // Sizes whose products overflow 2^53 must throw before any memory is touched.
      expect(() => f(2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1, 5, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, x, w, null, y)).toThrow(/overflows/);
      const fb = k.conv2dBackwardBias as (...a: unknown[]) => void;
      expect(() => fb(1, 0, 4, x, x)).toThrow(/oc/);
      expect(() => fb(2, 4, 25, new Float32Array(199), x)).toThrow(/dy to hold at least 200/);
    });
  }
  it('native only takes Float32Array', () => {
    const f = nativeKernels!.conv2dForward as (...a: unknown[]) => void;
    expect(() => f(...good, new Float64Array(50), new Float32Array(72), null, new Float32Array(100))).toThrow(/expected x to be a Float32Array, got Float64Array\(50\)/);
  });
});
