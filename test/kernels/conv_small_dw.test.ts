/**
 * The small-reduction path's dW and forward with the output channels in the vector lanes (stride_w 1 and,
 * for the forward, stride 1; K ≥ 4·V, channel vectors at least 3/4 full, at most 4 of them; LeNet's conv2):
 * output-channel counts straddling each ISA's vector width V and the 3/4 and 4-vector limits, K on both
 * sides of 4·V, widths across the pixel unroll and the forward's pixel tiles, strides, dilation, padding,
 * groups and batches across the 8 dW chunks. Every case runs forward, dX, dW,
 * db and the one-call backward against the JS twin in float64 (exact mode bitwise, random mode within the
 * GEMM bound) on every ISA at 1 and 2 threads, whose outputs must agree bitwise.
 */
import { describe, expect, it } from 'vitest';
import { cpuInfo } from '../../lib/backend/index.js';
import { gridDigestsPerThreadCount } from '../helpers/child.js';
import { testSeed } from '../helpers/rng.js';

describe('conv2d small path: forward and dW with the channels in the vector lanes', () => {
  const widths: Record<string, number> = { scalar: 4, avx2: 8, avx512: 16, neon: 4 };
  for (const isa of cpuInfo().available) {
    it(`NODEGRAD_ISA=${isa}: vs the JS twin at 1 and 2 threads, bitwise equal across threads`, () => {
      const v = widths[isa] ?? 4;
      const digests = gridDigestsPerThreadCount(isa, `
          import { checkConvCase, describeCase, digest, dwcCases } from './test/kernels/conv_cases.ts';
          const failures = [];
          // The widths of every ISA under this one, so each kernel also sees the others' boundary shapes.
          dwcCases(${v}).concat(dwcCases(${Math.max(4, v / 2)})).forEach((c, i) => {
            const m = checkConvCase(c, ${testSeed(300)} + i);
            if (m) failures.push(describeCase(c) + ': ' + m);
          });
          console.log(JSON.stringify({ failures, digest: digest.h }));`);
      expect(digests[1]).toBe(digests[0]);
    });
  }
});
