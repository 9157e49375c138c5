/**
 * T8 buffers and argument kinds at the binding, for every case in cases.ts (see buffer-scenarios.ts),
 * in-process and once more in a child process.
 */
import { describe, expect, it } from 'vitest';
import { nativeAddon } from '../../lib/backend/native.js';
import { runChild } from '../helpers/child.js';
import { bufferScenarios } from './buffer-scenarios.js';
import { rng } from '../helpers/rng.js';
import { type Addon, bindingCases, uncoveredExports } from './cases.js';

const addon = nativeAddon() as unknown as Addon;

describe('binding: detached, resized, offset and shared buffers; wrong kinds', () => {
  it('the addon is loaded', () => expect(addon).not.toBeNull());
  for (const s of bufferScenarios(addon)) it(s.name, s.run);
  // A new kernel export fails here until it has a case (and so the whole T8 matrix) in cases.ts.
  it('every kernel export of the addon has a case', () => expect(uncoveredExports(addon)).toEqual([]));
  // README "Electron and worker threads": no async native calls, so no call can outlive its arguments.
  it('every binding is synchronous: none returns a Promise', () => {
    for (const c of bindingCases) {
      const ret = addon[c.fn](...c.args(rng(5), false)) as { then?: unknown } | undefined;
      expect(typeof ret?.then, c.label).not.toBe('function');
    }
  });

  it('every scenario again in a child process: no crash', () => {
    const r = runChild(`
      import { nativeAddon } from './lib/backend/native.ts';
      import { bufferScenarios } from './test/safety/buffer-scenarios.ts';
      const scenarios = bufferScenarios(nativeAddon());
      for (const s of scenarios) s.run();
      console.log('ran ' + scenarios.length);
    `);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ran \d+/);
  });
});
