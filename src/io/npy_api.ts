/**
 * The public `npy` namespace: NumPy `.npy` files.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { npy } from 'tfjs-torch';
 * const x = npy.decode(npy.encode(tf.tensor1d([1, 2])));
 * ```
 * @module
 */
export { load, save, decode, encode } from './npy.js';
