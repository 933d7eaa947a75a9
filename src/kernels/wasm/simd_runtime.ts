import { LSTM_LAYER_RELAXED, LSTM_LAYER_RELAXED_THREADS, LSTM_LAYER_SIMD, LSTM_LAYER_SIMD_THREADS } from './lstm_layer_binary.js';
import { type NodeWorkerThreads, requestedThreadCount, setRequestedThreadCount, startWorkers, workerThreads } from '../node_workers.js';

/*
 * The WebAssembly module behind the wasm backend's TorchLSTMLayer (assembly/lstm_layer.ts) and the
 * complex layer's products (assembly/complex_linear.ts, called on the caller's thread): its
 * instance, its memory, and in Node a pool of worker threads that run the same module on the same
 * shared memory. A run is synchronous (tfjs kernels are): the caller writes the control block,
 * wakes the workers through an atomic counter, runs its own share, and returns once every thread
 * has passed the kernel's last barrier.
 */

/** The kernel's exports (assembly/lstm_layer.ts). */
export interface LayerExports {
  run(base: number, tid: number): void;
  packGates(src: number, dst: number, H: number, K: number, Hp: number, kp: number): void;
  packBias(bih: number, bhh: number, dst: number, H: number, Hp: number): void;
  packProj(src: number, dst: number, P: number, H: number, Hp: number, PQ: number): void;
  heapBase(): number;
  /** For tests: dst = σ(src) (which 0) or tanh(src) (which 1) on n floats, as the cells compute them. */
  activations(which: number, src: number, dst: number, n: number): void;
  /** The complex64 linear layers (assembly/complex_linear.ts): packs w (cols, K) in panels of 4 columns. */
  cpack(wRe: number, wIm: number, cols: number, K: number, dst: number): void;
  /** out = a·wᵀ (+ b), complex, w packed by cpack. */
  clinear(aRe: number, aIm: number, lda: number, rows: number, K: number, w: number, panels: number,
    bRe: number, bIm: number, outRe: number, outIm: number, ldo: number): void;
}

/** Control block words shared with the kernel (C_* in assembly/lstm_layer.ts) and the workers. */
export const CTRL = {
  L: 0, N: 1, I: 2, HP: 3, S: 4, PQ: 5, REV: 6, THREADS: 7, X: 8, WIH: 9, WHH: 10, BIAS: 11, WHR: 12,
  H0: 13, C: 14, SUMS: 15, HC: 16, Y: 17, BAR: 18, XS: 20, YS: 21, JOB: 24, READY: 25, QUIT: 26, ABORT: 27,
} as const;
const CTRL_BYTES = 128;
const PAGE = 65536;

/** What a kernel run needs: the exports, an allocator over the memory, and `run`. */
export interface Runtime {
  exports: LayerExports;
  memory: WebAssembly.Memory;
  /** Threads available to a run (1 without a pool). */
  threads: number;
  /** Byte offset of the control block. */
  base: number;
  /** Allocates `floats` float32s, 64-byte aligned; returns the byte offset. */
  alloc(floats: number): number;
  /** Frees what `alloc` returned. */
  free(ptr: number): void;
  /** Bytes allocated now (the packed-weight cache between calls) and at most so far. */
  heapStats(): { live: number; peak: number };
  /** A Float32Array over the memory (re-made after growth). */
  f32(): Float32Array;
  i32(): Int32Array;
  /** Runs the kernel with `threads` threads (≤ this.threads). */
  run(threads: number): void;
}

let runtime: Runtime | null | undefined;
let lastThreads = 0;

/** The kernel heap's allocated bytes now and at most since the runtime started (null before). */
export function kernelHeapStats(): { live: number; peak: number } | null {
  return runtime ? runtime.heapStats() : null;
}

/** Bytes of the kernel's own WebAssembly memory (0 before first use); it grows, never shrinks. */
export function kernelMemoryBytes(): number {
  return runtime ? runtime.memory.buffer.byteLength : 0;
}

/** How many threads the last kernel run used (0 before any): for tests and benchmarks. */
export function lastRunThreads(): number {
  return lastThreads;
}

/**
 * Sets how many threads the kernels use (torch.set_num_threads): a running wasm pool of another
 * size is stopped, and the next run starts one of the new size.
 */
export function setRequestedThreads(n: number): void {
  setRequestedThreadCount(n);
  if (runtime !== undefined && (runtime === null || runtime.threads !== n)) shutdown();
}

const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { module, memory, base, tid, spinMs } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory } });
const w = new Int32Array(memory.buffer, base, 32);
Atomics.add(w, ${CTRL.READY}, 1);
Atomics.notify(w, ${CTRL.READY});
let seen = 0;
for (;;) {
  // Spin for a while after a run (the next one usually follows at once), then sleep.
  const until = performance.now() + spinMs;
  let n = 0;
  while (Atomics.load(w, ${CTRL.JOB}) === seen) {
    if ((++n & 1023) === 0 && performance.now() > until) Atomics.wait(w, ${CTRL.JOB}, seen);
  }
  seen = Atomics.load(w, ${CTRL.JOB});
  if (Atomics.load(w, ${CTRL.QUIT})) break;
  if (tid < Atomics.load(w, ${CTRL.THREADS})) {
    try {
      inst.exports.run(base, tid);
    } catch (e) {
      // Release the threads waiting at a barrier; the caller sees ABORT and throws.
      Atomics.store(w, ${CTRL.ABORT}, 1);
      Atomics.add(w, ${CTRL.BAR} + 1, 1);
      Atomics.notify(w, ${CTRL.BAR} + 1);
    }
  }
}
`;

/** Milliseconds a worker spins on the job counter after a run before it sleeps (a wake-up costs more). */
const WORKER_SPIN_MS = 1;

let workers: { terminate(): Promise<number> }[] = [];

function shutdown(): void {
  if (runtime && workers.length) {
    const w = runtime.i32();
    const at = runtime.base >> 2;
    Atomics.store(w, at + CTRL.QUIT, 1);
    Atomics.add(w, at + CTRL.JOB, 1);
    Atomics.notify(w, at + CTRL.JOB);
  }
  workers = [];
  runtime = undefined;
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Whether the relaxed-SIMD build may be used where the engine accepts it (tests turn it off). */
let relaxedWanted = true;
/** Which build the runtime runs: 'relaxed-simd' (fused multiply-add) or 'simd'. */
let build: 'relaxed-simd' | 'simd' | null = null;

/**
 * The kernel binary for a runtime with or without threads: the relaxed-SIMD build (fused
 * multiply-add: f32x4.relaxed_madd) where the engine validates it (Chrome ≥ 114, Node ≥ 22, or
 * Node 20 started with --experimental-wasm-relaxed-simd), else the SIMD build; null without SIMD.
 */
function kernelBinary(threads: boolean): Uint8Array<ArrayBuffer> | null {
  if (relaxedWanted) {
    const bytes = decode(threads ? LSTM_LAYER_RELAXED_THREADS : LSTM_LAYER_RELAXED);
    if (WebAssembly.validate(bytes)) { build = 'relaxed-simd'; return bytes; }
  }
  const bytes = decode(threads ? LSTM_LAYER_SIMD_THREADS : LSTM_LAYER_SIMD);
  if (!WebAssembly.validate(bytes)) return null;
  build = 'simd';
  return bytes;
}

/** Which build of the kernel the last runtime loaded ('relaxed-simd' or 'simd'; null before any). */
export function wasmKernelBuild(): 'relaxed-simd' | 'simd' | null {
  return build;
}

/**
 * For tests and benchmarks: allows (the default) or forbids the relaxed-SIMD build; the running
 * runtime is dropped, and the next run loads the build now chosen.
 */
export function allowRelaxedSimd(on: boolean): void {
  relaxedWanted = on;
  shutdown();
  if (asyncStarted) {
    // A browser page: instantiate the chosen build again (forwards meanwhile take the op-composed path).
    asyncInstance = null;
    asyncStarted = false;
    startAsyncInstantiate();
  }
}

/** A browser's main thread: the single-threaded module compiled and instantiated asynchronously. */
let asyncInstance: { module: WebAssembly.Module; exports: LayerExports; memory: WebAssembly.Memory } | null = null;
let asyncStarted = false;

function startAsyncInstantiate(): void {
  if (asyncStarted) return;
  asyncStarted = true;
  const bytes = kernelBinary(false);
  if (!bytes) return;
  const memory = new WebAssembly.Memory({ initial: 16 });
  WebAssembly.instantiate(bytes, { env: { memory } }).then(({ module, instance }) => {
    asyncInstance = { module, exports: instance.exports as unknown as LayerExports, memory };
  }, () => { /* no kernel: the op-composed path runs */ });
}

/**
 * In a browser page, starts instantiating the kernel (asynchronously: browsers refuse synchronous
 * compiles of modules over 4 KB on the main thread), so that it is ready by the first forward;
 * elsewhere nothing. nn.LSTM's constructor calls it, rather than this module at import, so that an
 * app that never builds an LSTM does not keep the kernel's binaries in its bundle.
 */
export function prepareWasmKernel(): void {
  if ((globalThis as { document?: unknown }).document !== undefined) startAsyncInstantiate();
}

/**
 * The runtime, made on first use; null where WebAssembly SIMD is unavailable, or in a browser's
 * main thread until the asynchronous instantiation (started at import) has finished: the caller
 * falls back to the op-composed path meanwhile.
 */
export function getRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  if (asyncInstance) {
    runtime = makeRuntime(asyncInstance.module, asyncInstance.memory, asyncInstance.exports, null, 1);
    return runtime;
  }
  try {
    const wanted = requestedThreadCount();
    const wt = wanted > 1 ? workerThreads() : null;
    const bytes = kernelBinary(wt !== null);
    if (!bytes) { runtime = null; return runtime; }
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes);
    } catch {
      startAsyncInstantiate(); // a main thread that only compiles asynchronously
      return null;
    }
    const memory = wt
      ? new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: true })
      : new WebAssembly.Memory({ initial: 16 });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as LayerExports;
    runtime = makeRuntime(module, memory, exports, wt, wanted);
  } catch {
    runtime = null;
  }
  return runtime;
}

function makeRuntime(module: WebAssembly.Module, memory: WebAssembly.Memory, exports: LayerExports,
  wt: NodeWorkerThreads | null, wanted: number): Runtime {
  const base = exports.heapBase();
  const heap = new Heap(base + CTRL_BYTES, memory);
  let f32 = new Float32Array(memory.buffer);
  let i32 = new Int32Array(memory.buffer);
  const views = () => {
    if (f32.buffer !== memory.buffer || f32.byteLength !== memory.buffer.byteLength) {
      f32 = new Float32Array(memory.buffer);
      i32 = new Int32Array(memory.buffer);
    }
  };
  const threads = wt ? startPool(wt, module, memory, base, wanted) : 1;
  return {
    exports, memory, threads, base,
    alloc: (floats) => heap.alloc(floats * 4),
    free: (ptr) => heap.free(ptr),
    heapStats: () => ({ live: heap.live, peak: heap.peak }),
    f32: () => { views(); return f32; },
    i32: () => { views(); return i32; },
    run: (n) => {
      views();
      const at = base >> 2;
      i32[at + CTRL.THREADS] = n;
      lastThreads = n;
      if (n > 1) {
        Atomics.add(i32, at + CTRL.JOB, 1);
        Atomics.notify(i32, at + CTRL.JOB);
      }
      try {
        exports.run(base, 0);
      } catch (e) {
        if (n > 1) { // release the workers waiting at a barrier, then drop this runtime
          Atomics.store(i32, at + CTRL.ABORT, 1);
          Atomics.add(i32, at + CTRL.BAR + 1, 1);
          Atomics.notify(i32, at + CTRL.BAR + 1);
        }
        shutdown();
        throw e;
      }
      if (n > 1 && Atomics.load(i32, at + CTRL.ABORT)) {
        shutdown();
        throw new Error('the wasm LSTM kernel failed on a worker thread; the thread pool was stopped');
      }
    },
  };
}

/** First-fit allocation of 64-byte aligned blocks in the kernel's memory, which grows as needed. */
class Heap {
  private readonly freeList: { at: number; size: number }[] = [];
  private readonly sizes = new Map<number, number>();
  private top: number;
  /** Bytes allocated now, and the most ever allocated at once. */
  live = 0;
  peak = 0;

  constructor(start: number, private readonly memory: WebAssembly.Memory) {
    this.top = Math.ceil(start / 64) * 64;
  }

  alloc(bytes: number): number {
    const size = Math.max(64, Math.ceil(bytes / 64) * 64);
    const i = this.freeList.findIndex((b) => b.size >= size);
    let at: number;
    if (i >= 0) {
      const b = this.freeList[i]!;
      at = b.at;
      if (b.size === size) this.freeList.splice(i, 1); else { b.at += size; b.size -= size; }
    } else {
      at = this.top;
      this.top += size;
      const have = this.memory.buffer.byteLength;
      if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / PAGE));
    }
    this.sizes.set(at, size);
    this.live += size;
    this.peak = Math.max(this.peak, this.live);
    return at;
  }

  free(at: number): void {
    const size = this.sizes.get(at);
    if (size === undefined) return;
    this.sizes.delete(at);
    this.live -= size;
    // Insert in address order, merging with free neighbours and with the top.
    let i = 0;
    while (i < this.freeList.length && this.freeList[i]!.at < at) i++;
    this.freeList.splice(i, 0, { at, size });
    const next = this.freeList[i + 1];
    if (next && at + size === next.at) { this.freeList[i]!.size += next.size; this.freeList.splice(i + 1, 1); }
    const prev = this.freeList[i - 1];
    if (prev && prev.at + prev.size === at) { prev.size += this.freeList[i]!.size; this.freeList.splice(i, 1); i--; }
    const last = this.freeList[this.freeList.length - 1];
    if (last && last.at + last.size === this.top) { this.top = last.at; this.freeList.pop(); }
  }
}

/** Starts `wanted - 1` workers on the runtime's memory; returns the threads in use (1 if they did not start). */
function startPool(wt: NodeWorkerThreads, module: WebAssembly.Module, memory: WebAssembly.Memory, base: number,
  wanted: number): number {
  const started = startWorkers(wt, WORKER_SOURCE, wanted,
    (tid) => ({ workerData: { module, memory, base, tid, spinMs: WORKER_SPIN_MS } }),
    new Int32Array(memory.buffer), (base >> 2) + CTRL.READY);
  workers = started ?? [];
  return started ? wanted : 1;
}
