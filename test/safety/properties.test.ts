/**
 * T10 property-based tests (fast-check) over every binding:
 * - per family, random valid (and, where the checker allows, invalid) shapes and parameters through the
 *   kernel suites' own checkers: native against the JS twin in float64 within TESTING.md's bounds;
 * - over every case in cases.ts, random argument mutations (wrong kinds, negative/fractional/NaN/huge sizes,
 *   short, empty, aliased and swapped arrays): the native call either throws the twin's error (same class
 *   and message, `nodegrad.<op>: ` prefix) or agrees with the twin run on the same arguments; either way the
 *   next valid call gives the reference result.
 * Seeds: fixed by default so a run is reproducible; NODEGRAD_SEED=<n> explores others (a failure prints its seed
 * and the shrunk counterexample).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../lib/backend/js/index.js';
import { nativeKernels } from '../../lib/backend/native.js';
import { rng } from '../helpers/rng.js';
import { checkConvCase, type ConvCase } from '../kernels/conv_cases.js';
import { compare as compareUnary, inputs as unaryInputs, UNARY_CASES } from '../kernels/elementwise_unary_cases.js';
import { compareSoftmax, logits } from '../kernels/elementwise_softmax_cases.js';
import { checkGemm, type GemmCase } from '../kernels/gemm_cases.js';
import { CASES as OPT_CASES, expectRelative, reference as optReference, threeSteps } from '../kernels/optim_cases.js';
import { checkPoolCase, type PoolCase } from '../kernels/pool_cases.js';
import { compareCase as compareRnn, type GridCase } from '../kernels/rnn_grid.js';
import { mutationProperty } from './mutations.js';
import { bindingCases } from './cases.js';

const native = nativeKernels!;
const seed = process.env.NODEGRAD_SEED ? Number(process.env.NODEGRAD_SEED) : 20261129;
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, seed, endOnFailure: true });

/** Asserts a property whose body returns null (pass) or a failure description. */
function check<T>(arb: fc.Arbitrary<T>, body: (v: T) => string | null, numRuns: number): void {
  fc.assert(
    fc.property(arb, (v) => {
      const failure = body(v);
      if (failure !== null) throw new Error(failure);
    }),
    params(numRuns) as fc.Parameters<[T]>,
  );
}

const small = (max: number) => fc.integer({ min: 0, max });
const pos = (max: number) => fc.integer({ min: 1, max });

describe('properties: valid and invalid parameters, native vs the float64 twin', () => {
  it('gemm: m, n, k in [0, 40], transposes, scalars, padded leading dimensions, exact and random values', () => {
    const arb = fc.record({
      m: small(40), n: small(40), k: small(40), transA: fc.boolean(), transB: fc.boolean(),
      alpha: fc.constantFrom(0, 1, -1, 0.7, 2), beta: fc.constantFrom(0, 1, 1.3, -1, 2), pad: small(3), exact: fc.boolean(),
      fill: fc.constantFrom(undefined, 'cNaN', 'cInf', 'aNaN'), seed: fc.nat(),
    });
    // Exact mode needs scalars that keep every partial sum exact: alpha, beta in {0, ±1, 2}.
    check(arb, ({ seed: s, ...c }) => checkGemm(native.gemm, { ...c, exact: c.exact && Number.isInteger(c.alpha) && Number.isInteger(c.beta) } as GemmCase, rng(s)), 150);
  });

  it('conv2d forward and backward: random geometry, including invalid (kernel larger than the padded input)', () => {
    const arb = fc
      .record({
        n: small(3), cg: pos(4), h: pos(12), w: pos(12), ocg: pos(4), kh: pos(5), kw: pos(5), sh: pos(3), sw: pos(3),
        pt: small(2), pb: small(2), pl: small(2), pr: small(2), dh: pos(2), dw: pos(2), groups: pos(3),
        bias: fc.boolean(), exact: fc.boolean(), seed: fc.nat(),
      })
      .map(({ cg, ocg, seed: s, ...g }) => ({ c: { ...g, c: cg * g.groups, oc: ocg * g.groups } as ConvCase, s }));
    check(arb, ({ c, s }) => checkConvCase(c, s), 80);
  });

  it('pooling (max with dilation, avg, both backward): random geometry, including invalid padding', () => {
    const arb = fc.record({
      n: small(2), c: pos(5), h: pos(17), w: pos(17), kh: pos(4), kw: pos(4), sh: pos(3), sw: pos(3),
      pt: small(2), pb: small(2), pl: small(2), pr: small(2), dh: pos(2), dw: pos(2), ceil: fc.boolean(), includePad: fc.boolean(), seed: fc.nat(),
    });
    check(arb, ({ seed: s, ...p }) => checkPoolCase(p as PoolCase, s), 120);
  });

  it('adaptive average pooling: random input and output sizes, forward and backward', () => {
    const arb = fc.record({ n: small(2), c: pos(4), h: pos(15), w: pos(15), oh: pos(8), ow: pos(8), seed: fc.nat() });
    check(arb, ({ n, c, h, w, oh, ow, seed: s }) => {
      const r = rng(s);
      const x = r.f32(n * c * h * w), dy = r.f32(n * c * oh * ow);
      const abs = (a: Float32Array) => Float64Array.from(a, Math.abs);
      for (const forward of [true, false]) {
        const fn = forward ? 'adaptiveAvgPool2dForward' : 'adaptiveAvgPool2dBackward';
        const input = forward ? x : dy, outLength = forward ? dy.length : x.length;
        const got = new Float32Array(outLength), ref = new Float64Array(outLength), g = new Float64Array(outLength);
        native[fn](n, c, h, w, oh, ow, input, got);
        jsKernels[fn](n, c, h, w, oh, ow, Float64Array.from(input), ref);
        jsKernels[fn](n, c, h, w, oh, ow, abs(input), g);
        // Terms per output: a forward window has at most (⌈h/oh⌉+1)(⌈w/ow⌉+1) taps; an input gets
        // gradient from at most (⌈oh/h⌉+1)(⌈ow/w⌉+1) windows. The sum bounds both.
        const k = (Math.ceil(h / oh) + 1) * (Math.ceil(w / ow) + 1) + (Math.ceil(oh / h) + 1) * (Math.ceil(ow / w) + 1);
        for (let i = 0; i < outLength; i++) {
          if (!(Math.abs(got[i] - ref[i]) <= (k + 2) * 2 ** -23 * g[i] + 1e-30)) return `${fn} element ${i}: ${got[i]} vs ${ref[i]}`;
        }
      }
      return null;
    }, 100);
  });

  it('unary and unaryBackward: every op, random lengths 0..300 (vector tails at every lane)', () => {
    const arb = fc.record({ op: fc.constantFrom(...UNARY_CASES), n: small(300), seed: fc.nat() });
    check(arb, ({ op, n, seed: s }) => {
      const r = rng(s);
      const errors = compareUnary(native, jsKernels, op, unaryInputs(op, n, r), r);
      return errors.length ? errors.join('; ') : null;
    }, 150);
  });

  it('softmax, logSoftmax and their backward: random [outer, dim, inner] including zero sizes', () => {
    const arb = fc.record({ outer: small(6), dim: small(70), inner: small(9), seed: fc.nat() });
    check(arb, ({ outer, dim, inner, seed: s }) => {
      const r = rng(s);
      const errors = compareSoftmax(native, jsKernels, outer, dim, inner, logits(outer * dim * inner, r), r);
      return errors.length ? errors.join('; ') : null;
    }, 100);
  });

  it('rnnForward and rnnBackward: every mode, random T, B, I, H, direction, layout and state', () => {
    const arb = fc.record({
      mode: fc.constantFrom('rnn_tanh', 'rnn_relu', 'lstm', 'gru'), T: small(6), B: pos(4), I: pos(9), H: pos(9),
      batchFirst: fc.boolean(), reverse: fc.boolean(), zeroState: fc.boolean(), scale: fc.constantFrom(1, 30), seed: fc.nat(),
    });
    check(arb, (c) => compareRnn(c as GridCase), 60);
  });

  it('optimizer updates: every configuration, random lengths 0..300, three steps against the float64 reference', () => {
    const arb = fc.record({ c: fc.constantFrom(...OPT_CASES), n: small(300) });
    check(arb, ({ c, n }) => {
      try {
        expectRelative(threeSteps(native, c, n, (m) => new Float32Array(m)), optReference(c, n), 1e-6, c.name);
      } catch (e) {
        return String(e);
      }
      return null;
    }, 100);
  });
});

describe('properties: argument mutations on every binding case', () => {
  it('covers every case', () => expect(bindingCases.length).toBeGreaterThan(40));
  for (const c of bindingCases) {
    it(c.label, () => {
      fc.assert(mutationProperty(c, native as unknown as Record<string, (...a: unknown[]) => unknown>), params(40));
    });
  }
});
