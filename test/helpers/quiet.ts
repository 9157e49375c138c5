/** Runs fn with console.log silenced (the examples print progress), restoring it however fn ends. */
export function quiet<T>(fn: () => T): T {
  const log = console.log;
  console.log = () => {};
  try {
    return fn();
  } finally {
    console.log = log;
  }
}
