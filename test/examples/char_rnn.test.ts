/** The char-rnn example on short settings: it beats the unigram baseline, samples from its vocabulary, repeats. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, unigramBits, Vocabulary } from '../../examples/char-rnn.js';
import { quiet } from '../helpers/quiet.js';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const small = ['--hidden', '64', '--seq-len', '32', '--batch-size', '16', '--sample-length', '80'];

describe('char-rnn example', () => {
  it('the unigram baseline is the entropy of the character frequencies', () => {
    const v = new Vocabulary('abab');
    expect(v.chars).toEqual(['a', 'b']);
    expect(unigramBits(v.encode('abab'), v.size)).toBeCloseTo(1, 12);
    expect(unigramBits(v.encode('aaaa'), v.size)).toBe(0);
    expect(() => v.encode('abc')).toThrow(RangeError);
  });

  for (const cell of ['lstm', 'gru']) {
    it(`${cell}: 150 steps on the README beat the unigram baseline by half a bit per character`, () => {
      const r = quiet(() => main([...small, '--cell', cell, '--steps', '150']));
      expect(r.bits).toHaveLength(150);
      expect(mean(r.bits.slice(0, 5))).toBeGreaterThan(r.unigram);
      expect(mean(r.bits.slice(-25))).toBeLessThan(r.unigram - 0.5);
      expect([...r.text]).toHaveLength(80);
    });
  }

  it('samples only characters of the text, and the same seed gives the same sample', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'char-rnn-'));
    const file = path.join(dir, 'tiny.txt');
    fs.writeFileSync(file, 'the cat sat on the mat. '.repeat(20));
    const args = ['--file', file, ...small, '--steps', '20'];
    const a = quiet(() => main(args));
    const b = quiet(() => main(args));
    expect(a.text).toBe(b.text);
    expect([...a.text].every((c) => 'the cat sat on the mat. '.includes(c))).toBe(true);
    const c = quiet(() => main([...args, '--seed', '1']));
    expect(c.text).not.toBe(a.text);
    fs.rmSync(dir, { recursive: true });
  });

  it('bad settings throw a RangeError naming the flag', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'char-rnn-'));
    const file = path.join(dir, 'short.txt');
    fs.writeFileSync(file, 'too short');
    expect(() => quiet(() => main(['--file', file]))).toThrow(/--seq-len 64 needs more/);
    expect(() => quiet(() => main(['--hidden', '0']))).toThrow(/--hidden expects a positive integer/);
    expect(() => quiet(() => main(['--temperature', '0']))).toThrow(/--temperature expects a number > 0/);
    expect(() => quiet(() => main(['--cell', 'tcn']))).toThrow(/--cell expects one of lstm, gru/);
    fs.rmSync(dir, { recursive: true });
  });
});
