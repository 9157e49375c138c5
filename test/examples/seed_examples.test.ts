/** The MNIST seed examples on short settings (a few hundred steps at most; each run is seeded). */
import { describe, expect, it } from 'vitest';
import { main as mlpMain } from '../../examples/mlp.js';
import { main as softmaxMain } from '../../examples/softmax-regression.js';
import { quiet } from '../helpers/quiet.js';

describe('seed examples', () => {
  it('softmax-regression: 100 steps of plain gradient descent already classify most test digits', () => {
    const r = quiet(() => softmaxMain(['--steps', '100', '--test-limit', '1000']));
    // Starting from W = 0 the first loss is exactly ln 10.
    expect(r.losses[0]).toBeCloseTo(Math.log(10), 5);
    expect(r.losses.slice(-10).reduce((a, b) => a + b) / 10).toBeLessThan(1.0);
    expect(r.accuracy).toBeGreaterThan(0.75);
  });

  it('mlp: Adam with the cosine schedule learns, and the lr decays to 0 by the last step', () => {
    const r = quiet(() => mlpMain(['--epochs', '1', '--limit', '1280', '--test-limit', '1000']));
    expect(r.losses).toHaveLength(20);
    expect(r.lrs[0]).toBeCloseTo(0.001 * (1 + Math.cos(Math.PI / 20)) / 2, 9);
    expect(r.lrs.at(-1)).toBeCloseTo(0, 12);
    expect(r.accuracy).toBeGreaterThan(0.75);
  });
});
