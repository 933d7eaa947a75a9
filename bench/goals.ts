/**
 * The performance goals of issue 6, checked on one run's rows: each goal's measured ratio and
 * whether it is met. Printed at the end of `npm run bench`, written to RESULTS.md and the README.
 * @module
 */
import { WASM_RELAXED, type Row } from './systems/types.js';
import type { Ceilings } from './ceiling.js';
import { flops, WORKLOADS } from './workloads.js';

/** One goal on one workload: "a ÷ b ≤ bound". */
export interface Goal {
  workload: string;
  goal: string;
  /** a's median ÷ b's median. */
  ratio: number;
  bound: number;
  met: boolean;
  /** GFLOP/s this library's row would need to meet the bound (the workload's FLOPs in bound × b's median). */
  needGflops?: number;
  /** The measured arithmetic ceiling of this library's path (wasm SIMD or scalar JS), when known. */
  ceiling?: { gflops: number; what: string };
  /** True when needGflops exceeds the ceiling: no kernel on that path can meet the goal here. */
  outOfReach?: boolean;
}

const median = (r: Row | undefined) => (r?.status === 'ok' && r.timing ? r.timing.medianMs : undefined);

/**
 * Every goal whose rows both finished in this run. With `ceilings` (bench/ceiling.ts) and the
 * thread count of this library's wasm and cpu kernels, each goal also says what rate it needs and
 * whether that is above what the path can do at all on this machine.
 */
export function goals(rows: Row[], ceilings?: Ceilings, threads = 1): Goal[] {
  const out: Goal[] = [];
  const find = (w: string, system: string, variant: string | RegExp) => rows.find((r) => r.workload === w && r.system === system
    && (typeof variant === 'string' ? r.variant === variant : variant.test(r.variant)));
  const add = (w: string, goal: string, a: Row | undefined, b: Row | undefined, bound: number) => {
    const ma = median(a);
    const mb = median(b);
    if (ma === undefined || mb === undefined) return;
    const g: Goal = { workload: w, goal, ratio: ma / mb, bound, met: ma / mb <= bound };
    const wl = WORKLOADS.find((x) => x.name === w);
    if (wl) g.needGflops = flops(wl) / (bound * mb * 1e6);
    const ceiling = ceilings && ceilingOf(a!.variant, ceilings, threads);
    if (ceiling && g.needGflops !== undefined) {
      g.ceiling = ceiling;
      g.outOfReach = g.needGflops > ceiling.gflops;
    }
    out.push(g);
  };
  const workloads = [...new Set(rows.map((r) => r.workload))];
  for (const w of workloads) {
    for (const backend of ['cpu', 'wasm', 'webgpu', 'tensorflow']) {
      const bound = backend === 'cpu' ? 1 / 10 : 1 / 3;
      add(w, `tfjs-torch (${backend}) ÷ tf.layers.lstm (${backend}) ≤ 1/${backend === 'cpu' ? 10 : 3}`,
        find(w, 'tfjs-torch', backend), find(w, 'tf.layers.lstm', backend), bound);
    }
    // The best Node CPU path without native add-ons: this library on cpu or wasm (either build).
    const ours = rows.filter((r) => r.workload === w && r.ours && (r.variant === 'cpu' || r.variant.startsWith('wasm')))
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

/** The ceiling of the path a row of this library runs on: wasm SIMD, wasm relaxed SIMD (FMA) or scalar JS. */
function ceilingOf(variant: string, c: Ceilings, threads: number): { gflops: number; what: string } | undefined {
  const paths: Record<string, [Record<number, number> | undefined, string]> = {
    wasm: [c.wasmSimd, 'wasm SIMD'], [WASM_RELAXED]: [c.wasmFma, 'wasm FMA'], cpu: [c.jsScalar, 'scalar JS'],
  };
  const [of, what] = paths[variant] ?? [undefined, ''];
  const gflops = of?.[threads];
  if (gflops === undefined) return undefined;
  return { gflops, what: `${what} peak, ${threads} thread${threads === 1 ? '' : 's'}` };
}

/** The goals as a markdown table. */
export function goalsTable(gs: Goal[]): string[] {
  if (gs.length === 0) return [];
  const L = ['| workload | goal | measured | met | needs GFLOP/s | path\'s ceiling here |', '|---|---|---:|---|---:|---|'];
  for (const g of gs) {
    const met = g.met ? 'yes' : g.outOfReach ? '**no**: out of reach here' : '**no**';
    const need = g.needGflops === undefined ? '—' : g.needGflops.toFixed(1);
    const ceiling = g.ceiling ? `${g.ceiling.gflops.toFixed(1)} (${g.ceiling.what})` : '—';
    L.push(`| ${g.workload} | ${g.goal} | ${g.ratio.toFixed(2)} | ${met} | ${need} | ${ceiling} |`);
  }
  return L;
}
