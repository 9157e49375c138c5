import { describe, expect, it } from 'vitest';
import { manualSeed, randn, tensor } from '../../lib/ops/creation.js';
import { Tensor } from '../../lib/tensor.js';
import {
  BatchNorm1d, Dropout, Embedding, Flatten, LayerNorm, Linear, Module, ModuleDict, ModuleList, Parameter, ReLU, Sequential, Tanh,
} from '../../lib/nn/index.js';
import { isInt64 } from '../../lib/io/state.js';

class Net extends Module {
  fc1 = new Linear(4, 3);
  act = new ReLU();
  head = new Sequential(new Linear(3, 3), new Tanh(), new Linear(3, 2, { bias: false }));
  bn = new BatchNorm1d(3);
  scale: Parameter;
  plain: Tensor = tensor([1, 2]);

  constructor() {
    super();
    this.scale = new Parameter(tensor([2]));
    this.registerBuffer('steps', tensor([0]));
    this.registerBuffer('cache', tensor([5]), false);
  }

  override forward(x: Tensor): Tensor {
    return (this.head.forward(this.bn.forward(this.act.forward(this.fc1.forward(x)))) as Tensor).mul(this.scale);
  }
}

describe('Module registration and traversal', () => {
  it('names parameters, buffers and children in registration order', () => {
    const net = new Net();
    // As PyTorch: module by module (this one first), each module's own parameters in assignment order.
    expect([...net.namedParameters()].map(([n]) => n)).toEqual([
      'scale', 'fc1.weight', 'fc1.bias', 'head.0.weight', 'head.0.bias', 'head.2.weight', 'bn.weight', 'bn.bias',
    ]);
    expect([...net.namedBuffers()].map(([n]) => n)).toEqual(['steps', 'cache', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect([...net.namedChildren()].map(([n]) => n)).toEqual(['fc1', 'act', 'head', 'bn']);
    expect([...net.children()]).toEqual([net.fc1, net.act, net.head, net.bn]);
    expect([...net.modules()]).toEqual([net, net.fc1, net.act, net.head, ...net.head, net.bn]);
    expect([...net.namedModules()].map(([n]) => n)).toEqual(['', 'fc1', 'act', 'head', 'head.0', 'head.1', 'head.2', 'bn']);
    expect([...net.parameters(false)]).toEqual([net.scale]);
  });

  it('stateDict: own parameters, then own buffers, then children; non-persistent buffers left out', () => {
    const keys = Object.keys(new Net().stateDict());
    expect(keys).toEqual([
      'scale', 'steps',
      'fc1.weight', 'fc1.bias',
      'head.0.weight', 'head.0.bias', 'head.2.weight',
      'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked',
    ]);
  });

  it('matches PyTorch keys for Sequential, skipping parameter-less modules without renumbering', () => {
    const m = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(m.stateDict()['0.weight'].shape).toEqual([8, 4]);
    const named = new Sequential({ enc: new Linear(2, 2), out: new Linear(2, 1) });
    expect(Object.keys(named.stateDict())).toEqual(['enc.weight', 'enc.bias', 'out.weight', 'out.bias']);
  });

  it('shared parameters and modules are listed once', () => {
    const lin = new Linear(2, 2);
    const m = new Sequential(lin, lin);
    expect([...m.parameters()].length).toBe(2);
    expect([...m.modules()].length).toBe(2);
  });

  it('stateDict values share storage and are detached; num_batches_tracked is int64', () => {
    const m = new Linear(2, 2);
    const sd = m.stateDict();
    expect(sd.weight.storage).toBe(m.weight.storage);
    expect(sd.weight.requiresGrad).toBe(false);
    const bn = new BatchNorm1d(2);
    expect(isInt64(bn.stateDict().num_batches_tracked)).toBe(true);
    expect(bn.stateDict().num_batches_tracked.shape).toEqual([]);
  });

  it('train/eval propagate; zeroGrad clears; apply visits children first', () => {
    const net = new Net();
    net.eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.head.at(1).training).toBe(true);
    const y = net.forward(randn(5, 4)).sum();
    y.backward();
    expect(net.fc1.weight.grad).not.toBeNull();
    net.zeroGrad({ setToNone: false });
    expect(Array.from(net.fc1.weight.grad!.data).every((v) => v === 0)).toBe(true);
    net.zeroGrad();
    expect(net.fc1.weight.grad).toBeNull();
    expect(() => net.train(0 as unknown as boolean)).toThrow(/^nodegrad\.Net\.train: expected mode to be a boolean/);
    const seen: string[] = [];
    new Sequential(new Linear(1, 1), new ReLU()).apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Sequential']);
  });

  it('registerBuffer rejects bad names and Parameters', () => {
    const m = new Module();
    expect(() => m.registerBuffer('a.b', tensor([1]))).toThrow(TypeError);
    expect(() => m.registerBuffer('a', new Parameter(tensor([1])))).toThrow(/Parameter/);
    expect(() => m.registerBuffer('a', 3 as unknown as Tensor)).toThrow(TypeError);
  });
});

describe('stateDict round trips', () => {
  it('load into a differently initialised model gives bitwise identical outputs', () => {
    manualSeed(1);
    const a = new Net();
    a.train();
    a.forward(randn(6, 4)); // moves the running statistics
    a.eval();
    manualSeed(2);
    const b = new Net();
    b.eval();
    const x = randn(5, 4);
    expect(Buffer.from(b.forward(x).data.buffer)).not.toEqual(Buffer.from(a.forward(x).data.buffer));
    const result = b.loadStateDict(a.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(Buffer.from(b.forward(x).data.buffer)).toEqual(Buffer.from(a.forward(x).data.buffer));
    expect(b.bn.numBatchesTracked).toBe(1);
    // Loading copies: later changes to a do not reach b.
    a.fc1.weight.data[0] += 1;
    expect(b.fc1.weight.data[0]).not.toBe(a.fc1.weight.data[0]);
  });

  it('strict loading names missing, unexpected and mismatched keys', () => {
    const m = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
    const sd = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2)).stateDict();
    delete (sd as Record<string, Tensor>)['2.bias'];
    sd['3.weight'] = tensor([1]);
    let message = '';
    try { m.loadStateDict(sd); } catch (e) { message = (e as Error).message; expect(e).toBeInstanceOf(RangeError); }
    expect(message).toMatch(/^nodegrad\.Sequential\.loadStateDict: /);
    expect(message).toContain('missing key(s) in state dict: "2.bias"');
    expect(message).toContain('unexpected key(s) in state dict: "3.weight"');

    const wrong = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3)).stateDict();
    expect(() => m.loadStateDict(wrong)).toThrow(/size mismatch for 2\.weight: copying a tensor of shape \[3, 8\] from the state dict, the shape in the model is \[2, 8\]/);
    expect(() => m.loadStateDict(wrong, { strict: false })).toThrow(/size mismatch for 2\.bias/);
    // Nothing was copied by the failed loads.
    const before = Array.from(m.stateDict()['0.weight'].data);
    expect(() => m.loadStateDict(wrong)).toThrow();
    expect(Array.from(m.stateDict()['0.weight'].data)).toEqual(before);
  });

  it('non-strict loading reports what it skipped', () => {
    const m = new Sequential(new Linear(2, 2), new Linear(2, 2));
    const sd = new Sequential(new Linear(2, 2)).stateDict();
    sd.extra = tensor([1]);
    expect(m.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['1.weight', '1.bias'], unexpectedKeys: ['extra'] });
  });

  it('converts dtype on load (float64 dict into a float32 model)', () => {
    const m = new Linear(2, 1);
    m.loadStateDict({ weight: tensor([[0.5, 0.25]], { dtype: 'float64' }), bias: tensor([1], { dtype: 'float64' }) });
    expect(Array.from(m.weight.data)).toEqual([0.5, 0.25]);
    expect(m.weight.dtype).toBe('float32');
  });
});

describe('toString', () => {
  it('prints the tree like PyTorch', () => {
    const m = new Sequential(new Linear(4, 8), new ReLU(), new Sequential(new Dropout(0.2), new Flatten()));
    expect(m.toString()).toBe([
      'Sequential(',
      '  (0): Linear(inFeatures=4, outFeatures=8, bias=true)',
      '  (1): ReLU()',
      '  (2): Sequential(',
      '    (0): Dropout(p=0.2)',
      '    (1): Flatten(startDim=1, endDim=-1)',
      '  )',
      ')',
    ].join('\n'));
    expect(new Embedding(10, 3).toString()).toBe('Embedding(10, 3)');
    expect(new LayerNorm(4).toString()).toBe('LayerNorm([4], eps=0.00001, elementwiseAffine=true)');
  });
});

describe('containers', () => {
  it('Sequential chains forward, indexes and appends', () => {
    const s = new Sequential(new Linear(2, 3), new ReLU());
    s.append(new Linear(3, 1));
    expect(s.length).toBe(3);
    expect(s.at(-1)).toBeInstanceOf(Linear);
    expect((s.forward(randn(4, 2)) as Tensor).shape).toEqual([4, 1]);
    expect([...s].length).toBe(3);
    expect(() => new Sequential(3 as unknown as Module)).toThrow(TypeError);
  });

  it('ModuleList and ModuleDict register their members', () => {
    const l = new ModuleList([new Linear(1, 1), new Linear(1, 1)]);
    l.append(new Linear(1, 2));
    expect(Object.keys(l.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias']);
    const d = new ModuleDict({ enc: new Linear(1, 1) });
    d.set('dec', new Linear(1, 1));
    expect(d.keys()).toEqual(['enc', 'dec']);
    expect(d.get('enc')).toBeInstanceOf(Linear);
    expect(Object.keys(d.stateDict())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    expect(() => d.set('train', new Linear(1, 1))).toThrow(TypeError);
    expect(d.has('dec') && !d.has('nope')).toBe(true);
    expect(d.entries().map(([k, m]) => [k, m.constructor.name])).toEqual([['enc', 'Linear'], ['dec', 'Linear']]);
    l.extend([new ReLU(), new Linear(2, 2)]);
    expect(l.length).toBe(5);
    expect(l.at(3)).toBeInstanceOf(ReLU);
    expect(Object.keys(l.stateDict()).slice(-2)).toEqual(['4.weight', '4.bias']);
    expect(() => l.append({} as Module)).toThrow(/^nodegrad\.ModuleList\.append: expected m to be a Module/);
  });
});
