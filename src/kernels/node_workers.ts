/*
 * What the multi-threaded LSTM kernels (wasm: wasm/simd_runtime.ts, cpu: cpu/lstm_parallel.ts)
 * share: the thread count torch.set_num_threads asks for, Node's worker_threads reached without an
 * import (browser bundles never see it), and starting a pool of workers that report ready.
 */

/** The part of Node's worker_threads the pools use. */
export interface NodeWorkerThreads {
  Worker: new (code: string, opts: object) => { unref(): void; terminate(): Promise<number> };
  MessageChannel: new () => { port1: { postMessage(m: unknown): void; close(): void }; port2: unknown };
}

type Proc = { process?: { getBuiltinModule?: (id: string) => unknown } };

let requestedThreads: number | null = null;

/** Records torch.set_num_threads(n); the pools compare their size with it at their next run. */
export function setRequestedThreadCount(n: number): void {
  requestedThreads = n;
}

/** The threads the kernels are set to use (torch.get_num_threads): the last set, else the default. */
export function requestedThreadCount(): number {
  if (requestedThreads !== null) return requestedThreads;
  const os = (globalThis as Proc).process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  // Torch parity: torch defaults to one thread per physical core; we cap at 8 (barriers per step).
  return Math.min(8, os?.availableParallelism?.() ?? 1);
}

/** Node's worker_threads where SharedArrayBuffer exists too, else null (browsers). */
export function workerThreads(): NodeWorkerThreads | null {
  const proc = (globalThis as Proc).process;
  if (typeof SharedArrayBuffer === 'undefined' || !proc?.getBuiltinModule) return null;
  return (proc.getBuiltinModule('node:worker_threads') as NodeWorkerThreads | undefined) ?? null;
}

/**
 * Starts workers 1..threads-1 on `source` (eval'd; `options(tid)` gives each one's worker
 * options) and waits (≤ 10 s) until each has added 1 to `ready[readyAt]`. Returns the workers
 * (unref'd: they never keep the process alive), or null, with any started ones terminated, when
 * they did not all report ready.
 */
export function startWorkers(wt: NodeWorkerThreads, source: string, threads: number, options: (tid: number) => object,
  ready: Int32Array, readyAt: number): { terminate(): Promise<number> }[] | null {
  const workers: { terminate(): Promise<number> }[] = [];
  for (let tid = 1; tid < threads; tid++) {
    const worker = new wt.Worker(source, { eval: true, ...options(tid) });
    worker.unref();
    workers.push(worker);
  }
  const deadline = Date.now() + 10000;
  while (Atomics.load(ready, readyAt) < threads - 1 && Date.now() < deadline) {
    Atomics.wait(ready, readyAt, Atomics.load(ready, readyAt), 100);
  }
  if (Atomics.load(ready, readyAt) < threads - 1) {
    for (const w of workers) void w.terminate();
    return null;
  }
  return workers;
}
