import * as tf from '@tensorflow/tfjs-core';

/**
 * Splits for the wasm backend that copy each piece once. tfjs-backend-wasm's Slice (behind
 * tf.unstack and tf.split) reads the whole source out of the heap for every piece: O(L²) for the
 * per-step split of an L-step input projection, and 4 full copies for each step's gate split.
 */
export const TorchUnstack = 'TorchUnstack';
export const TorchSplitColumns = 'TorchSplitColumns';

/** The part of tfjs-backend-wasm's BackendWasm these kernels use (the package stays optional). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: TorchUnstack,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const b = backend as unknown as WasmBackendLike;
      const [n, ...rest] = x.shape;
      const size = rest.reduce((p, q) => p * q, 1);
      const outs: tf.TensorInfo[] = [];
      for (let i = 0; i < n!; i++) {
        const out = b.makeOutput(rest, x.dtype);
        // Views are taken after makeOutput: growing the heap detaches older ones.
        b.typedArrayFromHeap(out).set(b.typedArrayFromHeap(x).subarray(i * size, (i + 1) * size));
        outs.push(out);
      }
      return outs;
    },
  });
  tf.registerGradient({ kernelName: TorchUnstack, gradFunc: (dy) => ({ x: () => tf.stack(dy as tf.Tensor[]) }) });
  tf.registerKernel({
    kernelName: TorchSplitColumns,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x as tf.TensorInfo;
      const b = backend as unknown as WasmBackendLike;
      const n = (attrs as { n: number }).n;
      const [rows, cols] = x.shape as [number, number];
      const w = cols / n;
      const outs = Array.from({ length: n }, () => b.makeOutput([rows, w], x.dtype));
      const src = b.typedArrayFromHeap(x);
      const dsts = outs.map((o) => b.typedArrayFromHeap(o));
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < n; k++) dsts[k]!.set(src.subarray(r * cols + k * w, r * cols + (k + 1) * w), r * w);
      }
      return outs;
    },
  });
  tf.registerGradient({ kernelName: TorchSplitColumns, gradFunc: (dy) => ({ x: () => tf.concat(dy as tf.Tensor[], 1) }) });
}

/**
 * `tf.unstack(x)` along axis 0, through a copy-once kernel on the wasm backend.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * const rows = unstack0(tf.ones([100, 32, 1024]));   // 100 tensors of [32, 1024]
 * ```
 */
export function unstack0(x: tf.Tensor): tf.Tensor[] {
  if (tf.getBackend() !== 'wasm' || x.dtype === 'string') return tf.unstack(x);
  register();
  return tf.engine().runKernel(TorchUnstack, { x }, {}) as unknown as tf.Tensor[];
}

/**
 * `tf.split(x, n, 1)` for a 2-D tensor, through a copy-once kernel on the wasm backend.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * const [i, f, g, o] = splitColumns(tf.ones([32, 1024]), 4);   // four [32, 256]
 * ```
 */
export function splitColumns(x: tf.Tensor, n: number): tf.Tensor[] {
  if (tf.getBackend() !== 'wasm' || x.rank !== 2 || x.dtype === 'string') return tf.split(x, n, x.rank - 1);
  register();
  return tf.engine().runKernel(TorchSplitColumns, { x }, { n } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
