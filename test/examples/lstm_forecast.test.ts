import { describe, expect, it } from 'vitest';
import { main } from '../../examples/lstm-forecast.js';
import { quiet } from '../helpers/quiet.js';

describe('lstm-forecast example', () => {
  it('after 100 Adam steps the LSTM beats the naive last-value forecast on unseen data', () => {
    const r = quiet(() => main(['--steps', '100']));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(r.losses.slice(-10))).toBeLessThan(mean(r.losses.slice(0, 10)) / 4);
    expect(r.mse).toBeLessThan(0.6 * r.naiveMse);
  });
});
