/**
 * Small helpers the examples share: command-line flags and "am I the entry point". Each example exports
 * `main(argv)` so `npm run example -- <name>`, `node --import tsx examples/<name>.ts` and the tests all run
 * the same code.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FlagSpec {
  /** Default value; its type (number, string, boolean) is the flag's type. */
  value: number | string | boolean;
  help: string;
  /** Accepted values for a string flag. */
  choices?: readonly string[];
}

export type FlagValues<S extends Record<string, FlagSpec>> = { [K in keyof S]: S[K]['value'] };

/** `--name value`, `--name=value`, `--flag` / `--no-flag` for booleans; camelCase keys are spelled kebab-case. */
export function parseFlags<S extends Record<string, FlagSpec>>(program: string, spec: S, argv: readonly string[]): FlagValues<S> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, s] of Object.entries(spec)) out[k] = s.value;
  const byFlag = new Map(Object.keys(spec).map((k) => [kebab(k), k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage(program, spec));
      process.exit(0);
    }
    const m = /^--(no-)?([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const key = m ? byFlag.get(m[2]) : undefined;
    if (!m || key === undefined) throw new RangeError(`${program}: unknown argument '${arg}'\n${usage(program, spec)}`);
    const s = spec[key];
    if (typeof s.value === 'boolean') {
      if (m[3] !== undefined) throw new RangeError(`${program}: --${m[2]} takes no value`);
      out[key] = !m[1];
      continue;
    }
    const raw = m[3] ?? argv[++i];
    if (raw === undefined) throw new RangeError(`${program}: --${m[2]} needs a value`);
    if (typeof s.value === 'number') {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new RangeError(`${program}: --${m[2]} expects a number, got '${raw}'`);
      out[key] = v;
    } else {
      if (s.choices && !s.choices.includes(raw)) throw new RangeError(`${program}: --${m[2]} expects one of ${s.choices.join(', ')}, got '${raw}'`);
      out[key] = raw;
    }
  }
  return out as FlagValues<S>;
}

export function usage(program: string, spec: Record<string, FlagSpec>): string {
  const lines = Object.entries(spec).map(([k, s]) => {
    const name = typeof s.value === 'boolean' ? `--${kebab(k)}` : `--${kebab(k)} <${typeof s.value}>`;
    const def = s.value === '' ? '' : ` (default ${String(s.value)})`;
    return `  ${name.padEnd(26)} ${s.help}${def}`;
  });
  return `usage: ${program} [options]\n${lines.join('\n')}`;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** True when the module at `url` is the script Node was started with. */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const self = fileURLToPath(url);
  return path.resolve(entry) === self || path.resolve(entry) === self.replace(/\.ts$/, '');
}

/** Runs an example's main and turns a thrown error into a one-line message and exit code 1. */
export function runMain(main: (argv: string[]) => unknown): void {
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
