import { describe, expect, it } from 'vitest';
import { cpuInfo, jsKernels, nativeKernels } from '../../lib/backend/index.js';
import { pool2dGeometry } from '../../lib/backend/js/pool.js';
import { gridDigestsPerThreadCount } from '../helpers/child.js';
import { EPS32, expectClose } from '../helpers/close.js';
import { rng, testSeed, toF64 } from '../helpers/rng.js';
import { checkAvg, checkMax, maxGeom, runAdaptive, runEditedIndices, runMaxSpecials, runPool2x2Tiles, runPoolGrid, runSeparableMax, type PoolCase } from './pool_cases.js';

const FULL = process.env.NODEGRAD_FULL === '1';
const base: PoolCase = { n: 1, c: 2, h: 5, w: 37, kh: 2, kw: 2, sh: 2, sw: 2, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, ceil: false, includePad: true };

describe('pooling kernels: native vs JS twin', () => {
  it(`sampled T3 grid (${FULL ? 3000 : 300} cases): max bitwise, avg within bound`, () => {
    expect(runPoolGrid(FULL ? 3000 : 300, testSeed(300))).toEqual([]);
  });

  it('NaN, ±Inf and −FLT_MAX at every position and SIMD lane (stride 1 and 2, padded)', () => {
    const shapes: PoolCase[] = [
      base,                                                                  // 2×2/2: the even-lane shuffle
      { ...base, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1 },   // 3×3/1 padded
      { ...base, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pb: 1, pl: 1, pr: 1, ceil: true },
      { ...base, kh: 2, kw: 3, dh: 2, dw: 2, sh: 1, sw: 1, pl: 1, pr: 1 },
    ];
    for (const [i, p] of shapes.entries()) expect(runMaxSpecials({ ...p, c: 1 }, testSeed(10 + i))).toEqual([]);
  });

  it('3×3 windows on planes past L1 (row by row with border windows), random and tied inputs', () => {
    const r = rng(7);
    for (const p of [
      { ...base, h: 5, w: 1100, kh: 3, kw: 3, pt: 1, pb: 1, pl: 1, pr: 1 },
      { ...base, h: 4, w: 1300, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, ceil: true, includePad: false },
    ]) {
      const s = pool2dGeometry('test', true, ...maxGeom(p));
      expect(checkMax(p, r.f32(s.xLength), r.ints(s.yLength))).toBeNull();
      expect(checkMax(p, r.ints(s.xLength), r.ints(s.yLength))).toBeNull();
      expect(checkAvg(p, r.f32(s.xLength), r.f32(s.yLength))).toBeNull();
    }
  });

  it('max with rows shared by overlapping windows (stem 3×3/2, ceil mode on 14×14, 4×4, 1×3): bitwise', () => {
    expect(runSeparableMax(testSeed(800))).toEqual([]);
  });

  it('max backward: indices outside their window (or −1) go to the scatter, bitwise as the twin', () => {
    expect(runEditedIndices(testSeed(700))).toEqual([]);
  });

  it('2×2/2 on even planes, rows of 1-33 outputs: even/odd split forward, one-pass backward tiles', () => {
    expect(runPool2x2Tiles(testSeed(500))).toEqual([]);
  });

  it('ties go to the first tap in window order (constant input)', () => {
    const p: PoolCase = { ...base, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1 };
    const s = pool2dGeometry('test', true, ...maxGeom(p));
    const x = new Float32Array(s.xLength).fill(2);
    expect(checkMax(p, x, rng(1).ints(s.yLength))).toBeNull();
    const y = new Float32Array(s.yLength), idx = new Int32Array(s.yLength);
    nativeKernels!.maxPool2dForward(...maxGeom(p), x, y, idx);
    // Output (1, 1) covers rows 0..2, columns 0..2: the first tap is (0, 0).
    expect(idx[1 * s.ow + 1]).toBe(0);
    expect(idx[2 * s.ow + 5]).toBe(1 * p.w + 4);
  });

  it('padding never wins: every real input −Inf', () => {
    const p: PoolCase = { ...base, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pb: 1, pl: 1, pr: 1 };
    const s = pool2dGeometry('test', true, ...maxGeom(p));
    const x = new Float32Array(s.xLength).fill(-Infinity);
    expect(checkMax(p, x, rng(2).ints(s.yLength))).toBeNull();
    const y = new Float32Array(s.yLength), idx = new Int32Array(s.yLength);
    nativeKernels!.maxPool2dForward(...maxGeom(p), x, y, idx);
    expect([...y].every((v) => v === -Infinity)).toBe(true);
    expect([...idx].every((v) => v >= 0)).toBe(true);
  });

  it('a window of padding only (dilation) gives −Inf and index −1, skipped by backward', () => {
    const p: PoolCase = { ...base, h: 1, w: 1, kh: 2, kw: 2, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 2, dw: 2 };
    const x = Float32Array.of(5);
    const s = pool2dGeometry('test', true, ...maxGeom({ ...p, c: 1 }));
    expect([s.oh, s.ow]).toEqual([1, 1]);
    expect(checkMax({ ...p, c: 1 }, x, Float32Array.of(1))).toBeNull();
    const y = new Float32Array(1), idx = new Int32Array(1);
    nativeKernels!.maxPool2dForward(...maxGeom({ ...p, c: 1 }), x, y, idx);
    expect([y[0], idx[0]]).toEqual([-Infinity, -1]);
  });

  it('count_include_pad and ceil mode follow PyTorch', () => {
    // avg_pool2d(ones(1,1,6,6), 3, stride 2, padding 1, ceil_mode=True): 4×4 output; the corner window
    // holds 4 real taps of 9 (include: 4/9); the last window starts at 5 and is clipped at h + pad = 7, so it
    // counts 2×2 = 4 taps of which 1 is real (include: 1/4).
    const p: PoolCase = { ...base, c: 1, h: 6, w: 6, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pb: 1, pl: 1, pr: 1, ceil: true };
    for (const includePad of [true, false]) {
      const y = new Float32Array(16);
      nativeKernels!.avgPool2dForward(1, 1, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, true, includePad, new Float32Array(36).fill(1), y);
      expect(y[0]).toBeCloseTo(includePad ? 4 / 9 : 1, 6);
      expect(y[15]).toBeCloseTo(includePad ? 1 / 4 : 1, 6);
      expect(checkAvg({ ...p, includePad }, rng(3).f32(36), rng(4).f32(16))).toBeNull();
    }
  });

  it('adaptive average pooling (global, tiling and uneven windows): within bound, exact mode bitwise', () => {
    expect(runAdaptive(testSeed(600))).toEqual([]);
  });

  // Thread counts are set per process (NODEGRAD_NUM_THREADS): every ISA at 1 and 2 threads, and the digests
  // of all native outputs must agree across thread counts.
  for (const isa of cpuInfo().available) {
    it(`grid and special values with NODEGRAD_ISA=${isa}, 1 and 2 threads (child processes)`, () => {
      const digests = gridDigestsPerThreadCount(isa, `
          import { runAdaptive, runEditedIndices, runPoolGrid, runMaxSpecials, runPool2x2Tiles, runSeparableMax } from './test/kernels/pool_cases.ts';
          import { digest } from './test/kernels/conv_cases.ts';
          const base = ${JSON.stringify(base)};
          const failures = [...runPoolGrid(${FULL ? 2000 : 80}, ${testSeed(400)}), ...runMaxSpecials({ ...base, c: 1 }, 1),
            ...runMaxSpecials({ ...base, c: 1, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1 }, 2),
            ...runMaxSpecials({ ...base, c: 1, h: 3, w: 13, kh: 3, kw: 3, pt: 1, pb: 1, pl: 1, pr: 1 }, 3),
            ...runMaxSpecials({ ...base, c: 1, h: 3, w: 9, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1 }, 4),
            ...runMaxSpecials({ ...base, c: 1, h: 14, w: 14, kh: 3, kw: 3, pt: 1, pb: 1, pl: 1, pr: 1, ceil: true }, 5),
            ...runPool2x2Tiles(${testSeed(500)}), ...runAdaptive(${testSeed(600)}), ...runEditedIndices(${testSeed(700)}),
            ...runSeparableMax(${testSeed(800)})];
          console.log(JSON.stringify({ failures, digest: digest.h }));`);
      expect(digests[1]).toBe(digests[0]);
    });
  }
});

describe("the seed's TensorFlow max_pool, in NCHW", () => {
  it('max_pool 2×2 stride 2 SAME on [N,28,28,64]', () => {
    // TF: x NHWC [N, 28, 28, C], ksize 2, strides 2, 'SAME' → [N, 14, 14, C]; SAME pads
    // max((⌈28/2⌉−1)·2 + 2 − 28, 0) = 0. nodegrad: x NCHW [N, C, 28, 28] (x[n, c, i, j] = TF's x[n, i, j, c]),
    // no padding, y NCHW [N, C, 14, 14] with y[n, c, i, j] = TF's y[n, i, j, c].
    const N = 2, C = 64;
    const r = rng(6);
    const xNhwc = r.f32(N * 28 * 28 * C);
    const xNchw = new Float32Array(xNhwc.length);
    for (let n = 0; n < N; n++) for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) for (let c = 0; c < C; c++) {
      xNchw[((n * C + c) * 28 + i) * 28 + j] = xNhwc[((n * 28 + i) * 28 + j) * C + c];
    }
    const y = new Float32Array(N * C * 14 * 14), idx = new Int32Array(y.length);
    nativeKernels!.maxPool2dForward(N, C, 28, 28, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, false, xNchw, y, idx);
    // TF's definition in NHWC: y[n,i,j,c] = max over di, dj < 2 of x[n, 2i+di, 2j+dj, c].
    for (let n = 0; n < N; n++) for (let i = 0; i < 14; i++) for (let j = 0; j < 14; j++) for (let c = 0; c < C; c++) {
      let m = -Infinity;
      for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) m = Math.max(m, xNhwc[((n * 28 + 2 * i + di) * 28 + 2 * j + dj) * C + c]);
      if (y[((n * C + c) * 14 + i) * 14 + j] !== m) throw new Error(`mismatch at n${n} i${i} j${j} c${c}`);
    }
  });
});

describe('pooling kernels: bad input (T8), native and JS alike', () => {
  const g = [1, 2, 6, 6, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, false];
  for (const k of [nativeKernels!, jsKernels]) {
    const f = k.maxPool2dForward as (...a: unknown[]) => void;
    const b = k.maxPool2dBackward as (...a: unknown[]) => void;
    const x = () => new Float32Array(72), y = () => new Float32Array(18), idx = () => new Int32Array(18);
    it(`${k.name}: parameters`, () => {
      const bad: [unknown[], typeof RangeError | typeof TypeError, RegExp][] = [
        [[...g.slice(0, 6), 0, ...g.slice(7)], RangeError, /strideH/],
        [[...g.slice(0, 4), 0, ...g.slice(5)], RangeError, /\bkh\b/],
        [[...g.slice(0, 8), 2, ...g.slice(9)], RangeError, /expected padTop <= kh\/2 = 1, got 2/],
        [[...g.slice(0, 10), -1, ...g.slice(11)], RangeError, /padLeft/],
        [[...g.slice(0, 13), 0, false], RangeError, /dilationW/],
        [[1, 2, 6, 6, 7, 2, 2, 2, 0, 0, 0, 0, 1, 1, false], RangeError, /kernel height 7 .* padded input height 6/],
        [[...g.slice(0, 14), 0], TypeError, /ceilMode/],
      ];
      for (const [args, cls, re] of bad) {
        expect(() => f(...args, x(), y(), idx())).toThrow(cls);
        expect(() => f(...args, x(), y(), idx())).toThrow(re);
      }
      expect(() => f(...g, x(), y(), new Float32Array(18))).toThrow(/expected indices to be an Int32Array/);
      expect(() => f(...g, x(), y(), new Int32Array(17))).toThrow(/indices to hold at least 18/);
      expect(() => f(...g, new Float32Array(71), y(), idx())).toThrow(/x to hold at least 72/);
      const bogus = idx();
      bogus[5] = 36;
      expect(() => b(...g, y(), bogus, x())).toThrow(/expected indices in \[-1, 36\), got 36 at 5/);
      bogus[5] = -2;
      expect(() => b(...g, y(), bogus, x())).toThrow(RangeError);
      // Indices are checked in blocks of 65536: bad ones past the first block, and the int32 extremes.
      const big = [1, 8192, ...g.slice(2)];
      const many = new Int32Array(8192 * 9);
      for (const [at, v] of [[70000, 36], [65536, -2147483648], [73727, 2147483647]]) {
        many.fill(0);
        many[at] = v;
        expect(() => b(...big, new Float32Array(many.length), many, new Float32Array(8192 * 36))).toThrow(`got ${v} at ${at}`);
      }
      const a = k.avgPool2dForward as (...a: unknown[]) => void;
      expect(() => a(1, 2, 6, 6, 2, 2, 2, 2, 0, 0, 0, 0, false, 1, x(), y())).toThrow(/countIncludePad/);
      const ad = k.adaptiveAvgPool2dForward as (...a: unknown[]) => void;
      expect(() => ad(1, 2, 6, 6, 0, 1, x(), y())).toThrow(/\boh\b/);
      expect(() => ad(1, 2, 6, 6, 3, 3, x(), new Float32Array(17))).toThrow(/y to hold at least 18/);
    });
  }
});
