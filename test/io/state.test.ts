import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../lib/ops/creation.js';
import { decodeSafetensors } from '../../lib/io/safetensors.js';
import { decodeStateDict, encodeStateDict, isInt64, load, loadWithMetadata, markInt64, save } from '../../lib/io/state.js';
import { Tensor } from '../../lib/tensor.js';

describe('state dict files', () => {
  it('round trips float32, float64 and int64-marked tensors, with metadata', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodegrad-state-'));
    const file = path.join(dir, 'm.safetensors');
    const dict = {
      w: tensor([[1.5, -2], [Math.PI, 1e-30]]),
      d: tensor([Math.E], { dtype: 'float64' }),
      n: markInt64(tensor(12345, { dtype: 'float64' })),
      // A strided view is written densely.
      t: tensor([[1, 2], [3, 4]]).T,
    };
    save(dict, file, { epoch: '3' });
    const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file));
    expect(metadata).toEqual({ format: 'pt', producer: 'nodegrad 0.1.0', epoch: '3' });
    expect(tensors.get('n')).toEqual({ dtype: 'I64', shape: [], data: new BigInt64Array([12345n]) });
    expect(tensors.get('d')!.dtype).toBe('F64');
    const back = load(file);
    expect(Object.keys(back).sort()).toEqual(['d', 'n', 't', 'w']);
    expect(Buffer.from(back.w.data.buffer)).toEqual(Buffer.from(dict.w.data.buffer));
    expect(back.w.dtype).toBe('float32');
    expect(back.d.data[0]).toBe(Math.E);
    expect(isInt64(back.n)).toBe(true);
    expect(back.n.item()).toBe(12345);
    expect(back.t.toArray()).toEqual([[1, 3], [2, 4]]);
    expect(loadWithMetadata(file).metadata?.epoch).toBe('3');
    fs.rmSync(dir, { recursive: true });
  });

  it('rejects non-tensors and non-integer int64 values; errors name the file', () => {
    expect(() => encodeStateDict({ a: [1, 2] as unknown as Tensor })).toThrow(/'a' to be a Tensor/);
    expect(() => encodeStateDict({ a: markInt64(tensor([0.5])) })).toThrow(/integer values/);
    expect(() => decodeStateDict(new Uint8Array(3), 'x.safetensors')).toThrow(/x\.safetensors/);
    expect(() => load('/nonexistent.safetensors')).toThrow(/ENOENT/);
  });
});
