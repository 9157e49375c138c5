/**
 * Dropout: in training, zeroes each element with probability p and scales the rest by 1/(1 − p), with a
 * mask drawn from the given (or the default, `manualSeed`-able) generator; the identity otherwise. The
 * gradient is the same mask times the upstream gradient (a recorded multiply).
 */
import { Tensor } from '../tensor.js';
import { alloc, checkNum, checkTensor, rangeErr } from './helpers.js';
import { defaultGenerator, type Generator } from './creation.js';
import { mul } from './elementwise.js';

export interface DropoutOptions {
  /** Drop probability in [0, 1] (default 0.5). */
  p?: number;
  /** Identity when false (default true). */
  training?: boolean;
  generator?: Generator;
}

export function dropout(x: Tensor, options: DropoutOptions = {}): Tensor {
  checkTensor('dropout', 'x', x);
  const p = checkNum('dropout', 'p', options.p ?? 0.5);
  if (!(p >= 0 && p <= 1)) throw rangeErr('dropout', `expected p in [0, 1], got ${p}`);
  if (options.training === false || p === 0) return x;
  const g = options.generator ?? defaultGenerator;
  const mask = alloc(x.dtype, x.numel);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = g.next() < p ? 0 : scale;
  return mul(x, new Tensor(mask, x.shape.slice()));
}
