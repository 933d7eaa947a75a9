import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError } from './errors.js';

/**
 * The values of `t`, read synchronously, for the few places where torch's API is synchronous
 * (printing, saving, checking indices). On webgpu, tfjs reads synchronously through
 * `OffscreenCanvas`, which browsers have and Node does not: there a tensor can be read
 * synchronously only once its values are on the CPU (after `await t.data()`, or when it was
 * made from JS values and not yet computed on), and otherwise this raises a RuntimeError that
 * says so instead of tfjs's `ReferenceError: OffscreenCanvas is not defined`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * const y = tf.square(tf.tensor([1, 2]));
 * await y.data();        // on webgpu in Node, read once asynchronously...
 * readSync(y);           // ...then synchronous reads work: Float32Array [1, 4]
 * ```
 */
export function readSync<D extends tf.DataType>(t: tf.Tensor, what = 'this tensor'): tf.DataTypeMap[D] {
  if (!canReadSync(t)) {
    throw new RuntimeError(`cannot read ${what} synchronously on the webgpu backend in Node (tfjs needs ` +
      'OffscreenCanvas for synchronous GPU reads): `await tensor.data()` it first, then call again');
  }
  return t.dataSync() as tf.DataTypeMap[D];
}

/** Whether `readSync(t)` can succeed on the current backend. */
export function canReadSync(t: tf.Tensor): boolean {
  if (tf.getBackend() !== 'webgpu' || typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined') return true;
  // A tfjs internal: the webgpu backend keeps the values it already has on the CPU in its tensorMap.
  const backend = tf.backend() as unknown as { tensorMap?: { get(id: object): { values?: unknown; complexTensorInfos?: { real: tf.TensorInfo; imag: tf.TensorInfo } } | undefined } };
  const data = backend.tensorMap?.get(t.dataId);
  if (!data) return false;
  if (data.values != null) return true;
  const parts = data.complexTensorInfos;
  return !!parts && [parts.real, parts.imag].every((p) => backend.tensorMap!.get(p.dataId)?.values != null);
}
