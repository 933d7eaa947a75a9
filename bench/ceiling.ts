/**
 * Arithmetic ceilings of this machine for the two JavaScript CPU paths, measured at the start of
 * a benchmark run: the most multiply-adds per second that WebAssembly SIMD (the wasm kernel's
 * instruction set) and scalar JavaScript (the cpu kernel's) can do at all, with every operand in
 * a register. A goal that needs more GFLOP/s than its path's ceiling cannot be met on this
 * machine by any kernel on that path; the goals table says so.
 * @module
 */
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from './workloads.js';

/** GFLOP/s (best of a few repeats) for each measured path. */
export interface Ceilings {
  /** WebAssembly f32x4 mul + add, per thread count (all threads at once, summed). */
  wasmSimd: Record<number, number>;
  /** Scalar JavaScript float64 mul + add on one thread (the cpu backend is single-threaded). */
  jsScalar: number;
}

const ITERS = 2_000_000; // wasm: 96 flops per iteration, ~4 ms per repeat at 45 GFLOP/s
const REPEATS = 15;

/** Compiles assembly/peak.ts with the repository's AssemblyScript (a devDependency). */
async function compilePeak(): Promise<Uint8Array> {
  let binary: Uint8Array | null = null;
  const { error, stderr } = await asc.main([join(ROOT, 'assembly', 'peak.ts'), '--outFile', 'peak.wasm',
    '--runtime', 'stub', '-O3', '--noAssert', '--enable', 'simd'], {
    readFile: (name: string, baseDir: string) => { try { return readFileSync(join(baseDir, name), 'utf8'); } catch { return null; } },
    writeFile: (name: string, contents: string | Uint8Array) => { if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents; },
    listFiles: () => [],
  });
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  if (!binary) throw new Error('asc wrote no binary');
  return binary;
}

// A worker times its own `peak` run: the slowest thread of a round bounds the round's rate.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const m = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), { env: { abort() {} } });
parentPort.on('message', (n) => { const t = performance.now(); m.exports.peak(n, 0.5); parentPort.postMessage(performance.now() - t); });`;

async function wasmPeak(bytes: Uint8Array, threads: number): Promise<number> {
  const ws = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: { bytes } }));
  const round = (iters = ITERS) => Promise.all(ws.map((w) => new Promise<number>((res) => { w.once('message', res); w.postMessage(iters); })));
  try {
    // Short calls first: V8 runs a wasm function's first calls in its baseline tier and swaps in
    // optimized code only between calls.
    for (let r = 0; r < 50; r++) await round(ITERS / 50);
    let best = 0;
    for (let r = 0; r < REPEATS; r++) {
      const ms = Math.max(...await round());
      best = Math.max(best, (threads * ITERS * 96) / (ms * 1e6));
    }
    return best;
  } finally {
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

/** 12 independent float64 multiply-then-add chains: 24 flops per iteration. */
function jsChains(iters: number, seed: number): number {
  const a = 0.9999999;
  let s0 = 0.1, s1 = 0.2, s2 = 0.3, s3 = 0.4, s4 = 0.5, s5 = 0.6, s6 = 0.7, s7 = 0.8, s8 = 0.9, s9 = 1, sa = 1.1, sb = 1.2;
  for (let i = 0; i < iters; i++) {
    s0 = s0 * a + seed; s1 = s1 * a + seed; s2 = s2 * a + seed; s3 = s3 * a + seed;
    s4 = s4 * a + seed; s5 = s5 * a + seed; s6 = s6 * a + seed; s7 = s7 * a + seed;
    s8 = s8 * a + seed; s9 = s9 * a + seed; sa = sa * a + seed; sb = sb * a + seed;
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + sa + sb;
}

function jsPeak(): number {
  const iters = 1_000_000;
  let best = 0;
  let sink = 0;
  for (let r = 0; r < REPEATS + 5; r++) { // the first repeats warm the optimizing compiler up
    const t = performance.now();
    sink += jsChains(iters, 0.5);
    const ms = performance.now() - t;
    if (r >= 5) best = Math.max(best, (iters * 24) / (ms * 1e6));
  }
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return best;
}

/** Measures the ceilings, with wasm on 1 and on `threads` threads (~1 s in all). */
export async function measureCeilings(threads: number): Promise<Ceilings> {
  const bytes = await compilePeak();
  const wasmSimd: Record<number, number> = {};
  for (const n of [...new Set([1, threads])]) {
    // Measured until two results agree within 5% (the process's first ones can run before V8 has
    // optimized the module, while it is still busy compiling the AssemblyScript compiler itself).
    let last = 0;
    let best = 0;
    for (let k = 0; k < 6; k++) {
      const r = await wasmPeak(bytes, n);
      best = Math.max(best, r);
      if (Math.abs(r - last) <= 0.05 * Math.max(r, last)) break;
      last = r;
    }
    wasmSimd[n] = best;
  }
  return { wasmSimd, jsScalar: jsPeak() };
}
