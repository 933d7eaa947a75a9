/**
 * The public `safetensors` namespace (mirrors Python's `safetensors.torch`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { safetensors } from 'tfjs-torch';
 * const bytes = await safetensors.save_file({ w: tf.ones([2]) });
 * (await safetensors.load_file(bytes)).w.shape;   // [2]
 * ```
 * @module
 */
export { load_file, save_file, load, save } from './safetensors.js';
