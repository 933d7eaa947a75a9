import * as tf from '@tensorflow/tfjs-core';
import { Generator, default_generator } from '../random/generator.js';
import { uniformFloat32 } from '../random/uniform.js';

/**
 * torch's `nn.init.uniform_(param, a, b)` on a float32 or complex64 parameter, drawn from
 * torch's CPU generator bit for bit.
 * Torch parity: a complex tensor is filled through `view_as_real`, so draws interleave
 * re0, im0, re1, im1, ... each drawn like one float32 element.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch, nn } from 'tfjs-torch';
 * torch.manual_seed(0);
 * const w = tf.variable(tf.zeros([2, 3]));
 * nn.init.uniform_(w, -0.1, 0.1);
 * ```
 */
export function uniform_(param: tf.Variable, a = 0, b = 1, generator: Generator = default_generator): tf.Variable {
  const n = param.size * (param.dtype === 'complex64' ? 2 : 1);
  const values = uniformFloat32(new Float32Array(n), a, b, generator);
  tf.tidy(() => {
    if (param.dtype === 'complex64') {
      const re = new Float32Array(param.size);
      const im = new Float32Array(param.size);
      for (let i = 0; i < param.size; i++) { re[i] = values[2 * i]!; im[i] = values[2 * i + 1]!; }
      param.assign(tf.complex(tf.tensor(re, param.shape), tf.tensor(im, param.shape)));
    } else {
      param.assign(tf.tensor(values, param.shape, param.dtype));
    }
  });
  return param;
}
