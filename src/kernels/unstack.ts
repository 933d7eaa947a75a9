import * as tf from '@tensorflow/tfjs-core';

/** A kernel that splits a tensor along axis 0 without copying the whole source per slice. */
export const TorchUnstack = 'TorchUnstack';

/** The part of tfjs-backend-wasm's BackendWasm this kernel uses (the package stays optional). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let registered = false;

/**
 * Registers `TorchUnstack` for the wasm backend, and its gradient (a stack of the dys).
 * Torch parity is not at stake here; speed is: tfjs-backend-wasm's Slice (behind tf.unstack)
 * reads the whole source out of the heap for every slice, O(L²) for an L-step sequence.
 */
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
  tf.registerGradient({
    kernelName: TorchUnstack,
    gradFunc: (dy) => ({ x: () => tf.stack(dy as tf.Tensor[]) }),
  });
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
