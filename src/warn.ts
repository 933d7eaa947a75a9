/**
 * Emits a Python-style `UserWarning`: through `process.emitWarning` in Node (so `--no-warnings`
 * and `process.on('warning')` work), `console.warn` elsewhere.
 */
export function warn(message: string, category = 'UserWarning'): void {
  const proc = (globalThis as { process?: { emitWarning?: (m: string, t: string) => void } }).process;
  if (proc && typeof proc.emitWarning === 'function') proc.emitWarning(message, category);
  else console.warn(`${category}: ${message}`);
}
