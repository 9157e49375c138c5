/**
 * A worker thread of the main process: loads nodegrad and the model once, then answers
 * { id, pixels } messages with { id, probabilities } (or { id, error }). The pixels arrive as a
 * transferred buffer, so nothing is copied between threads and the main thread never waits on a kernel.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ng from 'nodegrad';
import { createClassifier } from './digit-classifier.js';

ng.setNumThreads(workerData.threads ?? 1);
const classify = createClassifier(ng, workerData.weights);

parentPort.on('message', ({ id, pixels }) => {
  try {
    const probabilities = classify(pixels);
    parentPort.postMessage({ id, probabilities }, [probabilities.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err.message });
  }
});
