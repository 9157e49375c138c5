/**
 * T8 buffer and argument-kind scenarios for every binding case (cases.ts): detached buffers, resizable
 * buffers shrunk before the call, views at odd byte offsets with sentinels around them, SharedArrayBuffer
 * backing, wrong array kinds, and objects with a valueOf in place of scalars. Each scenario throws on a
 * mismatch. buffers.test.ts runs them in-process (one test each) and again in a child process, so a crash
 * is a named failure rather than a dead test worker.
 */
import { rng } from '../helpers/rng.js';
import { type Addon, type BindingCase, bindingCases, digest, runCase } from './cases.js';

export interface Scenario {
  name: string;
  run(): void;
}

const SENTINEL_BITS = 0x7fa5a5a5; // a NaN with a payload no kernel produces

function fail(message: string): never {
  throw new Error(message);
}

/** Expects fn to throw errorClass with a message starting `nodegrad.<op>: ` and matching `pattern`. */
function expectThrow(fn: () => unknown, errorClasses: Function[], op: string, pattern: RegExp, what: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) fail(`${what}: expected an error, none was thrown`);
  const e = thrown as Error;
  if (!errorClasses.some((c) => e instanceof c)) fail(`${what}: expected ${errorClasses.map((c) => c.name).join('/')}, got ${e?.constructor?.name}: ${e?.message}`);
  if (!e.message.startsWith(`nodegrad.${op}: `)) fail(`${what}: message lacks the 'nodegrad.${op}: ' prefix: ${e.message}`);
  if (!pattern.test(e.message)) fail(`${what}: message ${JSON.stringify(e.message)} does not match ${pattern}`);
}

/** The kernels' array arguments: Float32Array data and Int32Array indices. */
type Typed = Float32Array | Int32Array;
type TypedCtor = Float32ArrayConstructor | Int32ArrayConstructor;
const isTyped = (a: unknown): a is Typed => a instanceof Float32Array || a instanceof Int32Array;
const ctorOf = (a: Typed): TypedCtor => (a instanceof Int32Array ? Int32Array : Float32Array);

function clone(args: unknown[]): unknown[] {
  return args.map((a) => (isTyped(a) ? a.slice() : a));
}

function sameBits(a: Typed, b: Typed): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

const references = new Map<string, string>();

/** The reference: the case run on fresh, ordinary arrays. */
function reference(addon: Addon, c: BindingCase, seed: number): string {
  const key = `${c.label}/${seed}`;
  let d = references.get(key);
  if (d === undefined) references.set(key, (d = digest(runCase(addon, c, c.args(rng(seed), false)))));
  return d;
}

/** Re-homes every array argument with `place`, runs, and checks outputs against the reference. */
function checkRehomed(addon: Addon, c: BindingCase, seed: number, place: (a: Typed) => Typed, what: string): Typed[] {
  const args = c.args(rng(seed), false);
  const inputs = clone(args);
  const placed = args.map((a) => (isTyped(a) ? place(a) : a));
  const got = digest(runCase(addon, c, placed));
  const want = reference(addon, c, seed);
  if (got !== want) fail(`${what}: outputs differ from the same call on ordinary arrays`);
  for (const spec of c.arrays) {
    const p = placed[spec.index];
    if (!spec.output && isTyped(p) && !sameBits(p, inputs[spec.index] as Typed)) {
      fail(`${what}: input ${spec.name} was modified`);
    }
  }
  return placed.filter(isTyped);
}

function detach(buffer: ArrayBuffer, how: string): void {
  if (how === 'structuredClone') structuredClone(buffer, { transfer: [buffer] });
  else if (how === 'postMessage') {
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(buffer, [buffer]);
    port1.close();
    port2.close();
  } else (buffer as ArrayBuffer & { transfer(): ArrayBuffer }).transfer();
  if (buffer.byteLength !== 0) fail(`detaching via ${how} did not detach`);
}

const detachMethods = ['structuredClone', 'postMessage', ...('transfer' in ArrayBuffer.prototype ? ['transfer'] : [])];

function scenariosFor(addon: Addon, c: BindingCase, seed: number): Scenario[] {
  const out: Scenario[] = [];
  const op = c.fn;
  const add = (name: string, run: () => void) => out.push({ name: `${c.label}: ${name}`, run });

  for (const spec of c.arrays) {
    const kindName = spec.kind === 'i32' ? 'Int32Array' : 'Float32Array';
    const Ctor: TypedCtor = spec.kind === 'i32' ? Int32Array : Float32Array;
    for (const how of detachMethods) {
      add(`${spec.name} detached by ${how} -> TypeError, next call fine`, () => {
        const args = c.args(rng(seed), false);
        detach((args[spec.index] as Typed).buffer as ArrayBuffer, how);
        expectThrow(() => addon[op](...args), [TypeError], op, new RegExp(`expected ${spec.name} to be an? ${kindName}, got one whose buffer is detached`), `${spec.name} detached`);
        if (digest(runCase(addon, c, c.args(rng(seed), false))) !== reference(addon, c, seed)) fail('next valid call differs');
      });
    }

    add(`${spec.name} on a resizable buffer shrunk before the call -> RangeError`, () => {
      const args = c.args(rng(seed), false);
      const a = args[spec.index] as Typed;
      const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(a.byteLength, { maxByteLength: a.byteLength * 2 });
      const tracking = new Ctor(rab);
      tracking.set(a);
      rab.resize(Math.floor(a.length / 2) * 4);
      args[spec.index] = tracking;
      expectThrow(() => addon[op](...args), [RangeError], op, new RegExp(`\\b${spec.name}\\b`), `${spec.name} shrunk`);
    });

    add(`${spec.name} as a fixed view left out of bounds by a shrink -> error`, () => {
      const args = c.args(rng(seed), false);
      const a = args[spec.index] as Typed;
      const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(a.byteLength + 8, { maxByteLength: a.byteLength + 8 });
      const fixed = new Ctor(rab, 8, a.length);
      fixed.set(a);
      rab.resize(4);
      args[spec.index] = fixed;
      expectThrow(() => addon[op](...args), [RangeError, TypeError], op, new RegExp(`\\b${spec.name}\\b`), `${spec.name} out of bounds`);
    });

    // An empty array can have no backing store (a null data pointer): it must not pass for an absent (null)
    // optional array and reach a kernel that writes through it.
    for (const [what, make] of [['new', () => new Ctor(0)], ['an empty view of a live buffer', (a: Typed) => a.subarray(0, 0)]] as const) {
      add(`${spec.name} given an empty array (${what}) -> RangeError`, () => {
        const args = c.args(rng(seed), false);
        args[spec.index] = make(args[spec.index] as Typed);
        expectThrow(() => addon[op](...args), [RangeError], op, new RegExp(`\\b${spec.name}\\b`), `${spec.name} empty`);
      });
    }

    for (const [kind, make] of [
      ['Float64Array', (a: Typed) => new Float64Array(a.length)],
      spec.kind === 'i32' ? ['Float32Array', (a: Typed) => new Float32Array(a.length)] : ['Int32Array', (a: Typed) => new Int32Array(a.length)],
      ['an Array', (a: Typed) => Array.from(a)],
      ['a DataView', (a: Typed) => new DataView(a.buffer)],
      ['an ArrayBuffer', (a: Typed) => a.buffer],
    ] as const) {
      add(`${spec.name} given ${kind} -> TypeError`, () => {
        const args = c.args(rng(seed), false);
        args[spec.index] = make(args[spec.index] as Typed);
        expectThrow(() => addon[op](...args), [TypeError], op, new RegExp(`expected ${spec.name} to be an? ${kindName}, got ${kind.replace(/^an? /, '(an? )?')}`), `${spec.name} as ${kind}`);
      });
    }
  }

  // A scalar argument replaced by an object whose valueOf would detach an array: rejected, never coerced.
  const sample = c.args(rng(seed), false);
  for (let i = 0; i < sample.length; i++) {
    if (isTyped(sample[i]) || sample[i] === null) continue;
    add(`argument ${i} given an object with valueOf -> TypeError, valueOf not called`, () => {
      const args = c.args(rng(seed), false);
      const victim = args.find(isTyped)!;
      let called = false;
      args[i] = { valueOf: () => { called = true; detach(victim.buffer as ArrayBuffer, 'structuredClone'); return sample[i]; }, toString: () => String(sample[i]) };
      expectThrow(() => addon[op](...args), [TypeError], op, /expected /, `argument ${i} as an object`);
      if (called || victim.byteLength === 0) fail(`argument ${i}: valueOf was called`);
    });
  }

  add('a missing and an extra argument -> TypeError', () => {
    const args = c.args(rng(seed), false);
    expectThrow(() => addon[op](...args.slice(0, -1)), [TypeError], op, new RegExp(`expected ${args.length} arguments, got ${args.length - 1}`), 'missing');
    expectThrow(() => addon[op](...args, 0), [TypeError], op, new RegExp(`expected ${args.length} arguments, got ${args.length + 1}`), 'extra');
  });

  for (const offset of [1, 3, 5]) {
    add(`every array at byteOffset ${offset * 4} with sentinels before and after -> same result, sentinels intact`, () => {
      const suffix = 7;
      const views = checkRehomed(addon, c, seed, (a) => {
        const whole = new (ctorOf(a))(offset + a.length + suffix);
        new Uint32Array(whole.buffer).fill(SENTINEL_BITS);
        const view = new (ctorOf(a))(whole.buffer, offset * 4, a.length);
        view.set(a);
        return view;
      }, `byteOffset ${offset * 4}`);
      for (const v of views) {
        const bits = new Uint32Array(v.buffer);
        for (let i = 0; i < offset; i++) if (bits[i] !== SENTINEL_BITS) fail(`prefix element ${i} overwritten`);
        for (let i = offset + v.length; i < bits.length; i++) if (bits[i] !== SENTINEL_BITS) fail(`suffix element ${i - offset - v.length} overwritten`);
      }
    });
  }

  add('every array on a resizable buffer (length-tracking view) -> same result', () => {
    checkRehomed(addon, c, seed, (a) => {
      const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(a.byteLength, { maxByteLength: a.byteLength * 2 + 64 });
      const view = new (ctorOf(a))(rab);
      view.set(a);
      return view;
    }, 'resizable');
  });

  // Documented: SharedArrayBuffer-backed arrays are accepted (it is the caller's job not to race on them).
  add('every array on a SharedArrayBuffer -> accepted, same result', () => {
    checkRehomed(addon, c, seed, (a) => {
      const view = new (ctorOf(a))(new SharedArrayBuffer(a.byteLength));
      view.set(a);
      return view;
    }, 'SharedArrayBuffer');
  });

  return out;
}

export function bufferScenarios(addon: Addon): Scenario[] {
  return bindingCases.flatMap((c, i) => scenariosFor(addon, c, 1000 + i));
}
