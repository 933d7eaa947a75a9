/**
 * Arithmetic ceilings of this machine for the two JavaScript CPU paths, measured at the start of
 * a benchmark run: the most multiply-adds per second that WebAssembly SIMD (the wasm kernel's
 * instruction set) and scalar JavaScript (the cpu kernel's) reach. Two loops for WebAssembly, the
 * better one counting: independent multiply-add chains with every operand in a register, and
 * GEMM inner loops (the blocks that fit V8's registers, operands loaded from L1 each k; see
 * bench/assembly/peak.ts). A goal that needs more GFLOP/s than its path's ceiling cannot be met
 * on this machine by any kernel on that path; the goals table says so.
 * @module
 */
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from './workloads.js';

/** GFLOP/s (best of a few repeats) for each measured path, per thread count (all threads at once, summed). */
export interface Ceilings {
  /** WebAssembly f32x4 mul + add (the wasm kernel's SIMD build): the better of its two loops. */
  wasmSimd: Record<number, number>;
  /** Scalar JavaScript float64 mul + add (the cpu kernel's). */
  jsScalar: Record<number, number>;
  /** WebAssembly f32x4.relaxed_madd (the relaxed-SIMD kernel build's fused multiply-add): the better of its two loops. */
  wasmFma?: Record<number, number>;
  /** What each WebAssembly loop measured: the chains in registers and the fastest GEMM loop. */
  loops?: { simdChains: Record<number, number>; simdGemm: Record<number, number>;
    fmaChains?: Record<number, number>; fmaGemm?: Record<number, number> };
}

/** The GEMM inner loops of bench/assembly/peak.ts: export name and flops per pass (2·R·C·K, K = 384). */
const GEMM_LOOPS: [string, number][] = [['gemm2x16', 2 * 2 * 16 * 384], ['gemm3x12', 2 * 3 * 12 * 384], ['gemm4x8', 2 * 4 * 8 * 384]];
const GEMM_PASSES = 8000; // per call: ~4 ms at 50 GFLOP/s

const ITERS = 2_000_000; // per call: wasm 96 flops per iteration (~4 ms at 45 GFLOP/s), JS 24
const REPEATS = 15;

/**
 * Compiles bench/assembly/peak.ts with the repository's AssemblyScript (a devDependency); with
 * `relaxed`, its chains are fused multiply-adds (f32x4.relaxed_madd).
 */
export async function compilePeak(relaxed = false): Promise<Uint8Array> {
  let binary: Uint8Array | null = null;
  const { error, stderr } = await asc.main([join(ROOT, 'bench', 'assembly', 'peak.ts'), '--outFile', 'peak.wasm',
    '--runtime', 'stub', '-O3', '--noAssert', '--enable', 'simd', ...(relaxed ? ['--enable', 'relaxed-simd'] : [])], {
    readFile: (name: string, baseDir: string) => { try { return readFileSync(join(baseDir, name), 'utf8'); } catch { return null; } },
    writeFile: (name: string, contents: string | Uint8Array) => { if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents; },
    listFiles: () => [],
  });
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  if (!binary) throw new Error('asc wrote no binary');
  return binary;
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

// A worker times its own call: the slowest thread of a round bounds the round's rate.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
${jsChains.toString()}
const ex = workerData.bytes
  ? new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), { env: { abort() {} } }).exports
  : { peak: jsChains };
if (ex.init) ex.init(0.5);
const f = ex[workerData.fn];
parentPort.on('message', (n) => { const t = performance.now(); f(n, 0.5); parentPort.postMessage(performance.now() - t); });`;

/** A loop to time: wasm `bytes` (null: JavaScript's jsChains), its export, flops per iteration, iterations per call. */
interface Loop { bytes: Uint8Array | null; fn: string; flopsPerIter: number; iters: number }

/** The best rate of `threads` threads running the loop at once. */
async function peakRate({ bytes, fn, flopsPerIter, iters }: Loop, threads: number): Promise<number> {
  const ws = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: { bytes, fn } }));
  const round = (n = iters) => Promise.all(ws.map((w) => new Promise<number>((res) => { w.once('message', res); w.postMessage(n); })));
  try {
    // Short calls first: V8 runs a wasm function's first calls in its baseline tier and swaps in
    // optimized code only between calls (JS likewise warms up its optimizing compiler).
    for (let r = 0; r < 50; r++) await round(Math.ceil(iters / 50));
    let best = 0;
    for (let r = 0; r < REPEATS; r++) {
      const ms = Math.max(...await round());
      best = Math.max(best, (threads * iters * flopsPerIter) / (ms * 1e6));
    }
    return best;
  } finally {
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

/**
 * A path's ceiling on 1 and `threads` threads, each measured until two results agree within 5%
 * (a process's first ones can run before V8 has optimized the code, while it is still busy
 * compiling the AssemblyScript compiler itself).
 */
async function measurePath(loop: Loop, threads: number): Promise<Record<number, number>> {
  const out: Record<number, number> = {};
  for (const n of [...new Set([1, threads])]) {
    let last = 0;
    let best = 0;
    for (let k = 0; k < 6; k++) {
      const r = await peakRate(loop, n);
      best = Math.max(best, r);
      if (Math.abs(r - last) <= 0.05 * Math.max(r, last)) break;
      last = r;
    }
    out[n] = best;
  }
  return out;
}

/** The fastest of the GEMM loops, per thread count. */
async function measureGemm(bytes: Uint8Array, threads: number): Promise<Record<number, number>> {
  const best: Record<number, number> = {};
  for (const [fn, flopsPerIter] of GEMM_LOOPS) {
    for (const [n, r] of Object.entries(await measurePath({ bytes, fn, flopsPerIter, iters: GEMM_PASSES }, threads))) {
      best[+n] = Math.max(best[+n] ?? 0, r);
    }
  }
  return best;
}

/**
 * Measures the ceilings on 1 and on `threads` threads (several seconds in all); the fused
 * multiply-add ones only where this process validates relaxed SIMD (Node >= 22, or Node 20 after
 * the benchmark sets --experimental-wasm-relaxed-simd).
 */
export async function measureCeilings(threads: number): Promise<Ceilings> {
  const bytes = await compilePeak();
  const fma = await compilePeak(true);
  const peak = (b: Uint8Array | null, flopsPerIter: number): Loop => ({ bytes: b, fn: 'peak', flopsPerIter, iters: ITERS });
  const simdChains = await measurePath(peak(bytes, 96), threads);
  const simdGemm = await measureGemm(bytes, threads);
  const c: Ceilings = { wasmSimd: better(simdChains, simdGemm), jsScalar: await measurePath(peak(null, 24), threads), loops: { simdChains, simdGemm } };
  if (WebAssembly.validate(new Uint8Array(fma))) {
    const fmaChains = await measurePath(peak(fma, 96), threads);
    const fmaGemm = await measureGemm(fma, threads);
    c.wasmFma = better(fmaChains, fmaGemm);
    Object.assign(c.loops!, { fmaChains, fmaGemm });
  }
  return c;
}

/**
 * Per thread count, the higher of two loops' rates. Neither loop alone is the ceiling of every
 * build: the chains loop's multiply waits on its accumulator (a mul + add chain pays both
 * latencies), a GEMM's multiply does not, so with mul + add the GEMM loop is the faster one.
 */
function better(a: Record<number, number>, b: Record<number, number>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const n of Object.keys(a)) out[+n] = Math.max(a[+n]!, b[+n] ?? 0);
  return out;
}

/** A path's rates as text: `46.6 GFLOP/s on 1 thread, 95.1 GFLOP/s on 2 threads`. */
export function ratesText(r: Record<number, number>): string {
  return Object.entries(r).map(([n, g]) => `${g.toFixed(1)} GFLOP/s on ${n} thread${n === '1' ? '' : 's'}`).join(', ');
}
