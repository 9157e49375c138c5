/**
 * A fast-check property over one binding case (cases.ts): take the case's valid arguments, replace one to
 * three of them with hostile values, and call the native binding and the JS twin on identical copies.
 * - Native throws: a TypeError/RangeError whose message starts `nodegrad.<op>: `. With one mutation the twin
 *   throws the same class and message (or, for a kind error, one naming the same argument: the twin words
 *   array kinds as "Float32Array or Float64Array"). With several, the two may check them in another order, so
 *   only "the twin throws too" is required. A Float64Array anywhere is native's TypeError alone (the twin
 *   accepts float64 by design).
 * - Native returns: so does the twin (not checked after a scalar mutation; see skipTwin). When only array shapes changed (shorter, longer, swapped, other kinds)
 *   every output agrees (NaN with NaN) within a loose float32 bound (float32 calls on both sides; TESTING.md's
 *   exact bounds are the per-family properties' job). Values are not compared after a scalar mutation (a
 *   hyper-parameter such as alpha = 2^63 or rmsprop's alpha = 0 makes the arithmetic ill-conditioned, so
 *   float32 and float64 may legitimately part), after a NaN was injected (where NaN meets padding is not
 *   specified), or when an array was aliased to another argument (overlap is undefined).
 *   After an injected NaN, native must still give a NaN wherever the twin does.
 * - Afterwards the case's valid call still gives its reference result, bitwise.
 */
import fc from 'fast-check';
import { jsKernels } from '../../lib/backend/js/index.js';
import { rng } from '../helpers/rng.js';
import { type BindingCase, digest, runCase } from './cases.js';

type Fn = (...a: unknown[]) => unknown;
type Typed = Float32Array | Int32Array;
const isTyped = (a: unknown): a is Typed => a instanceof Float32Array || a instanceof Int32Array;

/** Values for a scalar argument: sizes at and past every boundary, non-integers, non-numbers. */
const SCALARS: unknown[] = [
  -1, -0, 0, 1, 2, 3, 7, 0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 63, 1e308,
  -(2 ** 31), true, false, null, undefined, '3', 3n, {}, [3],
];

type ArrayMutation = 'short' | 'empty' | 'long' | 'float64' | 'int32' | 'float32' | 'null' | 'alias' | 'swap' | 'nan';
const ARRAY_MUTATIONS: ArrayMutation[] = ['short', 'empty', 'long', 'float64', 'int32', 'float32', 'null', 'alias', 'swap', 'nan'];

interface Mutation {
  index: number;
  scalar: number;
  array: ArrayMutation;
  other: number;
}

/** Applies m; returns what kind of change it was, for what can then be compared. */
function mutate(args: unknown[], m: Mutation): 'shape' | 'scalar' | 'nan' | 'alias' {
  const i = m.index % args.length;
  const a = args[i];
  const arrays = args.map((v, j) => (isTyped(v) ? j : -1)).filter((j) => j >= 0 && j !== i);
  if (!isTyped(a)) {
    args[i] = SCALARS[m.scalar % SCALARS.length];
    return 'scalar';
  }
  switch (m.array) {
    case 'short': args[i] = a.subarray(0, Math.max(0, a.length - 1 - (m.other % 3))); break;
    case 'empty': args[i] = a.subarray(0, 0); break;
    case 'long': { const b = new (a.constructor as new (n: number) => Typed)(a.length + 5); b.set(a); args[i] = b; break; }
    case 'float64': args[i] = Float64Array.from(a); break;
    case 'int32': args[i] = Int32Array.from(a, (v) => v | 0); break;
    case 'float32': args[i] = Float32Array.from(a); break;
    case 'null': args[i] = null; break;
    case 'nan': { if (a instanceof Float32Array) a[m.other % Math.max(1, a.length)] = NaN; return 'nan'; }
    case 'alias':
    case 'swap': {
      if (arrays.length === 0) break;
      const j = arrays[m.other % arrays.length];
      if (m.array === 'alias') args[i] = args[j];
      else [args[i], args[j]] = [args[j], args[i]];
      return m.array === 'alias' || args[i] === args[j] ? 'alias' : 'shape';
    }
  }
  return 'shape';
}

function copyArgs(args: unknown[]): unknown[] {
  const copies = new Map<unknown, unknown>();
  return args.map((a) => {
    if (!isTyped(a) && !(a instanceof Float64Array)) return a;
    if (!copies.has(a)) copies.set(a, a.slice());
    return copies.get(a); // an alias stays an alias
  });
}

function call(fn: Fn, args: unknown[]): { error: Error | null } {
  try {
    fn(...args);
    return { error: null };
  } catch (e) {
    return { error: e as Error };
  }
}

const argumentName = (message: string) => /^nodegrad\.\w+: expected (\w+)/.exec(message)?.[1];

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b || Math.abs(a) > 3e38 || Math.abs(b) > 3e38;
  return Math.abs(a - b) <= 1e-3 * (1 + Math.abs(b));
}

export function mutationProperty(c: BindingCase, addon: Record<string, Fn>): fc.IProperty<[number, Mutation[]]> {
  const seed = 5000 + c.label.length;
  const want = digest(runCase(addon, c, c.args(rng(seed), false)));
  const mutation = fc.record({ index: fc.nat(), scalar: fc.nat(), array: fc.constantFrom(...ARRAY_MUTATIONS), other: fc.nat() });
  return fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (argSeed, mutations) => {
    const args = c.args(rng(argSeed), false);
    const kinds = new Set(mutations.map((m) => mutate(args, m)));
    const mine = copyArgs(args), twin = copyArgs(args);
    const f64 = args.some((a) => a instanceof Float64Array);
    const n = call(addon[c.fn], mine);
    // Not after an accepted scalar mutation: e.g. softmax(3, 0, 2^31) is a valid empty call that the twin
    // walks slice by slice for minutes; nothing is compared then anyway.
    const skipTwin = !n.error && kinds.has('scalar');
    const t = skipTwin ? { error: null } : call(jsKernels[c.fn as keyof typeof jsKernels] as unknown as Fn, twin);
    if (n.error) {
      const e = n.error;
      if (!(e instanceof TypeError || e instanceof RangeError)) throw new Error(`native threw ${e?.constructor?.name}: ${e?.message}`);
      if (!e.message.startsWith(`nodegrad.${c.fn}: `)) throw new Error(`native message lacks the prefix: ${e.message}`);
      if (!f64) {
        if (!t.error) throw new Error(`native threw "${e.message}" but the twin accepted the call`);
        if (mutations.length === 1) {
          if (t.error.constructor !== e.constructor) throw new Error(`native ${e.constructor.name} "${e.message}" vs twin ${t.error.constructor.name} "${t.error.message}"`);
          const sameArg = e instanceof TypeError && argumentName(e.message) === argumentName(t.error.message);
          if (t.error.message !== e.message && !sameArg) throw new Error(`messages differ: native "${e.message}" vs twin "${t.error.message}"`);
        }
      }
    } else if (f64) {
      throw new Error('native accepted a Float64Array');
    } else if (!kinds.has('alias') && !skipTwin) {
      if (t.error) throw new Error(`the twin threw "${t.error.message}" but native accepted the call`);
      const values = kinds.size === 1 && kinds.has('shape');
      const nans = !kinds.has('scalar') && kinds.has('nan');
      for (let i = 0; i < mine.length; i++) {
        const a = mine[i], b = twin[i];
        if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) continue;
        for (let j = 0; j < a.length; j++) {
          if (values ? !close(a[j], b[j]) : nans && Number.isNaN(b[j]) && !Number.isNaN(a[j])) {
            throw new Error(`argument ${i} element ${j}: native ${a[j]} vs twin ${b[j]}`);
          }
        }
      }
    }
    const again = digest(runCase(addon, c, c.args(rng(seed), false)));
    if (again !== want) throw new Error('the next valid call gave a different result');
  });
}
