import { describe, expect, it } from 'vitest';
import { main } from '../../examples/lstm-forecast.js';

describe('lstm-forecast example', () => {
  it('after 100 Adam steps the LSTM beats the naive last-value forecast on unseen data', () => {
    const log = console.log;
    console.log = () => {};
    let r: ReturnType<typeof main>;
    try {
      r = main(['--steps', '100']);
    } finally {
      console.log = log;
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(r.losses.slice(-10))).toBeLessThan(mean(r.losses.slice(0, 10)) / 4);
    expect(r.mse).toBeLessThan(0.6 * r.naiveMse);
  });
});
