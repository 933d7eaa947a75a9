/**
 * What every benchmarked system reports.
 * @module
 */
import type { Fixture } from '../workloads.js';
import type { RunPolicy, Timing } from '../stats.js';

/** Tensor memory of this library's forward pass, from `tf.memory()` / `tf.profile()`. */
export interface MemoryStats {
  /** The backend it was measured on (tfjs counts bytes the same way on every backend). */
  backend: string;
  /** Bytes held before the forward: weights + input. */
  baselineBytes: number;
  /** wasm: the size of tfjs-torch's LSTM kernel memory after the runs (outside tfjs's count). */
  kernelBytes?: number;
  /** Peak `numBytes` during one forward minus the baseline. */
  peakExtraBytes: number;
  /** `numBytes` after all timed runs (outputs disposed) minus the baseline: 0 when nothing leaks. */
  steadyExtraBytes: number;
  /** Tensors left over after the timed runs, likewise. */
  steadyExtraTensors: number;
}

/** One system on one workload: a benchmark table row. */
export interface Row {
  workload: string;
  /** e.g. `tfjs-torch`, `tf.layers.lstm`, `onnxruntime-node`, `onnxruntime-web`, `PyTorch`. */
  system: string;
  /** Backend / execution provider / threads, e.g. `wasm`, `CPU EP, 2 threads`. */
  variant: string;
  /** True for this library's rows. */
  ours: boolean;
  status: 'ok' | 'skipped' | 'error';
  /** Why skipped / failed, or a caveat. */
  note?: string;
  /** Largest |this − PyTorch| over the compared tensors. */
  maxAbsDiff?: number;
  /** Which tensors were compared, e.g. `output,h_n,c_n`. */
  compared?: string;
  timing?: Timing;
  memory?: MemoryStats;
}

/** What a system gets to run one workload. */
export interface RunContext {
  fixture: Fixture;
  policy: RunPolicy;
  quick: boolean;
  /** Prints a progress line. */
  log: (line: string) => void;
  /** Logs a finished row's summary and returns the row. */
  done: (row: Row) => Row;
}

/** A row for a system that did not run. */
export function skipped(workload: string, system: string, variant: string, note: string, ours = false): Row {
  return { workload, system, variant, ours, status: 'skipped', note: note.replace(/^skipped:\s*/i, '') };
}

/** A row for a system that failed, with the error's first line. */
export function failed(workload: string, system: string, variant: string, err: unknown, ours = false): Row {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { workload, system, variant, ours, status: 'error', note: msg.split('\n')[0]!.slice(0, 240) };
}

/** A one-line summary of a finished row for the progress log. */
export function describe(r: Row): string {
  const head = `[${r.workload}] ${r.system} (${r.variant})`;
  if (r.status !== 'ok' || !r.timing) return `${head}: ${r.status}${r.note ? ` — ${r.note}` : ''}`;
  const t = r.timing;
  return `${head}: max|Δ|=${fmtExp(r.maxAbsDiff)} median ${t.medianMs.toFixed(2)} ms, min ${t.minMs.toFixed(2)} ms over ${t.samples.length} runs${t.capped ? ' (capped: slow)' : ''}`;
}

/** A short exponential form (`3.1e-7`), or `—`. */
export function fmtExp(x: number | undefined): string {
  if (x === undefined) return '—';
  if (Number.isNaN(x)) return 'NaN';
  return x === 0 ? '0' : x.toExponential(1);
}

/**
 * The variant name of this library's wasm row run with the kernel's relaxed-SIMD build (fused
 * multiply-add; what Node >= 22 and Chrome >= 114 run by default, Node 20 with
 * --experimental-wasm-relaxed-simd); the plain `wasm` row runs the SIMD build.
 */
export const WASM_RELAXED = 'wasm (relaxed SIMD)';
