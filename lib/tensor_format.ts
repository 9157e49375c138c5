/**
 * toString() in PyTorch's style: `tensor([[1.0000, 2.5000], [..]])`, integer-valued data as `1.`, wide
 * ranges in scientific notation with 4 decimals, inf/nan spelled as PyTorch does, large tensors
 * summarised with `...` (first and last 3 per dim above 1000 elements), dtype/grad notes appended.
 */
import type { Tensor } from './tensor.js';

const EDGE = 3;
const THRESHOLD = 1000;

function formatter(values: ArrayLike<number>): (v: number) => string {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const maxAbs = abs.length ? Math.max(...abs) : 0;
  const minAbs = abs.length ? Math.min(...abs) : 0;
  const sci = (v: number) => v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  if (finite.every(Number.isInteger)) {
    if (maxAbs > 1e8) return (v) => special(v) ?? sci(v);
    return (v) => special(v) ?? `${Object.is(v, -0) ? '-0' : v.toFixed(0)}.`;
  }
  if (maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4) return (v) => special(v) ?? sci(v);
  return (v) => special(v) ?? v.toFixed(4);
}

export function formatTensor(t: Tensor): string {
  const data = t.data;
  const summarize = t.numel > THRESHOLD;
  const fmt = formatter(data);
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  // Format the visible cells first so every cell can be padded to one width.
  const cells = new Map<number, string>();
  let width = 0; // over finite values only, as PyTorch: 'nan'/'inf' are not padded to

  const visible = (d: number): number[] => {
    const n = t.shape[d];
    if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
    return [...Array.from({ length: EDGE }, (_, i) => i), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
  };
  const collect = (d: number, base: number): void => {
    if (d === t.ndim) {
      const s = fmt(data[base]);
      cells.set(base, s);
      if (Number.isFinite(data[base])) width = Math.max(width, s.length);
      return;
    }
    for (const i of visible(d)) if (i >= 0) collect(d + 1, base + i * strides[d]);
  };
  collect(0, 0);
  const indent = 'tensor('.length;
  const render = (d: number, base: number): string => {
    if (d === t.ndim) return (cells.get(base) ?? '').padStart(width);
    const parts = visible(d).map((i) => (i < 0 ? '...' : render(d + 1, base + i * strides[d])));
    if (d === t.ndim - 1) return `[${parts.join(', ')}]`;
    const sep = `,${'\n'.repeat(t.ndim - d - 1)}${' '.repeat(indent + d + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  let body = t.ndim === 0 ? fmt(data[0]) : render(0, 0);
  if (t.numel === 0) body = t.ndim === 1 ? '[]' : `[], size=(${t.shape.join(', ')})`;
  const notes: string[] = [];
  if (t.dtype === 'float64') notes.push('dtype=float64');
  if (t.gradFn !== null) notes.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) notes.push('requiresGrad=true');
  return `tensor(${body}${notes.map((n) => `, ${n}`).join('')})`;
}
