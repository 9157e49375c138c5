/**
 * Electron main process: a window to draw a digit in, and a worker thread that runs LeNet-5 on it.
 * nodegrad lives in the main process (never in a renderer: renderers are sandboxed and must not load
 * native addons), and its kernels run on the worker so the main process keeps serving the UI.
 */
import { app, BrowserWindow, ipcMain } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const here = path.dirname(fileURLToPath(import.meta.url));
const weights = process.env.NODEGRAD_WEIGHTS ?? path.resolve(here, '../../lenet5.safetensors');

const worker = new Worker(path.join(here, 'classifier-worker.js'), { workerData: { weights, threads: 1 } });
const pending = new Map();
let nextId = 0;
worker.on('message', ({ id, probabilities, error }) => {
  const p = pending.get(id);
  pending.delete(id);
  if (error) p.reject(new Error(error));
  else p.resolve(Array.from(probabilities));
});
worker.on('error', (err) => {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
});

ipcMain.handle('classify', (_event, pixels) => {
  const data = Float32Array.from(pixels);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, pixels: data }, [data.buffer]);
  });
});

app.whenReady().then(() => {
  const win = new BrowserWindow({
    width: 420,
    height: 520,
    webPreferences: { preload: path.join(here, 'preload.cjs'), contextIsolation: true, sandbox: true },
  });
  win.loadFile(path.join(here, 'index.html'));
});

app.on('window-all-closed', () => {
  worker.terminate();
  app.quit();
});
