import { RuntimeError, messages, pyTypeName } from './errors.js';
import { setRequestedThreads } from './kernels/wasm/simd_runtime.js';
import { requestedThreadCount } from './kernels/node_workers.js';
import { stopCpuPool } from './kernels/cpu/lstm_parallel.js';

/**
 * Sets the number of threads the LSTM kernels of the `wasm` and `cpu` backends run on, like
 * torch's `torch.set_num_threads(n)` for its CPU ops. In Node they run on `n` threads (worker
 * threads sharing the kernel's memory; the cpu kernel only where a step has enough work to
 * split); in a browser on one. Results do not depend on `n`: every output is computed by one
 * thread in the same order.
 *
 * @example
 * ```ts
 * import { torch } from 'tfjs-torch';
 * torch.set_num_threads(1);
 * torch.get_num_threads();   // 1
 * ```
 */
export function set_num_threads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new RuntimeError(messages.numThreadsType(pyTypeName(n)));
  if (n <= 0) throw new RuntimeError(messages.numThreadsPositive);
  setRequestedThreads(n);
  stopCpuPool();
}

/**
 * The number of threads the `wasm` and `cpu` LSTM kernels use (`torch.get_num_threads()`): the
 * last `set_num_threads`, else one per core the runtime reports, at most 8 (1 in a browser).
 *
 * @example
 * ```ts
 * import { torch } from 'tfjs-torch';
 * torch.get_num_threads();   // e.g. 2 on a 2-core machine
 * ```
 */
export function get_num_threads(): number {
  return requestedThreadCount();
}
