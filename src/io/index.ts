/**
 * Reading and writing weights: `load` (torch.save zip / legacy files and safetensors), the
 * `safetensors` reader/writer and the NumPy `npy` reader/writer.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { load, safetensors, npy } from './index.js';
 * const sd = await load('model.pt');                       // { name: tf.Tensor }
 * await safetensors.save_file(sd, 'model.safetensors');
 * await npy.save(sd['weight_ih_l0'], 'w.npy');
 * tf.dispose(Object.values(sd));
 * ```
 * @module
 */
export { load, loadBytes, type LoadedStateDict } from './torch_load.js';
export type { Source, SourceOptions } from './bytes.js';
export * as safetensors from './safetensors_api.js';
export * as npy from './npy_api.js';
