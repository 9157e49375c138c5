/** The MNIST example on short settings: the loss falls, runs repeat bitwise, the CLI saves what it says. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossEntropy, load, manualSeed, optim, type Tensor } from '../../lib/index.js';
import { lenet5, mlp } from '../../examples/mnist/models.js';
import { loadNormalisedMnist, trainEpoch } from '../../examples/mnist/train.js';
import { repoRoot } from '../helpers/child.js';

const { train } = loadNormalisedMnist();
const ce = (logits: Tensor, y: Tensor) => crossEntropy(logits, y);

function run(seed: number, steps: number, kind: 'mlp' | 'lenet5' = 'mlp'): number[] {
  manualSeed(seed);
  const model = kind === 'mlp' ? mlp() : lenet5();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const losses: number[] = [];
  trainEpoch(model, opt, ce, train, { batchSize: 64, seed, limit: 64 * steps, flat: kind === 'mlp', onStep: (_, l) => losses.push(l) });
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

  it('LeNet-5 on 512 real images: the loss starts falling and the run repeats bitwise', () => {
    const a = run(3, 8, 'lenet5');
    expect(a[0]).toBeGreaterThan(2.2);
    // PyTorch's LeNet with this recipe sits near ln 10 for its first ~50 steps; the first 8 only start down.
    expect(Math.min(...a.slice(-3))).toBeLessThan(a[0]);
    expect(run(3, 8, 'lenet5')).toEqual(a);
  });

  it('the CLI trains LeNet-5 on both backends, prints the summary, saves PyTorch names and the chart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-mnist-'));
    const out = path.join(dir, 'model.safetensors');
    for (const backend of ['native', 'js']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/mnist/main.ts', '--limit', '128', '--test-limit', '100', '--output', out, '--threads', '1', '--backend', backend], {
        cwd: repoRoot, encoding: 'utf8', timeout: 60_000,
      });
      expect(r.stderr + r.stdout).toMatch(new RegExp(`test accuracy \\d+\\.\\d\\d% \\(100 images\\) \\| wall time .* samples/s \\| 1 thread\\(s\\) \\| isa \\w+ \\| backend ${backend}`));
      expect(r.status).toBe(0);
    }
    const dict = load(out);
    expect(Object.keys(dict).sort()).toEqual(['0.bias', '0.weight', '11.bias', '11.weight', '3.bias', '3.weight', '7.bias', '7.weight', '9.bias', '9.weight']);
    expect(dict['0.weight'].shape).toEqual([6, 1, 5, 5]);
    expect(dict['3.weight'].shape).toEqual([16, 6, 5, 5]);
    expect(dict['7.weight'].shape).toEqual([120, 400]);
    expect(fs.readFileSync(path.join(dir, 'model.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<path d="M[\s\S]*<\/svg>\n$/);
    fs.rmSync(dir, { recursive: true });
  });

  it('the CLI rejects bad flags with a message and exit code 1', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/mnist/main.ts', '--backend', 'gpu'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--backend expects one of native, js, got 'gpu'/);
  });
});
