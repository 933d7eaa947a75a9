import { requestedThreadCount, startWorkers, workerThreads } from '../node_workers.js';
import { cellStep, doubles, gemmPacked, gemvPacked, type LayerDims, layerSteps, packRows, packShare, packThreadShare, type Share } from './lstm_steps.js';
import { ShareCache } from './share_cache.js';

/*
 * The cpu backend's TorchLSTMLayer forward on several threads (Node only): the hidden units are
 * split between threads, each running lstm_steps.ts's layerSteps on its share, from the
 * functions' source text in worker threads, over one SharedArrayBuffer; threads meet at a
 * barrier after each step's cells (and after the projection). Every value is computed by one
 * thread in the same order as on one thread: results do not depend on the thread count.
 * Each thread keeps its packed weights between forwards: the caller's cache decides (ShareCache);
 * when it packs a new share it copies the weights into the buffer and marks the job FRESH, the
 * workers pack their shares from there and keep them under the entry's id until told to drop it.
 */

/** Control words (Int32Array over a SharedArrayBuffer). Offsets are in floats of the data buffer. */
const K = {
  JOB: 0, READY: 1, QUIT: 2, ABORT: 3, THREADS: 4, BAR: 5, GEN: 6,
  L: 8, N: 9, I: 10, H: 11, P: 12, REV: 13, HAS_BIH: 14, HAS_BHH: 15, HAS_WHR: 16,
  X: 17, WIH: 18, WHH: 19, BIH: 20, BHH: 21, WHR: 22, H0: 23, C: 24, HC: 25, OUT: 26,
  SHARE: 27, FRESH: 28,
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

/** Thread tid's share of the job's weights: packed from the buffer on a FRESH job (and kept in `shares`). */
function threadShare(ctrl: Int32Array, f32: Float32Array, tid: number, shares: Map<number, Share>): Share {
  const id = ctrl[K.SHARE]!;
  if (!ctrl[K.FRESH]) {
    const kept = shares.get(id);
    if (!kept) throw new Error(`no packed weights ${id} on thread ${tid}`);
    return kept;
  }
  const I = ctrl[K.I]!; const H = ctrl[K.H]!; const P = ctrl[K.P]!; const threads = ctrl[K.THREADS]!;
  const G = 4 * H;
  const view = (at: number, n: number) => f32.subarray(ctrl[at]!, ctrl[at]! + n);
  const s = packThreadShare(view(K.WIH, G * I), view(K.WHH, G * P), ctrl[K.HAS_BIH] ? view(K.BIH, G) : null,
    ctrl[K.HAS_BHH] ? view(K.BHH, G) : null, ctrl[K.HAS_WHR] ? view(K.WHR, P * H) : null, I, H, P, tid, threads);
  shares.set(id, s);
  return s;
}

/** One thread's part of the job (thread 0 is the caller, with its share). */
function runThread(ctrl: Int32Array, f32: Float32Array, share: Share): void {
  const threads = ctrl[K.THREADS]!;
  layerSteps(share, f32, ctrl[K.X]!, f32, ctrl[K.H0]!, f32, ctrl[K.C]!, f32, ctrl[K.HC]!, f32, ctrl[K.OUT]!,
    ctrl[K.L]!, ctrl[K.N]!, ctrl[K.I]!, ctrl[K.H]!, ctrl[K.P]!, ctrl[K.REV] === 1, () => barrier(ctrl, threads), null);
}

const WORKER_SOURCE = `
'use strict';
const { workerData, receiveMessageOnPort } = require('worker_threads');
const { ctrl, port, tid } = workerData;
const K = ${JSON.stringify(K)};
const SPIN = ${SPIN};
const __name = (f) => f; // esbuild's keepNames helper, when the functions below came through tsx
${[doubles, packRows, packShare, gemmPacked, gemvPacked, cellStep, layerSteps, barrier, packThreadShare, threadShare, runThread]
    .map((f) => f.toString()).join('\n')}
let f32 = null;
const shares = new Map();
Atomics.add(ctrl, K.READY, 1);
Atomics.notify(ctrl, K.READY);
let seen = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, K.JOB) === seen) if (++spins > SPIN) Atomics.wait(ctrl, K.JOB, seen, 50);
  seen = Atomics.load(ctrl, K.JOB);
  if (Atomics.load(ctrl, K.QUIT)) break;
  try {
    // Messages: the data buffer (when it grows), or ids of packed weights the caller's cache dropped.
    for (let m; (m = receiveMessageOnPort(port)); ) {
      if (m.message instanceof SharedArrayBuffer) f32 = new Float32Array(m.message);
      else if (Array.isArray(m.message && m.message.drop)) for (const id of m.message.drop) shares.delete(id);
      else throw new TypeError('unexpected message');
    }
    if (tid < Atomics.load(ctrl, K.THREADS)) runThread(ctrl, f32, threadShare(ctrl, f32, tid, shares));
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
  /** The caller's packed shares; an entry that leaves is dropped on the workers too. */
  cache: ShareCache;
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

/** Shares the running pool keeps packed (0 when none): for tests. */
export function cpuPoolCacheSize(): number {
  return pool?.cache.size ?? 0;
}

const WORKER_FAILED = 'the cpu LSTM kernel failed on a worker thread; the thread pool was stopped';

/**
 * For tests: posts `message` to every worker of the running pool, which reads it at the next job
 * (something other than a data buffer or a list of ids to drop makes that job fail there).
 */
export function postToCpuWorkers(message: unknown): void {
  for (const port of pool?.ports ?? []) port.postMessage(message);
}

/** Drops the pool's cached shares whose keys `alive` rejects (ShareCache.sweep); the workers drop their copies. */
export function sweepPoolCache(alive: (keys: readonly unknown[]) => boolean): void {
  pool?.cache.sweep(alive);
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
  const p: Pool = { threads, ctrl, ports: [], data: null, f32: new Float32Array(0),
    cache: new ShareCache(32, 16 * 1024 * 1024, (id) => { for (const port of p.ports) port.postMessage({ drop: [id] }); }) };
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
  p.data = new SharedArrayBuffer(floats * 4);
  p.f32 = new Float32Array(p.data);
  for (const port of p.ports) port.postMessage(p.data);
}

/**
 * layerForward on `torch.get_num_threads()` threads, or null where that is one thread, the work
 * per step is too small to split, or worker threads are unavailable (browsers): the caller then
 * runs the single-threaded layerForward, which gives the same bits.
 */
export function parallelLayerForward(x: Float32Array, h0: Float32Array, c0: Float32Array, wIh: Float32Array | null,
  wHh: Float32Array, bIh: Float32Array | null, bHh: Float32Array | null, wHr: Float32Array | null, d: LayerDims):
  { out: Float32Array; h: Float32Array; c: Float32Array } | null {
  const { L, N, I, H, P } = d;
  const G = 4 * H;
  const requested = requestedThreadCount();
  const threads = Math.min(requested, H, Math.floor((N * G * P) / MIN_MACS_PER_THREAD));
  lastThreads = 1;
  if (threads < 2 || L === 0) return null;
  // The pool has the requested size; a smaller layer leaves the extra workers idle this run.
  const p = getPool(requested);
  if (!p) return null;
  lastThreads = threads;
  // This thread's share, packed now or kept from an earlier forward with the same weights
  // (then the workers have theirs too, and the weights need not be copied).
  const arrays = [wIh, wHh, bIh, bHh, wHr] as const;
  const { entry, fresh } = p.cache.obtain(arrays, threads, I, H, P);
  let top = 0;
  const at = (floats: number) => { const o = top; top += floats; return o; };
  const o = {
    X: at(L * N * I), WIH: at(wIh ? G * I : 0), WHH: at(G * P), BIH: at(G), BHH: at(G), WHR: at(wHr ? P * H : 0),
    H0: at(N * P), C: at(N * H), HC: at(N * H), OUT: at(L * N * P),
  };
  dataOf(p, top);
  const f32 = p.f32;
  f32.set(x, o.X);
  if (fresh) {
    if (wIh) f32.set(wIh, o.WIH);
    f32.set(wHh, o.WHH);
    if (bIh) f32.set(bIh, o.BIH);
    if (bHh) f32.set(bHh, o.BHH);
    if (wHr) f32.set(wHr, o.WHR);
  }
  f32.set(h0, o.H0);
  f32.set(c0, o.C);
  const c = p.ctrl;
  c[K.L] = L; c[K.N] = N; c[K.I] = wIh ? I : 0; c[K.H] = H; c[K.P] = P; c[K.REV] = d.reverse ? 1 : 0;
  c[K.HAS_BIH] = bIh ? 1 : 0; c[K.HAS_BHH] = bHh ? 1 : 0; c[K.HAS_WHR] = wHr ? 1 : 0;
  for (const name of ['X', 'WIH', 'WHH', 'BIH', 'BHH', 'WHR', 'H0', 'C', 'HC', 'OUT'] as const) c[K[name]] = o[name];
  c[K.SHARE] = entry.id; c[K.FRESH] = fresh ? 1 : 0;
  c[K.THREADS] = threads;
  Atomics.add(c, K.JOB, 1);
  Atomics.notify(c, K.JOB);
  try {
    runThread(c, f32, entry.share);
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
