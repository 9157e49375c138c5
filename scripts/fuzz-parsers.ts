/**
 * The time-boxed parser fuzz of `npm run fuzz`: runs the properties of test/fuzz/parsers.ts for
 * FUZZ_SECONDS (default 60) each with a random seed, prints the executions, and exits 1 with the seed and
 * the shrunk input on a failure (add that input to test/safety/parsers.test.ts as a regression case).
 */
import fc from 'fast-check';
import { idxProperty, safetensorsProperty } from '../test/fuzz/parsers.js';

const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
let failed = false;
for (const [name, property] of [['safetensors', safetensorsProperty], ['idx', idxProperty]] as const) {
  const seed = Date.now() | 0;
  const r = fc.check(property as fc.IRawProperty<unknown>, { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false });
  console.log(JSON.stringify({ target: name, seed, executions: r.numRuns, seconds, failed: r.failed }));
  if (r.failed) {
    failed = true;
    console.error(`${name}: seed ${seed}, counterexample ${fc.stringify(r.counterexample)}\n${r.errorInstance}`);
  }
}
process.exit(failed ? 1 : 0);
