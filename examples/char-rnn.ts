/**
 * A character-level language model: Embedding → LSTM (or GRU) → Linear over the next character, trained
 * with Adam on random windows of a text file (default: this repository's README files), then sampling
 * new text one character at a time with the recurrent state carried along. The loss is reported in bits
 * per character next to the unigram baseline (the entropy of the character frequencies), which a model
 * that learned anything about context must beat.
 *
 *   npm run example -- char-rnn [--file my.txt] [--cell gru] [--steps 1000] [--temperature 0.8]
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crossEntropy, Generator, manualSeed, nn, noGrad, optim, softmax, Tensor } from '../lib/index.js';
import { isMain, parseFlags, runMain } from './common.js';

const defaultFiles = ['../README.md', '../bench/README.md'].map((f) => fileURLToPath(new URL(f, import.meta.url)));

/** The characters of a text and the text as indices into them. */
export class Vocabulary {
  readonly chars: string[];
  private readonly index = new Map<string, number>();

  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.chars.forEach((c, i) => this.index.set(c, i));
  }

  get size(): number {
    return this.chars.length;
  }

  encode(text: string): Int32Array {
    return Int32Array.from([...text], (c) => {
      const i = this.index.get(c);
      if (i === undefined) throw new RangeError(`char-rnn: character ${JSON.stringify(c)} is not in the vocabulary`);
      return i;
    });
  }
}

/** Entropy of the character frequencies in bits: the loss of a model that ignores context. */
export function unigramBits(ids: Int32Array, vocab: number): number {
  const counts = new Float64Array(vocab);
  for (const i of ids) counts[i]++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / ids.length) * Math.log2(c / ids.length);
  return h;
}

type State = Tensor | [Tensor, Tensor] | null;

export class CharModel extends nn.Module {
  embed: nn.Embedding;
  rnn: nn.LSTM | nn.GRU;
  head: nn.Linear;

  constructor(vocab: number, hidden: number, layers: number, readonly cell: 'lstm' | 'gru') {
    super();
    this.embed = new nn.Embedding(vocab, hidden);
    const options = { numLayers: layers, batchFirst: true };
    this.rnn = cell === 'lstm' ? new nn.LSTM(hidden, hidden, options) : new nn.GRU(hidden, hidden, options);
    this.head = new nn.Linear(hidden, vocab);
  }

  /** ids [B, T] → logits [B, T, vocab] and the state after the last step. */
  step(ids: Tensor, state: State): [Tensor, State] {
    const x = this.embed.forward(ids);
    const [out, next] = this.rnn instanceof nn.LSTM
      ? this.rnn.forward(x, state as [Tensor, Tensor] | null)
      : this.rnn.forward(x, state as Tensor | null);
    return [this.head.forward(out), next];
  }

  override forward(ids: Tensor): Tensor {
    return this.step(ids, null)[0];
  }
}

/** `batch` random windows: inputs [B, T] and the characters that follow each position, [B·T]. */
function randomWindows(ids: Int32Array, batch: number, seqLen: number, g: Generator): [Tensor, Tensor] {
  const x = new Float32Array(batch * seqLen), y = new Float32Array(batch * seqLen);
  for (let b = 0; b < batch; b++) {
    const start = g.nextU32() % (ids.length - seqLen);
    for (let t = 0; t < seqLen; t++) {
      x[b * seqLen + t] = ids[start + t];
      y[b * seqLen + t] = ids[start + t + 1];
    }
  }
  return [new Tensor(x, [batch, seqLen]), new Tensor(y, [batch * seqLen])];
}

/** Draws an index from unnormalised probabilities. */
function draw(p: ArrayLike<number>, g: Generator): number {
  let total = 0;
  for (let i = 0; i < p.length; i++) total += p[i];
  let u = g.next() * total;
  for (let i = 0; i < p.length; i++) if ((u -= p[i]) < 0) return i;
  return p.length - 1;
}

/** Continues `prime` by `length` characters sampled at `temperature` (lower: more conservative). */
export function sample(model: CharModel, vocab: Vocabulary, prime: string, length: number, temperature: number, g: Generator): string {
  model.eval();
  return noGrad(() => {
    const primeIds = vocab.encode(prime);
    let [logits, state] = model.step(new Tensor(Float32Array.from(primeIds), [1, primeIds.length]), null);
    let out = '';
    for (let i = 0; i < length; i++) {
      const last = logits.select(1, logits.shape[1] - 1).reshape([vocab.size]);
      const next = draw(softmax(last.div(temperature), 0).data, g);
      out += vocab.chars[next];
      [logits, state] = model.step(new Tensor(new Float32Array([next]), [1, 1]), state);
    }
    return out;
  });
}

const flags = {
  file: { value: '', help: 'text to learn (default: the repository README files)' },
  cell: { value: 'lstm', help: 'recurrent cell', choices: ['lstm', 'gru'] as const },
  hidden: { value: 128, help: 'embedding and hidden size' },
  layers: { value: 1, help: 'stacked recurrent layers' },
  seqLen: { value: 64, help: 'characters per training window (truncated backpropagation through time)' },
  batchSize: { value: 32, help: 'windows per step' },
  steps: { value: 600, help: 'Adam steps' },
  lr: { value: 0.003, help: 'Adam learning rate' },
  clip: { value: 5, help: 'gradient-norm clipping threshold' },
  prime: { value: '', help: 'text the sample continues (default: the first characters of the file)' },
  sampleLength: { value: 400, help: 'characters to sample at the end' },
  temperature: { value: 0.8, help: 'sampling temperature' },
  seed: { value: 0, help: 'seeds the weights, the windows and the sampling' },
};

export function main(argv: string[]): { bits: number[]; unigram: number; text: string } {
  const o = parseFlags('char-rnn', flags, argv);
  for (const k of ['hidden', 'layers', 'seqLen', 'batchSize', 'steps', 'sampleLength'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < (k === 'steps' || k === 'sampleLength' ? 0 : 1)) throw new RangeError(`char-rnn: --${k} expects a positive integer, got ${o[k]}`);
  }
  if (!(o.temperature > 0)) throw new RangeError(`char-rnn: --temperature expects a number > 0, got ${o.temperature}`);
  const text = (o.file ? [o.file] : defaultFiles).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  if ([...text].length <= o.seqLen + 1) throw new RangeError(`char-rnn: the text has ${[...text].length} characters; --seq-len ${o.seqLen} needs more`);
  const vocab = new Vocabulary(text);
  const ids = vocab.encode(text);
  const unigram = unigramBits(ids, vocab.size);
  console.log(`char-rnn: ${ids.length} characters, ${vocab.size} distinct; unigram baseline ${unigram.toFixed(3)} bits/char`);

  manualSeed(o.seed);
  const model = new CharModel(vocab.size, o.hidden, o.layers, o.cell as 'lstm' | 'gru');
  const opt = new optim.Adam(model.parameters(), { lr: o.lr });
  const g = new Generator(o.seed + 1);
  const bits: number[] = [];
  model.train();
  for (let step = 0; step < o.steps; step++) {
    const [x, y] = randomWindows(ids, o.batchSize, o.seqLen, g);
    opt.zeroGrad();
    const logits = model.forward(x);
    const loss = crossEntropy(logits.reshape([-1, vocab.size]), y);
    loss.backward();
    nn.utils.clipGradNorm_(model.parameters(), o.clip);
    opt.step();
    bits.push(loss.item() / Math.LN2);
    if ((step + 1) % 100 === 0 || step + 1 === o.steps) {
      const recent = bits.slice(-100);
      console.log(`step ${step + 1}: ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(3)} bits/char`);
    }
  }
  const prime = o.prime || [...text].slice(0, 16).join('');
  const sampled = sample(model, vocab, prime, o.sampleLength, o.temperature, g);
  console.log(`\n--- sample (temperature ${o.temperature}) ---\n${prime}${sampled}\n---`);
  return { bits, unigram, text: sampled };
}

if (isMain(import.meta.url)) runMain(main);
