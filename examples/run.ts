/**
 * npm run example -- <name> [options]: runs one example by name (`--help` after the name lists its options).
 * Each example is also runnable directly: `node --import tsx examples/<name>.ts`.
 */
import { runMain } from './common.js';

const examples: Record<string, { file: string; about: string }> = {
  mnist: { file: './mnist/main.js', about: 'a classifier trained on MNIST (the same as npm run mnist)' },
  'linear-regression': { file: './linear-regression.js', about: 'gradient descent by hand and with autograd + SGD' },
  'softmax-regression': { file: './softmax-regression.js', about: '784 → 10 softmax classifier on MNIST, plain gradient descent' },
  mlp: { file: './mlp.js', about: 'MLP 784-256-10 on MNIST with Adam and a cosine schedule' },
  'lstm-forecast': { file: './lstm-forecast.js', about: 'an LSTM forecasting a noisy multi-sine series vs the naive forecast' },
  'char-rnn': { file: './char-rnn.js', about: 'a character-level LSTM/GRU language model on a text file, then samples from it' },
};

function list(): string {
  return Object.entries(examples).map(([n, e]) => `  ${n.padEnd(20)} ${e.about}`).join('\n');
}

runMain(async (argv) => {
  const [name, ...rest] = argv;
  const entry = name === undefined ? undefined : examples[name];
  if (entry === undefined) {
    throw new RangeError(`${name === undefined ? 'usage' : `unknown example '${name}'; usage`}: npm run example -- <name> [options]\n${list()}`);
  }
  const mod = (await import(entry.file)) as { main(argv: string[]): unknown };
  await mod.main(rest);
});
