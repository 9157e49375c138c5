/**
 * The Electron example's inference half, which runs under plain Node: the worker it starts answers
 * transferred pixel buffers with the probabilities the model gives in-process. (The window half needs the
 * electron binary, which its package downloads at install; it is not run here.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ng from '../../lib/index.js';
import { createClassifier, lenet5 } from '../../examples/electron/digit-classifier.js';
import { lenet5 as lenet5Ts } from '../../examples/mnist/models.js';
import { repoRoot } from '../helpers/child.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-electron-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function savedWeights(seed: number): string {
  ng.manualSeed(seed);
  const file = path.join(tmp, `lenet5-${seed}.safetensors`);
  ng.save(lenet5Ts().stateDict(), file);
  return file;
}

const drawing = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100);

describe('electron example: digit classifier', () => {
  it('the files Electron runs parse', () => {
    for (const f of ['main.js', 'preload.cjs', 'renderer.js', 'classifier-worker.js', 'digit-classifier.js']) {
      const r = spawnSync(process.execPath, ['--check', path.join(repoRoot, 'examples/electron', f)], { encoding: 'utf8' });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
  });

  it('has the layout of the MNIST example, so its weights load strictly', () => {
    const names = (m: ng.nn.Module) => [...m.namedParameters()].map(([n, p]) => `${n} ${p.shape.join('x')}`);
    expect(names(lenet5(ng))).toEqual(names(lenet5Ts()));
  });

  it('gives the probabilities of the model run directly, and rejects a wrong drawing', () => {
    const weights = savedWeights(3);
    const classify = createClassifier(ng, weights);
    const model = lenet5Ts();
    model.loadStateDict(ng.load(weights));
    model.eval();
    const x = new ng.Tensor(drawing.map((p) => (p - 0.1307) / 0.3081), [1, 1, 28, 28]);
    const expected = ng.noGrad(() => ng.softmax(model.forward(x), 1)).data;
    const p = classify(drawing);
    expect(Array.from(p)).toEqual(Array.from(expected));
    expect(p.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    expect(() => classify(new Float32Array(783))).toThrow(TypeError);
    expect(() => classify([0, 1] as unknown as Float32Array)).toThrow(/expected a Float32Array of 784 pixels/);
  });

  it('its worker thread answers transferred buffers (detaching the sender\'s copy) and reports bad input', () => {
    // A consumer folder where `import 'nodegrad'` resolves to this repository's sources (through tsx).
    const app = path.join(tmp, 'app');
    fs.mkdirSync(path.join(app, 'node_modules', 'nodegrad'), { recursive: true });
    for (const f of ['classifier-worker.js', 'digit-classifier.js']) fs.copyFileSync(path.join(repoRoot, 'examples/electron', f), path.join(app, f));
    fs.writeFileSync(path.join(app, 'package.json'), '{"type": "module"}');
    fs.symlinkSync(path.join(repoRoot, 'node_modules/tsx'), path.join(app, 'node_modules/tsx'));
    fs.writeFileSync(path.join(app, 'node_modules/nodegrad/package.json'), '{"name": "nodegrad", "type": "module", "exports": "./index.js"}');
    fs.writeFileSync(path.join(app, 'node_modules/nodegrad/index.js'), `export * from ${JSON.stringify(path.join(repoRoot, 'lib/index.ts'))};`);
    const weights = savedWeights(4);
    const script = `
      import { Worker } from 'node:worker_threads';
      // Node 20 workers do not inherit module hooks: register tsx in the worker, then run the example's file.
      const boot = "const { register } = await import('tsx/esm/api'); register(); await import(" + JSON.stringify(new URL('./classifier-worker.js', import.meta.url).href) + ');';
      const worker = new Worker(boot, { eval: true, workerData: { weights: ${JSON.stringify(weights)} } });
      const pixels = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100);
      const sent = pixels.slice();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const answer = (msg) => new Promise((res) => { worker.once('message', res); worker.postMessage(msg, msg.pixels?.buffer ? [msg.pixels.buffer] : []); });
      const ok = await answer({ id: 1, pixels: sent });
      const bad = await answer({ id: 2, pixels: new Float32Array(3) });
      clearInterval(timer);
      await worker.terminate();
      console.log(JSON.stringify({ ok: { id: ok.id, p: Array.from(ok.probabilities) }, bad, detached: sent.byteLength, ticks }));`;
    fs.writeFileSync(path.join(app, 'main.js'), script);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'main.js'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.ok.id).toBe(1);
    expect(out.ok.p).toEqual(Array.from(createClassifier(ng, weights)(drawing)));
    expect(out.bad).toEqual({ id: 2, error: expect.stringMatching(/expected a Float32Array of 784 pixels/) });
    expect(out.detached).toBe(0);
    expect(out.ticks).toBeGreaterThan(0);
  });
});
