/**
 * Optimizer state dicts ↔ safetensors: each state buffer is a tensor named `state.<param index>.<key>`; the
 * scalar state (step counts) and the param groups' options are JSON in `__metadata__` (keys
 * `nodegrad.scalars` and `nodegrad.param_groups`). Buffers keep their dtype, so a reload is bitwise.
 */
import fs from 'node:fs';
import type { OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from './safetensors.js';
import { PRODUCER } from './state.js';

export function encodeOptimizerState(dict: OptimizerStateDict): Uint8Array {
  if (!dict || typeof dict.state !== 'object' || !Array.isArray(dict.paramGroups)) {
    throw new TypeError('nodegrad.saveOptimizerState: expected an optimizer state dict with state and paramGroups');
  }
  const tensors = new Map<string, RawTensor>();
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, s] of Object.entries(dict.state)) {
    for (const [key, v] of Object.entries(s)) {
      if (typeof v === 'number') (scalars[index] ??= {})[key] = v;
      else tensors.set(`state.${index}.${key}`, { dtype: v instanceof Float64Array ? 'F64' : 'F32', shape: [v.length], data: v });
    }
  }
  return encodeSafetensors(tensors, {
    format: 'nodegrad.optimizer',
    producer: PRODUCER,
    'nodegrad.scalars': JSON.stringify(scalars),
    'nodegrad.param_groups': JSON.stringify(dict.paramGroups),
  });
}

export function decodeOptimizerState(bytes: Uint8Array, source = '<buffer>'): OptimizerStateDict {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const fail = (what: string): never => {
    throw new RangeError(`nodegrad.loadOptimizerState: ${source}: ${what}`);
  };
  if (!metadata || metadata.format !== 'nodegrad.optimizer') fail("not an optimizer state file (metadata format is not 'nodegrad.optimizer')");
  let scalars: Record<string, Record<string, number>>;
  let paramGroups: OptimizerStateDict['paramGroups'];
  try {
    scalars = JSON.parse(metadata!['nodegrad.scalars'] ?? '{}');
    paramGroups = JSON.parse(metadata!['nodegrad.param_groups']);
  } catch (e) {
    return fail(`malformed metadata JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(paramGroups) || paramGroups.some((g) => !g || !Array.isArray(g.params))) fail('param groups must be a list of objects with params');
  const state: Record<number, ParamState> = {};
  for (const [index, s] of Object.entries(scalars)) {
    for (const [key, v] of Object.entries(s)) {
      if (typeof v !== 'number') fail(`scalar state ${index}.${key} is not a number`);
      (state[Number(index)] ??= {})[key] = v;
    }
  }
  for (const [name, t] of tensors) {
    const m = /^state\.(\d+)\.(\w+)$/.exec(name);
    if (!m || t.dtype === 'I64' || t.shape.length !== 1) fail(`unexpected tensor '${name}'`);
    (state[Number(m![1])] ??= {})[m![2]] = t.data as Float32Array | Float64Array;
  }
  return { state, paramGroups };
}

/** Writes `optimizer.stateDict()` to a file. */
export function saveOptimizerState(dict: OptimizerStateDict, path: string): void {
  fs.writeFileSync(path, encodeOptimizerState(dict));
}

/** Reads a file written by saveOptimizerState; pass the result to `optimizer.loadStateDict`. */
export function loadOptimizerState(path: string): OptimizerStateDict {
  return decodeOptimizerState(fs.readFileSync(path), path);
}
