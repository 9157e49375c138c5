/**
 * kernels.gemm: native vs the JS twin in float64 (TESTING.md T1) for the ISA in use and, in child processes,
 * every other ISA this CPU has (NODEGRAD_ISA), on 1 and 2 threads; bad inputs on both backends (T8).
 * The exhaustive grids run in C++ (native/test/test_gemm.cc) and here under NODEGRAD_FULL=1.
 */
import { describe, expect, it } from 'vitest';
import { cpuInfo, jsKernels, nativeAddon, nativeKernels, setNumThreads } from '../../lib/backend/index.js';
import { runChild } from '../helpers/child.js';
import { rng } from '../helpers/rng.js';
import { TILES, conventionCases, mediumCases, pathCases, runCases, tileEdgeCases, tinyCases } from './gemm_cases.js';

const FULL = process.env.NODEGRAD_FULL === '1';
const TINY = FULL ? [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17] : [0, 1, 2, 3, 5, 9, 17];
const native = nativeKernels;
const info = cpuInfo();

describe('gemm, native vs JS float64', () => {
  it('loads the addon', () => {
    expect(native).not.toBeNull();
  });

  for (const threads of [1, 2]) {
    describe(`${info.isa}, ${threads} thread(s)`, () => {
      const run = (cases: Parameters<typeof runCases>[1], salt: number) => {
        setNumThreads(threads);
        try {
          return runCases(native!.gemm, cases, rng(salt));
        } finally {
          setNumThreads(info.threads);
        }
      };
      it('tiny sizes, every transpose, exact mode (bitwise)', () => expect(run(tinyCases(TINY, true), 1)).toEqual([]));
      it('tiny sizes, every transpose, random mode', () => expect(run(tinyCases(TINY, false), 2)).toEqual([]));
      it("the micro-kernel's tile edges", () => {
        const [mr, nr] = TILES[info.isa];
        expect(run(tileEdgeCases(mr, nr), 3)).toEqual([]);
      });
      it('medium sizes', () => expect(run(mediumCases(rng(4), FULL ? 60 : 6), 5)).toEqual([]));
      it('alpha/beta, NaN and Inf conventions, k = 0, m = 0, n = 0', () => expect(run(conventionCases(), 6)).toEqual([]));
      it('the MLP training shapes (and the in-place threshold in the full tier)', () => expect(run(pathCases(FULL), 8)).toEqual([]));
    });
  }

  // Packed (301x299x300) and read in place (170x190x200), both large enough to split over threads.
  for (const [m, n, k] of [[301, 299, 300], [170, 190, 200]]) {
    it(`is bitwise identical for 1, 2 and 3 threads, ${m}x${n}x${k}`, () => {
      const r = rng(7);
      const a = r.f32(k * m), b = r.f32(k * n), c0 = r.f32(m * n);
      const results = [1, 2, 3].map((t) => {
        setNumThreads(t);
        const c = c0.slice();
        native!.gemm(true, false, m, n, k, 0.5, a, m, b, n, 1.5, c, n);
        return c;
      });
      setNumThreads(info.threads);
      expect(Buffer.from(results[1].buffer).equals(Buffer.from(results[0].buffer))).toBe(true);
      expect(Buffer.from(results[2].buffer).equals(Buffer.from(results[0].buffer))).toBe(true);
    });
  }

  // Each other ISA in a fresh process (the ISA is chosen when the addon loads).
  for (const isa of info.available.filter((x) => x !== info.isa)) {
    it(`NODEGRAD_ISA=${isa}: tile edges, tiny and medium sizes, conventions, threads 1 and 2`, () => {
      const source = `
        import { nativeKernels, cpuInfo, setNumThreads } from './lib/backend/index.ts';
        import { rng } from './test/helpers/rng.ts';
        import { TILES, conventionCases, mediumCases, pathCases, runCases, tileEdgeCases, tinyCases } from './test/kernels/gemm_cases.ts';
        const isa = cpuInfo().isa;
        if (isa !== ${JSON.stringify(isa)}) throw new Error('running ' + isa);
        const [mr, nr] = TILES[isa];
        const failures = [];
        const tiny = ${FULL ? 'tinyCases(' + JSON.stringify(TINY) + ', true)' : 'tinyCases([0, 1, 4, 17], true)'};
        setNumThreads(1);
        failures.push(...runCases(nativeKernels.gemm, [...tiny, ...tileEdgeCases(mr, nr), ...conventionCases(), ...pathCases(${FULL}), ...mediumCases(rng(4), ${FULL ? 60 : 2})], rng(1)));
        setNumThreads(2);
        failures.push(...runCases(nativeKernels.gemm, [...tileEdgeCases(mr, nr), ...mediumCases(rng(5), ${FULL ? 60 : 2})], rng(2)));
        console.log(JSON.stringify(failures));`;
      const r = runChild(source, { NODEGRAD_ISA: isa }, 120_000);
      expect(r.signal).toBeNull();
      expect(r.stderr.trim().split('\n').pop() ?? '', r.stderr).not.toMatch(/Error/);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual([]);
    });
  }
});

/** The 13 arguments of a valid call: C(3x4) = A(3x2)·B(2x4). */
function validArgs(): unknown[] {
  return [false, false, 3, 4, 2, 1, new Float32Array(6), 2, new Float32Array(8), 4, 0, new Float32Array(12), 4];
}
const ARG = { transA: 0, m: 2, n: 3, k: 4, alpha: 5, a: 6, lda: 7, b: 8, ldb: 9, beta: 10, c: 11, ldc: 12 } as const;
function withArg(i: number, v: unknown): unknown[] {
  const args = validArgs();
  args[i] = v;
  return args;
}
function detached(n: number): Float32Array {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

type BadCase = { name: string; args: () => unknown[]; cls: typeof TypeError | typeof RangeError; message: RegExp };
const BAD: BadCase[] = [
  { name: 'missing argument', args: () => validArgs().slice(0, 12), cls: TypeError, message: /expected 13 arguments, got 12/ },
  { name: 'extra argument', args: () => [...validArgs(), 0], cls: TypeError, message: /expected 13 arguments, got 14/ },
  { name: 'transA not a boolean', args: () => withArg(ARG.transA, 1), cls: TypeError, message: /expected transA to be a boolean, got 1/ },
  ...(['undefined', 'null', 'string', 'bigint', 'Array', 'DataView', 'Int32Array', 'Uint8Array'] as const).map((kind) => ({
    name: `a is ${kind}`,
    args: () => withArg(ARG.a, { undefined, null: null, string: 'x', bigint: 3n, Array: [1, 2, 3, 4, 5, 6], DataView: new DataView(new ArrayBuffer(24)), Int32Array: new Int32Array(6), Uint8Array: new Uint8Array(24) }[kind]),
    cls: TypeError,
    message: /expected a to be a Float32Array/,
  })),
  { name: 'c detached', args: () => withArg(ARG.c, detached(12)), cls: TypeError, message: /expected c to be a Float32Array.*detached/ },
  { name: 'm negative', args: () => withArg(ARG.m, -1), cls: RangeError, message: /expected m to be an integer in \[0, \d+\], got -1/ },
  { name: 'n non-integer', args: () => withArg(ARG.n, 2.5), cls: RangeError, message: /expected n to be an integer .* got 2\.5/ },
  { name: 'k NaN', args: () => withArg(ARG.k, NaN), cls: RangeError, message: /expected k to be an integer .* got NaN/ },
  { name: 'm Infinity', args: () => withArg(ARG.m, Infinity), cls: RangeError, message: /expected m to be an integer .* got Infinity/ },
  { name: 'm > 2^53', args: () => withArg(ARG.m, 2 ** 60), cls: RangeError, message: /expected m to be an integer .* got 1152921504606847000/ },
  { name: 'm as a string', args: () => withArg(ARG.m, '3'), cls: TypeError, message: /expected m to be an integer, got a string/ },
  { name: 'alpha not a number', args: () => withArg(ARG.alpha, null), cls: TypeError, message: /expected alpha to be a number, got null/ },
  { name: 'lda too small', args: () => withArg(ARG.lda, 1), cls: RangeError, message: /expected lda >= 2, got 1/ },
  { name: 'ldc too small', args: () => withArg(ARG.ldc, 3), cls: RangeError, message: /expected ldc >= 4, got 3/ },
  { name: 'a too short', args: () => withArg(ARG.a, new Float32Array(5)), cls: RangeError, message: /expected a to hold at least 6 elements, got 5/ },
  { name: 'b too short for ldb', args: () => withArg(ARG.ldb, 5), cls: RangeError, message: /expected b to hold at least 9 elements, got 8/ },
  { name: 'c too short', args: () => withArg(ARG.c, new Float32Array(11)), cls: RangeError, message: /expected c to hold at least 12 elements, got 11/ },
  {
    name: '65536 x 65536 with an empty C (wraps to 0 in uint32)',
    args: () => [false, false, 65536, 65536, 0, 1, new Float32Array(0), 1, new Float32Array(0), 65536, 0, new Float32Array(0), 65536],
    cls: RangeError,
    message: /expected c to hold at least 4294967296 elements, got 0/,
  },
  {
    name: 'ld·rows overflowing 2^53',
    args: () => [false, false, 2 ** 31, 4, 0, 1, new Float32Array(0), 1, new Float32Array(0), 4, 0, new Float32Array(0), 2 ** 31],
    cls: RangeError,
    message: /c extent \(m, n, ldc\) overflows/,
  },
];

describe('gemm bad inputs (T8), native and JS twin', () => {
  for (const c of BAD) {
    it(c.name, () => {
      const messages = [native!, jsKernels].map((kernels) => {
        let err: unknown = null;
        try {
          (kernels.gemm as (...a: unknown[]) => void)(...c.args());
        } catch (e) {
          err = e;
        }
        expect(err, `${kernels.name} did not throw`).toBeInstanceOf(c.cls);
        const message = (err as Error).message;
        expect(message).toMatch(/^nodegrad\.gemm: /);
        expect(message).toMatch(c.message);
        return message;
      });
      // The JS twin also accepts Float64Array, and says so; every other message is the same on both.
      expect(messages[1].replace(' or Float64Array', '')).toBe(messages[0]);
    });
  }

  it('native rejects a Float64Array (the JS twin accepts it)', () => {
    expect(() => native!.gemm(...(withArg(ARG.b, new Float64Array(8)) as Parameters<typeof native.gemm>))).toThrow(
      /^nodegrad\.gemm: expected b to be a Float32Array, got Float64Array\(8\)/,
    );
  });

  it('never coerces: an object with valueOf is rejected without being called', () => {
    let called = false;
    const sneaky = { valueOf: () => ((called = true), 3) };
    for (const kernels of [native!, jsKernels]) {
      expect(() => (kernels.gemm as (...a: unknown[]) => void)(...withArg(ARG.m, sneaky))).toThrow(TypeError);
    }
    expect(called).toBe(false);
  });

  it('computes correctly after rejected calls, and a view at a byteOffset leaves its neighbours alone', () => {
    const buffer = new Float32Array(2 + 12 + 2).fill(-7);
    const c = new Float32Array(buffer.buffer, 8, 12);
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]), b = Float32Array.from([1, 0, 2, 1, 0, 1, 1, 3]);
    native!.gemm(false, false, 3, 4, 2, 1, a, 2, b, 4, 0, c, 4);
    const ref = new Float32Array(12);
    jsKernels.gemm(false, false, 3, 4, 2, 1, a, 2, b, 4, 0, ref, 4);
    expect(Array.from(c)).toEqual(Array.from(ref));
    expect([buffer[0], buffer[1], buffer[14], buffer[15]]).toEqual([-7, -7, -7, -7]);
  });

  it('the crash-prone cases leave a child process alive', () => {
    const r = runChild(`
      import { nativeKernels } from './lib/backend/index.ts';
      const a = new Float32Array(6); structuredClone(a.buffer, { transfer: [a.buffer] });
      const calls = [
        () => nativeKernels.gemm(false, false, 3, 4, 2, 1, a, 2, new Float32Array(8), 4, 0, new Float32Array(12), 4),
        () => nativeKernels.gemm(false, false, 65536, 65536, 0, 1, new Float32Array(0), 1, new Float32Array(0), 65536, 0, new Float32Array(0), 65536),
        () => nativeKernels.gemm(true, true, 2 ** 31, 2 ** 31, 2 ** 31, 1, new Float32Array(1), 2 ** 31, new Float32Array(1), 2 ** 31, 0, new Float32Array(1), 2 ** 31),
      ];
      let thrown = 0;
      for (const f of calls) { try { f(); } catch (e) { if (e instanceof RangeError || e instanceof TypeError) thrown++; } }
      console.log(thrown);`);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('3');
  });

  it('benchPeak checks its arguments', () => {
    const addon = nativeAddon()!;
    expect(() => addon.benchPeak('sse9', 10)).toThrow(/^nodegrad\.benchPeak: expected isa to be one of/);
    expect(() => addon.benchPeak('scalar', 0)).toThrow(RangeError);
    expect(addon.benchPeak('scalar', 1000)).toBeGreaterThan(0);
  });
});
