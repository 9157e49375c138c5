/**
 * Corrupted safetensors and IDX files (T10, fast tier): the fuzz properties of test/fuzz/parsers.ts with a
 * fixed seed — damaged and lying files decode or throw the parser's RangeError, and never allocate more than
 * the file size implies. `npm run fuzz` runs the same properties time-boxed with random seeds.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { idxProperty, safetensorsProperty } from '../fuzz/parsers.js';

describe('parsers under damaged input', () => {
  it('safetensors: flips, cuts, insertions, lying length fields and header edits', () => {
    fc.assert(safetensorsProperty, { seed: 8, numRuns: 400 });
  });
  it('IDX (plain and gzipped): flips, cuts, insertions and lying dimensions', () => {
    fc.assert(idxProperty, { seed: 8, numRuns: 400 });
  });
});
