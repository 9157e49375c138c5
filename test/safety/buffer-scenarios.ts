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

function clone(args: unknown[]): unknown[] {
  return args.map((a) => (a instanceof Float32Array ? a.slice() : a));
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
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
function checkRehomed(addon: Addon, c: BindingCase, seed: number, place: (a: Float32Array) => Float32Array, what: string): Float32Array[] {
  const args = c.args(rng(seed), false);
  const inputs = clone(args);
  const placed = args.map((a) => (a instanceof Float32Array ? place(a) : a));
  const got = digest(runCase(addon, c, placed));
  const want = reference(addon, c, seed);
  if (got !== want) fail(`${what}: outputs differ from the same call on ordinary arrays`);
  for (const spec of c.arrays) {
    const p = placed[spec.index];
    if (!spec.output && p instanceof Float32Array && !sameBits(p, inputs[spec.index] as Float32Array)) {
      fail(`${what}: input ${spec.name} was modified`);
    }
  }
  return placed.filter((a): a is Float32Array => a instanceof Float32Array);
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
    for (const how of detachMethods) {
      add(`${spec.name} detached by ${how} -> TypeError, next call fine`, () => {
        const args = c.args(rng(seed), false);
        detach((args[spec.index] as Float32Array).buffer as ArrayBuffer, how);
        expectThrow(() => addon[op](...args), [TypeError], op, new RegExp(`expected ${spec.name} to be a Float32Array, got one whose buffer is detached`), `${spec.name} detached`);
        if (digest(runCase(addon, c, c.args(rng(seed), false))) !== reference(addon, c, seed)) fail('next valid call differs');
      });
    }

    add(`${spec.name} on a resizable buffer shrunk before the call -> RangeError`, () => {
      const args = c.args(rng(seed), false);
      const a = args[spec.index] as Float32Array;
      const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(a.byteLength, { maxByteLength: a.byteLength * 2 });
      const tracking = new Float32Array(rab);
      tracking.set(a);
      rab.resize(Math.floor(a.length / 2) * 4);
      args[spec.index] = tracking;
      expectThrow(() => addon[op](...args), [RangeError], op, new RegExp(`\\b${spec.name}\\b`), `${spec.name} shrunk`);
    });

    add(`${spec.name} as a fixed view left out of bounds by a shrink -> error`, () => {
      const args = c.args(rng(seed), false);
      const a = args[spec.index] as Float32Array;
      const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(a.byteLength + 8, { maxByteLength: a.byteLength + 8 });
      const fixed = new Float32Array(rab, 8, a.length);
      fixed.set(a);
      rab.resize(4);
      args[spec.index] = fixed;
      expectThrow(() => addon[op](...args), [RangeError, TypeError], op, new RegExp(`\\b${spec.name}\\b`), `${spec.name} out of bounds`);
    });

    for (const [kind, make] of [
      ['Float64Array', (a: Float32Array) => new Float64Array(a.length)],
      ['Int32Array', (a: Float32Array) => new Int32Array(a.length)],
      ['an Array', (a: Float32Array) => Array.from(a)],
      ['a DataView', (a: Float32Array) => new DataView(a.buffer)],
      ['an ArrayBuffer', (a: Float32Array) => a.buffer],
    ] as const) {
      add(`${spec.name} given ${kind} -> TypeError`, () => {
        const args = c.args(rng(seed), false);
        args[spec.index] = make(args[spec.index] as Float32Array);
        expectThrow(() => addon[op](...args), [TypeError], op, new RegExp(`expected ${spec.name} to be a Float32Array, got ${kind.replace(/^an? /, '(an? )?')}`), `${spec.name} as ${kind}`);
      });
    }
  }

  // A scalar argument replaced by an object whose valueOf would detach an array: rejected, never coerced.
  const sample = c.args(rng(seed), false);
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] instanceof Float32Array || sample[i] === null) continue;
    add(`argument ${i} given an object with valueOf -> TypeError, valueOf not called`, () => {
      const args = c.args(rng(seed), false);
      const victim = args.find((a): a is Float32Array => a instanceof Float32Array)!;
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
        const whole = new Float32Array(offset + a.length + suffix);
        new Uint32Array(whole.buffer).fill(SENTINEL_BITS);
        const view = new Float32Array(whole.buffer, offset * 4, a.length);
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
      const view = new Float32Array(rab);
      view.set(a);
      return view;
    }, 'resizable');
  });

  // Documented: SharedArrayBuffer-backed arrays are accepted (it is the caller's job not to race on them).
  add('every array on a SharedArrayBuffer -> accepted, same result', () => {
    checkRehomed(addon, c, seed, (a) => {
      const view = new Float32Array(new SharedArrayBuffer(a.byteLength));
      view.set(a);
      return view;
    }, 'SharedArrayBuffer');
  });

  return out;
}

export function bufferScenarios(addon: Addon): Scenario[] {
  return bindingCases.flatMap((c, i) => scenariosFor(addon, c, 1000 + i));
}
