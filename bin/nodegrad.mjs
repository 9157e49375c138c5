#!/usr/bin/env node
// npx nodegrad mnist [options] | npx nodegrad example <name> [options]
// The examples are TypeScript; tsx compiles them on the fly.
import { register } from 'tsx/esm/api';

const [command, ...rest] = process.argv.slice(2);
const argv = command === 'mnist' ? ['mnist', ...rest] : command === 'example' ? rest : null;
if (argv === null) {
  console.error('usage: nodegrad mnist [options]    train LeNet-5 on MNIST (--help for options)\n' +
    '       nodegrad example <name>     run an example (without a name: list them)');
  process.exit(command === undefined || command === '--help' ? 0 : 2);
}
register();
process.argv = [process.argv[0], new URL('../examples/run.ts', import.meta.url).pathname, ...argv];
await import('../examples/run.ts');
