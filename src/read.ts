import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError } from './errors.js';

/**
 * The values of `t`, read synchronously, for the few places where torch's API is synchronous
 * (printing, saving, checking indices). tfjs's webgpu backend reads synchronously through
 * `OffscreenCanvas`, which Node lacks, and in headless Chromium (SwiftShader) that read returned
 * zeros and then lost the GPU device. So on webgpu a tensor is read synchronously only once its
 * values are on the CPU (after `await t.data()`, or when it was made from JS values and not yet
 * computed on); otherwise this raises a RuntimeError that says what to do.
 */
export function readSync<D extends tf.DataType>(t: tf.Tensor, what = 'this tensor'): tf.DataTypeMap[D] {
  if (!canReadSync(t)) {
    throw new RuntimeError(`cannot read ${what} synchronously on the webgpu backend (tfjs's synchronous GPU ` +
      'read needs OffscreenCanvas and is unreliable): `await tensor.data()` it first, then call again');
  }
  return t.dataSync() as tf.DataTypeMap[D];
}

/** Whether `readSync(t)` can succeed on the current backend. */
export function canReadSync(t: tf.Tensor): boolean {
  if (tf.getBackend() !== 'webgpu') return true;
  // A tfjs internal: the webgpu backend keeps the values it already has on the CPU in its tensorMap.
  const backend = tf.backend() as unknown as { tensorMap?: { get(id: object): { values?: unknown; complexTensorInfos?: { real: tf.TensorInfo; imag: tf.TensorInfo } } | undefined } };
  const data = backend.tensorMap?.get(t.dataId);
  if (!data) return false;
  if (data.values != null) return true;
  const parts = data.complexTensorInfos;
  return !!parts && [parts.real, parts.imag].every((p) => backend.tensorMap!.get(p.dataId)?.values != null);
}
