/**
 * tfjs-torch: PyTorch's exact `torch.nn` recurrent semantics on TensorFlow.js.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch, nn } from 'tfjs-torch';
 * torch.manual_seed(42);
 * const lstm = new nn.LSTM(6, 3);
 * const [output, [h_n, c_n]] = lstm.forward(tf.tensor2d([[8, -3, 0, 1, 5, -2]]));
 * ```
 * @module
 */
// tfjs-core + cpu is the one backend pair the library needs everywhere; others are opt-in.
import '@tensorflow/tfjs-backend-cpu';
// complex64 tensors on wasm (a kernel registration only; the wasm package itself stays optional).
import './kernels/wasm/complex.js';

export * as torch from './torch.js';
export * as nn from './nn/index.js';
export * as functional from './functional/index.js';
export * as errors from './errors.js';
export { safetensors, npy } from './io/index.js';
