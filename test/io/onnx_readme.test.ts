/**
 * The README's "Export to ONNX" block, run as written: its imports resolve to lib/index.ts and onnxruntime-web,
 * its file goes to a temporary directory, and the output is checked against the model's eval-mode forward.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import * as nodegrad from '../../lib/index.js';
import { EPS32, expectClose } from '../helpers/close.js';
import { repoRoot } from '../helpers/child.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-onnx-readme-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('README: Export to ONNX', () => {
  it('runs as written and onnxruntime agrees with the forward pass', async () => {
    ort.env.wasm.numThreads = 1;
    const text = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const at = text.indexOf('## Export to ONNX');
    expect(at).toBeGreaterThanOrEqual(0);
    const block = /```ts\n([\s\S]*?)```/.exec(text.slice(at))![1];
    const modules: Record<string, unknown> = { nodegrad, 'onnxruntime-web': ort };
    const source = block
      .replace(/^import \* as (\w+) from '([^']+)';$/gm, (_, name: string, mod: string) => `const ${name} = __modules[${JSON.stringify(mod)}];`)
      .replace(/^import \{([^}]+)\} from '([^']+)';$/gm, (_, names: string, mod: string) => `const {${names}} = __modules[${JSON.stringify(mod)}];`)
      .replace(/'lenet5\.onnx'/g, JSON.stringify(path.join(tmp, 'lenet5.onnx')));
    const { outputText, diagnostics } = ts.transpileModule(`${source}\nreturn { model, x, output };`, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      reportDiagnostics: true,
    });
    expect(diagnostics ?? []).toEqual([]);
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (m: unknown) => Promise<unknown>;
    const { model, x, output } = (await new AsyncFunction('__modules', outputText)(modules)) as {
      model: nodegrad.nn.Module; x: nodegrad.Tensor; output: ort.Tensor;
    };
    expect(fs.existsSync(path.join(tmp, 'lenet5.onnx'))).toBe(true);
    expect(output.dims).toEqual([8, 10]);
    const ref = (model.eval().forward(x) as nodegrad.Tensor).data;
    // Float32 on both sides: both round the same sums in different orders (k ≤ 400 per layer, 5 layers).
    expectClose(output.data as Float32Array, ref, (i) => 2000 * EPS32 * (Math.abs(ref[i]) + 1));
  });
});
