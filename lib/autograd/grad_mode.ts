/**
 * Whether ops record the graph. `noGrad(fn)` runs fn without recording (inference, optimizer updates);
 * `enableGrad(fn)` turns recording back on inside a noGrad region. Both restore the previous mode, also
 * when fn throws.
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
