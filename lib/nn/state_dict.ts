/** `Module.loadStateDict`: checks every key first, then copies in place. */
import { Tensor } from '../tensor.js';
import type { LoadResult, Module, StateDict } from './module.js';

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function loadStateDictInto(module: Module, dict: StateDict, strict: boolean): LoadResult {
  const op = `nodegrad.${module.constructor.name}.loadStateDict`;
  if (dict === null || typeof dict !== 'object') throw new TypeError(`${op}: expected a state dict object, got ${dict === null ? 'null' : typeof dict}`);
  if (typeof strict !== 'boolean') throw new TypeError(`${op}: expected strict to be a boolean, got ${typeof strict}`);
  const own = module.stateDict();
  const missingKeys: string[] = [];
  const mismatches: string[] = [];
  for (const [name, dst] of Object.entries(own)) {
    if (!(name in dict)) {
      missingKeys.push(name);
      continue;
    }
    const src = dict[name];
    if (!(src instanceof Tensor)) throw new TypeError(`${op}: expected '${name}' to be a Tensor, got ${src === null ? 'null' : typeof src}`);
    if (src.shape.length !== dst.shape.length || src.shape.some((d, i) => d !== dst.shape[i])) {
      mismatches.push(`size mismatch for ${name}: copying a tensor of shape ${fmt(src.shape)} from the state dict, the shape in the model is ${fmt(dst.shape)}`);
    }
  }
  const unexpectedKeys = Object.keys(dict).filter((k) => !(k in own));
  const errors = [...mismatches];
  if (strict) {
    if (unexpectedKeys.length) errors.unshift(`unexpected key(s) in state dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
    if (missingKeys.length) errors.unshift(`missing key(s) in state dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
  }
  if (errors.length) throw new RangeError(`${op}: error(s) loading the state dict into ${module.constructor.name}:\n  ${errors.join('\n  ')}`);
  for (const [name, dst] of Object.entries(own)) {
    if (!(name in dict)) continue;
    const src = dict[name];
    const target = dst.data;
    if (target === dst.storage || (dst.isContiguous() && target.buffer === dst.storage.buffer)) target.set(src.data);
    else throw new RangeError(`${op}: expected '${name}' in the model to be a dense tensor`);
  }
  return { missingKeys, unexpectedKeys };
}
