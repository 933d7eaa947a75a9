/**
 * The performance goals of issue 6, checked on one run's rows: each goal's measured ratio and
 * whether it is met. Printed at the end of `npm run bench`, written to RESULTS.md and the README.
 * @module
 */
import type { Row } from './systems/types.js';

/** One goal on one workload: "a ÷ b ≤ bound". */
export interface Goal {
  workload: string;
  goal: string;
  /** a's median ÷ b's median. */
  ratio: number;
  bound: number;
  met: boolean;
}

const median = (r: Row | undefined) => (r?.status === 'ok' && r.timing ? r.timing.medianMs : undefined);

/** Every goal whose rows both finished in this run. */
export function goals(rows: Row[]): Goal[] {
  const out: Goal[] = [];
  const find = (w: string, system: string, variant: string | RegExp) => rows.find((r) => r.workload === w && r.system === system
    && (typeof variant === 'string' ? r.variant === variant : variant.test(r.variant)));
  const add = (w: string, goal: string, a: Row | undefined, b: Row | undefined, bound: number) => {
    const ma = median(a);
    const mb = median(b);
    if (ma === undefined || mb === undefined) return;
    out.push({ workload: w, goal, ratio: ma / mb, bound, met: ma / mb <= bound });
  };
  const workloads = [...new Set(rows.map((r) => r.workload))];
  for (const w of workloads) {
    for (const backend of ['cpu', 'wasm', 'webgpu', 'tensorflow']) {
      const bound = backend === 'cpu' ? 1 / 10 : 1 / 3;
      add(w, `tfjs-torch (${backend}) ÷ tf.layers.lstm (${backend}) ≤ 1/${backend === 'cpu' ? 10 : 3}`,
        find(w, 'tfjs-torch', backend), find(w, 'tf.layers.lstm', backend), bound);
    }
    // The best Node CPU path without native add-ons: this library on cpu or wasm.
    const ours = rows.filter((r) => r.workload === w && r.ours && (r.variant === 'cpu' || r.variant === 'wasm'))
      .sort((a, b) => (median(a) ?? Infinity) - (median(b) ?? Infinity))[0];
    if (['W1', 'W2', 'W3'].includes(w)) {
      for (const t of ['1 thread', '2 threads']) {
        add(w, `best JS path (${ours?.variant}) ÷ onnxruntime-web (${t}) < 1`, ours, find(w, 'onnxruntime-web', new RegExp(`\\b${t}$`)), 1);
      }
    }
    if (w === 'W1') add(w, `best JS path (${ours?.variant}) ÷ onnxruntime-node ≤ 2.5`, ours, find(w, 'onnxruntime-node', /./), 2.5);
    if (w === 'W2') add(w, `best JS path (${ours?.variant}) ÷ onnxruntime-node ≤ 2`, ours, find(w, 'onnxruntime-node', /./), 2);
  }
  return out;
}

/** The goals as a markdown table. */
export function goalsTable(gs: Goal[]): string[] {
  if (gs.length === 0) return [];
  const L = ['| workload | goal | measured | met |', '|---|---|---:|---|'];
  for (const g of gs) L.push(`| ${g.workload} | ${g.goal} | ${g.ratio.toFixed(2)} | ${g.met ? 'yes' : '**no**'} |`);
  return L;
}
