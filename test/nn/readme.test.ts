/**
 * The README's "Training, the PyTorch way" block, run as written: its TypeScript is transpiled, `nodegrad`
 * resolves to lib/index.ts, and only the data is cut down (loadMnist hands out the first 3,000 training and
 * 1,000 test images) and the two files go to a temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import * as nodegrad from '../../lib/index.js';
import { mnistDataDir, Subset } from '../../lib/data/index.js';
import { decodeSafetensors } from '../../lib/io/safetensors.js';
import { repoRoot } from '../helpers/child.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-readme-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The first ```ts block after the heading. */
function readmeBlock(heading: string): string {
  const text = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const at = text.indexOf(`## ${heading}`);
  expect(at, `README section '${heading}'`).toBeGreaterThanOrEqual(0);
  const m = /```ts\n([\s\S]*?)```/.exec(text.slice(at));
  expect(m, `a ts block under '${heading}'`).not.toBeNull();
  return m![1];
}

describe('README: the PyTorch-style MNIST loop', () => {
  const hasData = mnistDataDir() !== null && fs.existsSync(path.join(mnistDataDir()!, 't10k-images-idx3-ubyte'));
  const source = readmeBlock('Training, the PyTorch way');

  it('reads like the PyTorch loop', () => {
    for (const line of [
      'optimizer.zeroGrad();',
      'const loss = lossFn.forward(model.forward(x), y);',
      'loss.backward();',
      'optimizer.step();',
      'scheduler.step();',
      'model.train();',
      'model.eval();',
    ]) expect(source).toContain(line);
    expect(source).toMatch(/for \(const \[x, y\] of trainLoader\)/);
  });

  it.runIf(hasData)('runs as written, learns, and saves files PyTorch reads', () => {
    const { outputText, diagnostics } = ts.transpileModule(`${source}\nreturn { model, correct, test };`, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      reportDiagnostics: true,
    });
    expect(diagnostics ?? []).toEqual([]);
    const files = new Map<string, string>();
    // Only what the block writes changes: its file names are mapped into the temporary directory.
    const code = outputText.replace(/\.save\('([^']+)'\)/g, (_, f: string) => {
      files.set(f, path.join(tmp, f));
      return `.save(${JSON.stringify(path.join(tmp, f))})`;
    });
    const small = {
      ...nodegrad,
      loadMnist: (...args: Parameters<typeof nodegrad.loadMnist>) => {
        const { train, test } = nodegrad.loadMnist(...args);
        return { train: new Subset(train, range(3000)), test: new Subset(test, range(1000)) };
      },
    };
    const fakeRequire = (name: string) => {
      if (name !== 'nodegrad') throw new Error(`the README block imports ${name}`);
      return small;
    };
    const exports = {};
    const run = new Function('require', 'exports', code) as (r: typeof fakeRequire, e: object) => {
      model: nodegrad.nn.Module; correct: number; test: { length: number };
    };
    const { model, correct, test } = run(fakeRequire, exports);
    expect(test.length).toBe(1000);
    expect(correct / test.length).toBeGreaterThan(0.85);

    expect([...files.keys()]).toEqual(['mnist.safetensors', 'optimizer.safetensors']);
    const saved = decodeSafetensors(fs.readFileSync(files.get('mnist.safetensors')!));
    expect(saved.metadata?.format).toBe('pt');
    expect(Object.fromEntries([...saved.tensors].map(([k, t]) => [k, [t.dtype, t.shape]]))).toEqual({
      '1.weight': ['F32', [128, 784]], '1.bias': ['F32', [128]], '3.weight': ['F32', [10, 128]], '3.bias': ['F32', [10]],
    });
    const sd = model.stateDict();
    for (const [k, t] of saved.tensors) expect(Buffer.from((t.data as Float32Array).buffer)).toEqual(Buffer.from(sd[k].data.buffer));
    expect(nodegrad.loadOptimizerState(files.get('optimizer.safetensors')!).paramGroups[0]).toMatchObject({ momentum: 0.9, params: [0, 1, 2, 3] });
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
