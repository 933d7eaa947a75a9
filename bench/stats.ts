/**
 * Timing: warm-up, a run count sized to a time budget, median and min.
 * @module
 */

/** How many timed runs to do. */
export interface RunPolicy {
  /** Untimed warm-up runs (at least 1; the last one sizes the run count). */
  warmup: number;
  /** Timed runs at least (unless the system is slow, see `slowMs`). */
  minRuns: number;
  /** Timed runs at most. */
  maxRuns: number;
  /** Aim for about this much timed work, in ms. */
  budgetMs: number;
  /** A warm-up slower than this marks the system slow: it gets `slowRuns` runs instead. */
  slowMs: number;
  /** Timed runs of a slow system. */
  slowRuns: number;
  /** A warm-up slower than this gets min(2, slowRuns) timed runs. */
  verySlowMs: number;
}

/**
 * The full run's policy: every system gets ≥ 10 timed runs, the slow ones (a warm-up over 1.5 s:
 * tf.layers.lstm on the cpu backend takes ~12 s per W1 run) exactly 10 after a single warm-up.
 * (No "very slow" cut: 1e9 ms, not Infinity, which the JSON a child process gets the policy in turns into null.)
 */
export const FULL_POLICY: RunPolicy = { warmup: 2, minRuns: 10, maxRuns: 40, budgetMs: 4000, slowMs: 1500, slowRuns: 10, verySlowMs: 1e9 };
/** `--quick`: fewer runs. */
export const QUICK_POLICY: RunPolicy = { warmup: 1, minRuns: 5, maxRuns: 10, budgetMs: 1000, slowMs: 1000, slowRuns: 2, verySlowMs: 4000 };

/** What a timing loop measured. */
export interface Timing {
  /** Every timed run, in ms, in order. */
  samples: number[];
  medianMs: number;
  minMs: number;
  /** True when a slow system got fewer than `policy.minRuns` runs (only `--quick` cuts them). */
  capped: boolean;
}

/** The median of `xs` (mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs `fn` `policy.warmup` times untimed (once only when the check run, `firstMs`, was slower
 * than `policy.slowMs`), then the number of timed runs the policy asks for, sized by the last
 * warm-up. The check run itself never counts as the warm-up: a first tfjs-wasm run can be
 * several times slower than the next ones (the wasm heap grows).
 */
export async function timeRuns(fn: () => Promise<void> | void, policy: RunPolicy, firstMs?: number): Promise<Timing> {
  let last = 0;
  const warmups = firstMs !== undefined && firstMs > policy.slowMs ? 1 : Math.max(1, policy.warmup);
  for (let i = 0; i < warmups; i++) {
    const t0 = performance.now();
    await fn();
    last = performance.now() - t0;
  }
  const slow = last > policy.slowMs;
  const runs = slow ? (last > policy.verySlowMs ? Math.min(2, policy.slowRuns) : policy.slowRuns)
    : Math.min(policy.maxRuns, Math.max(policy.minRuns, Math.floor(policy.budgetMs / Math.max(last, 1e-3))));
  const capped = runs < policy.minRuns;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { samples, medianMs: median(samples), minMs: Math.min(...samples), capped };
}
