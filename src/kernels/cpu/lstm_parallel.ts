import { requestedThreadCount, startWorkers, workerThreads } from '../node_workers.js';
import { cellRange, gemmNT, gemvNT } from './lstm_math.js';

/*
 * The cpu backend's TorchLSTMLayer forward on several threads (Node only): the same arithmetic as
 * lstm_layer.ts's layerForward (lstm_math.ts), with the hidden units split between threads.
 * Worker threads run the functions of lstm_math.ts and `runThread` from their source text over
 * one SharedArrayBuffer; per step each thread computes its units' gate sums and cells, then waits
 * at a barrier (and, with a projection, computes its share of h after a second one). Every value
 * is computed by one thread in the same order as layerForward computes it: results do not depend
 * on the thread count.
 */

/** Control words (Int32Array over a SharedArrayBuffer). Offsets are in floats of the data buffer. */
const K = {
  JOB: 0, READY: 1, QUIT: 2, ABORT: 3, THREADS: 4, BAR: 5, GEN: 6,
  L: 8, N: 9, I: 10, H: 11, P: 12, REV: 13, HAS_BIH: 14, HAS_BHH: 15, HAS_WHR: 16,
  X: 17, WIH: 18, WHH: 19, BIH: 20, BHH: 21, WHR: 22, H0: 23, C: 24, PRE: 25, HC: 26, OUT: 27,
  GATES: 28, PROJ: 29, // in float64 units
  WORDS: 32,
} as const;

/** Spins before a barrier or an idle worker sleeps (a futex wake-up costs tens of microseconds). */
const SPIN = 20000;

/** Multiply-adds per step and thread below which a layer stays on one thread. */
const MIN_MACS_PER_THREAD = 4096;

/** Waits until every thread of the run has arrived; throws when the run was aborted. */
function barrier(ctrl: Int32Array, threads: number): void {
  if (threads <= 1) return;
  const gen = Atomics.load(ctrl, K.GEN);
  if (Atomics.add(ctrl, K.BAR, 1) === threads - 1) {
    Atomics.store(ctrl, K.BAR, 0);
    Atomics.add(ctrl, K.GEN, 1);
    Atomics.notify(ctrl, K.GEN);
    return;
  }
  let spins = 0;
  while (Atomics.load(ctrl, K.GEN) === gen) {
    if (Atomics.load(ctrl, K.ABORT)) throw new Error('aborted');
    if (++spins > SPIN) Atomics.wait(ctrl, K.GEN, gen, 1);
  }
}

/** One thread's share of a layer: units [u0, u1) of every step (thread 0 is the caller). */
function runThread(ctrl: Int32Array, f32: Float32Array, f64: Float64Array, tid: number): void {
  const L = ctrl[K.L]!; const N = ctrl[K.N]!; const I = ctrl[K.I]!; const H = ctrl[K.H]!; const P = ctrl[K.P]!;
  const threads = ctrl[K.THREADS]!; const rev = ctrl[K.REV] === 1; const hasProj = ctrl[K.HAS_WHR] === 1;
  const G = 4 * H;
  const u0 = Math.floor((H * tid) / threads); const u1 = Math.floor((H * (tid + 1)) / threads);
  const q0 = Math.floor((P * tid) / threads); const q1 = Math.floor((P * (tid + 1)) / threads);
  const pre = ctrl[K.PRE]!; const gates = ctrl[K.GATES]!; const out = ctrl[K.OUT]!; const cc = ctrl[K.C]!;
  const hc = ctrl[K.HC]!; const proj = ctrl[K.PROJ]!; const bih = ctrl[K.BIH]!; const bhh = ctrl[K.BHH]!;
  const hasBih = ctrl[K.HAS_BIH] === 1; const hasBhh = ctrl[K.HAS_BHH] === 1;
  // The input projection of every step for this thread's gate columns: pre = b_ih + x·W_ihᵀ.
  for (let g = 0; g < 4; g++) {
    const j0 = g * H + u0; const j1 = g * H + u1;
    for (let r = 0; r < L * N; r++) for (let j = j0; j < j1; j++) f32[pre + r * G + j] = hasBih ? f32[bih + j]! : 0;
    if (I > 0) gemmNT(f32, pre, f32, ctrl[K.X]!, L * N, I, f32, G, ctrl[K.WIH]!, j0, j1);
  }
  let prev = ctrl[K.H0]!;
  for (let s = 0; s < L; s++) {
    const t = rev ? L - 1 - s : s;
    const yt = out + t * N * P;
    for (let g = 0; g < 4; g++) {
      const j0 = g * H + u0; const j1 = g * H + u1;
      for (let r = 0; r < N; r++) for (let j = j0; j < j1; j++) f64[gates + r * G + j] = hasBhh ? f32[bhh + j]! : 0;
      gemmNT(f64, gates, f32, prev, N, P, f32, G, ctrl[K.WHH]!, j0, j1);
    }
    // Without a projection h is o·tanh(c), written straight into this step's output row.
    cellRange(f64, gates, f32, pre + t * N * G, f32, cc, f32, hasProj ? hc : yt, hasProj ? H : P, N, H, u0, u1, null, null, t);
    barrier(ctrl, threads);
    if (hasProj) {
      for (let r = 0; r < N; r++) for (let q = q0; q < q1; q++) f64[proj + r * P + q] = 0;
      gemmNT(f64, proj, f32, hc, N, H, f32, P, ctrl[K.WHR]!, q0, q1);
      for (let r = 0; r < N; r++) for (let q = q0; q < q1; q++) f32[yt + r * P + q] = f64[proj + r * P + q]!;
      barrier(ctrl, threads);
    }
    prev = yt;
  }
}

const WORKER_SOURCE = `
'use strict';
const { workerData, receiveMessageOnPort } = require('worker_threads');
const { ctrl, port, tid } = workerData;
const K = ${JSON.stringify(K)};
const SPIN = ${SPIN};
const __name = (f) => f; // esbuild's keepNames helper, when the functions below came through tsx
${gemmNT.toString()}
${gemvNT.toString()}
${cellRange.toString()}
${barrier.toString()}
${runThread.toString()}
let f32 = null;
let f64 = null;
Atomics.add(ctrl, K.READY, 1);
Atomics.notify(ctrl, K.READY);
let seen = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, K.JOB) === seen) if (++spins > SPIN) Atomics.wait(ctrl, K.JOB, seen, 50);
  seen = Atomics.load(ctrl, K.JOB);
  if (Atomics.load(ctrl, K.QUIT)) break;
  try {
    for (let m; (m = receiveMessageOnPort(port)); ) { f32 = new Float32Array(m.message); f64 = new Float64Array(m.message); }
    if (tid < Atomics.load(ctrl, K.THREADS)) runThread(ctrl, f32, f64, tid);
  } catch (e) {
    // Release the threads waiting at a barrier; the caller sees ABORT and throws.
    Atomics.store(ctrl, K.ABORT, 1);
    Atomics.add(ctrl, K.GEN, 1);
    Atomics.notify(ctrl, K.GEN);
  }
}
`;

interface Pool {
  threads: number;
  ctrl: Int32Array;
  ports: { postMessage(m: unknown): void; close(): void }[];
  data: SharedArrayBuffer | null;
  f32: Float32Array;
  f64: Float64Array;
}

let pool: Pool | null = null;
let poolFailed = false;
let lastThreads = 0;

/** How many threads the cpu kernel's last layer ran on (0 before any): for tests. */
export function lastCpuRunThreads(): number {
  return lastThreads;
}

/** The running pool's size, caller included (0 when none): for tests. */
export function cpuPoolSize(): number {
  return pool?.threads ?? 0;
}

const WORKER_FAILED = 'the cpu LSTM kernel failed on a worker thread; the thread pool was stopped';

/**
 * For tests: posts `message` to every worker of the running pool, which takes it as its data
 * buffer at the next job (something other than a buffer makes that job fail there).
 */
export function postToCpuWorkers(message: unknown): void {
  for (const port of pool?.ports ?? []) port.postMessage(message);
}

/** Stops the worker threads (a later run starts a pool of the then requested size). */
export function stopCpuPool(): void {
  if (!pool) return;
  Atomics.store(pool.ctrl, K.QUIT, 1);
  Atomics.add(pool.ctrl, K.JOB, 1);
  Atomics.notify(pool.ctrl, K.JOB);
  for (const p of pool.ports) p.close();
  pool = null;
}

/** The pool of `threads` threads (the caller and threads - 1 workers), started on first use and
 * restarted when the requested size changes; null when Node's workers are unavailable. */
function getPool(threads: number): Pool | null {
  if (pool && pool.threads === threads) return pool;
  stopCpuPool();
  const wt = poolFailed ? null : workerThreads();
  if (!wt) return null;
  const ctrl = new Int32Array(new SharedArrayBuffer(K.WORDS * 4));
  const p: Pool = { threads, ctrl, ports: [], data: null, f32: new Float32Array(0), f64: new Float64Array(0) };
  const workers = startWorkers(wt, WORKER_SOURCE, threads, (tid) => {
    const ch = new wt.MessageChannel();
    p.ports.push(ch.port1);
    return { workerData: { ctrl, port: ch.port2, tid }, transferList: [ch.port2] };
  }, ctrl, K.READY);
  if (!workers) {
    poolFailed = true;
    return null;
  }
  pool = p;
  return p;
}

/** The data buffer, grown (and sent to the workers) when `floats` do not fit. */
function dataOf(p: Pool, floats: number): void {
  if (p.data && p.f32.length >= floats) return;
  const bytes = Math.ceil((floats * 4) / 8) * 8;
  p.data = new SharedArrayBuffer(bytes);
  p.f32 = new Float32Array(p.data);
  p.f64 = new Float64Array(p.data);
  for (const port of p.ports) port.postMessage(p.data);
}

/** The cpu kernel's layer sizes. */
export interface ParallelDims { L: number; N: number; I: number; H: number; P: number; reverse: boolean }

/**
 * layerForward on `torch.get_num_threads()` threads, or null where that is one thread, the work
 * per step is too small to split, or worker threads are unavailable (browsers): the caller then
 * runs the single-threaded layerForward, which gives the same bits.
 */
export function parallelLayerForward(x: Float32Array, h0: Float32Array, c0: Float32Array, wIh: Float32Array | null,
  wHh: Float32Array, bIh: Float32Array | null, bHh: Float32Array | null, wHr: Float32Array | null, d: ParallelDims):
  { out: Float32Array; h: Float32Array; c: Float32Array } | null {
  const { L, N, I, H, P } = d;
  const G = 4 * H;
  const requested = requestedThreadCount();
  const threads = Math.min(requested, H, Math.floor((N * G * P) / MIN_MACS_PER_THREAD));
  lastThreads = 1;
  if (threads < 2) return null;
  // The pool has the requested size; a smaller layer leaves the extra workers idle this run.
  const p = getPool(requested);
  if (!p) return null;
  lastThreads = threads;
  // Layout: float32 arrays first, then the float64 scratch (8-byte aligned).
  let top = 0;
  const at = (floats: number) => { const o = top; top += floats; return o; };
  const o = {
    X: at(L * N * I), WIH: at(wIh ? G * I : 0), WHH: at(G * P), BIH: at(G), BHH: at(G), WHR: at(wHr ? P * H : 0),
    H0: at(N * P), C: at(N * H), PRE: at(L * N * G), HC: at(N * H), OUT: at(L * N * P),
  };
  top += top & 1;
  const f64Base = top / 2;
  const GATES = f64Base;
  const PROJ = GATES + N * G;
  dataOf(p, top + 2 * (N * G + N * P));
  const f32 = p.f32;
  f32.set(x, o.X);
  if (wIh) f32.set(wIh, o.WIH);
  f32.set(wHh, o.WHH);
  if (bIh) f32.set(bIh, o.BIH);
  if (bHh) f32.set(bHh, o.BHH);
  if (wHr) f32.set(wHr, o.WHR);
  f32.set(h0, o.H0);
  f32.set(c0, o.C);
  const c = p.ctrl;
  c[K.L] = L; c[K.N] = N; c[K.I] = wIh ? I : 0; c[K.H] = H; c[K.P] = P; c[K.REV] = d.reverse ? 1 : 0;
  c[K.HAS_BIH] = bIh ? 1 : 0; c[K.HAS_BHH] = bHh ? 1 : 0; c[K.HAS_WHR] = wHr ? 1 : 0;
  for (const name of ['X', 'WIH', 'WHH', 'BIH', 'BHH', 'WHR', 'H0', 'C', 'PRE', 'HC', 'OUT'] as const) c[K[name]] = o[name];
  c[K.GATES] = GATES; c[K.PROJ] = PROJ;
  c[K.THREADS] = threads;
  Atomics.add(c, K.JOB, 1);
  Atomics.notify(c, K.JOB);
  try {
    runThread(c, f32, p.f64, 0);
  } catch (e) {
    const onWorker = Atomics.load(c, K.ABORT) === 1;
    Atomics.store(c, K.ABORT, 1);
    Atomics.add(c, K.GEN, 1);
    Atomics.notify(c, K.GEN);
    stopCpuPool();
    throw onWorker ? new Error(WORKER_FAILED) : e;
  }
  if (Atomics.load(c, K.ABORT)) {
    stopCpuPool();
    throw new Error(WORKER_FAILED);
  }
  // Copies out with set(): slice() of a SharedArrayBuffer view takes a ~25x slower path in V8.
  const copy = (at: number, n: number) => { const a = new Float32Array(n); a.set(f32.subarray(at, at + n)); return a; };
  const out = copy(o.OUT, L * N * P);
  const last = d.reverse ? 0 : L - 1;
  return { out, h: out.slice(last * N * P, (last + 1) * N * P), c: copy(o.C, N * H) };
}
