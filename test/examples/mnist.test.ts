/** The MNIST example on short settings: the loss falls, runs repeat bitwise, the CLI saves what it says. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossEntropy, load, manualSeed, optim, type Tensor } from '../../lib/index.js';
import { loadMnistSplits } from '../../examples/mnist/data.js';
import { mlp } from '../../examples/mnist/models.js';
import { trainEpoch } from '../../examples/mnist/train.js';
import { repoRoot } from '../helpers/child.js';

const { train } = loadMnistSplits();
const ce = (logits: Tensor, y: Tensor) => crossEntropy(logits, y);

function run(seed: number, steps: number): number[] {
  manualSeed(seed);
  const model = mlp();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const losses: number[] = [];
  trainEpoch(model, opt, ce, train, { batchSize: 64, seed, limit: 64 * steps, flat: true, onStep: (_, l) => losses.push(l) });
  return losses;
}

describe('mnist example', () => {
  it('MLP on 1,024 real images: the loss falls and the run repeats bitwise', () => {
    const a = run(7, 16);
    expect(a).toHaveLength(16);
    // Untrained logits give ≈ ln 10 = 2.30; sixteen momentum steps bring the batch loss well below it.
    expect(a[0]).toBeGreaterThan(2.0);
    expect(Math.min(...a.slice(-3))).toBeLessThan(a[0] - 0.6);
    expect(run(7, 16)).toEqual(a);
  });

  it('the CLI trains, prints the summary, saves PyTorch names and the chart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-mnist-'));
    const out = path.join(dir, 'model.safetensors');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/mnist/main.ts', '--model', 'mlp', '--limit', '256', '--test-limit', '200', '--output', out, '--threads', '1'], {
      cwd: repoRoot, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.stderr + r.stdout).toMatch(/test accuracy \d+\.\d\d% \(200 images\) \| wall time .* samples\/s \| 1 thread\(s\) \| isa \w+/);
    expect(r.status).toBe(0);
    expect(Object.keys(load(out)).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(load(out)['0.weight'].shape).toEqual([256, 784]);
    expect(fs.readFileSync(path.join(dir, 'model.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<path d="M[\s\S]*<\/svg>\n$/);
    fs.rmSync(dir, { recursive: true });
  });

  it('the CLI rejects bad flags with a message and exit code 1', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/mnist/main.ts', '--backend', 'gpu'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--backend expects one of native, js, got 'gpu'/);
  });
});
