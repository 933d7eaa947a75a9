import * as tf from '@tensorflow/tfjs-core';
import { Generator, default_generator } from '../random/generator.js';
import { uniformFloat32 } from '../random/uniform.js';
import { normalFloat32 } from '../random/normal.js';
import { ValueError, messages } from '../errors.js';
import { warn } from '../warn.js';

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
 * // tidy: tf.variable keeps its initial tensor alive, so a bare tf.zeros here would leak.
 * const w = tf.tidy(() => tf.variable(tf.zeros([2, 3])));
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

/**
 * torch's `nn.init.normal_(param, mean, std)` on a float32 parameter: torch's CPU `normal_`
 * bit for bit (see `normalFloat32` for its two code paths).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch, nn } from 'tfjs-torch';
 * torch.manual_seed(0);
 * const w = nn.init.normal_(tf.tidy(() => tf.variable(tf.zeros([10, 3]))));   // torch.nn.init.normal_(torch.empty(10, 3))
 * ```
 */
export function normal_(param: tf.Variable, mean = 0, std = 1, generator: Generator = default_generator): tf.Variable {
  if (param.dtype !== 'float32') throw new ValueError(`normal_ supports float32 parameters only, got ${param.dtype}`);
  const values = normalFloat32(new Float32Array(param.size), mean, std, generator);
  tf.tidy(() => { param.assign(tf.tensor(values, param.shape, 'float32')); });
  return param;
}

/**
 * torch's `nn.init._calculate_fan_in_and_fan_out`: `[fan_in, fan_out]` of a weight shaped
 * (out, in, *receptive_field).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { nn } from 'tfjs-torch';
 * nn.init._calculate_fan_in_and_fan_out([3, 6]);   // [6, 3]: a shape, or a tensor of that shape
 * ```
 */
export function _calculate_fan_in_and_fan_out(t: tf.Tensor | readonly number[]): [number, number] {
  const shape = t instanceof tf.Tensor ? t.shape : t;
  if (shape.length < 2) throw new ValueError(messages.fanFewDims);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/**
 * torch's `nn.init.calculate_gain(nonlinearity, param)` for the nonlinearities kaiming init uses.
 *
 * @example
 * ```ts
 * import { nn } from 'tfjs-torch';
 * nn.init.calculate_gain('leaky_relu', Math.sqrt(5));   // 0.5773502691896257
 * ```
 */
export function calculate_gain(nonlinearity: string, param?: number | null): number {
  const linear = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'];
  if (linear.includes(nonlinearity)) return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'selu') return 3.0 / 4;
  if (nonlinearity === 'leaky_relu') {
    const slope = param === undefined || param === null ? 0.01 : param;
    if (typeof slope !== 'number') throw new ValueError(`negative_slope ${String(slope)} not a valid number`);
    // Python's `negative_slope ** 2` is the correctly rounded square, like `slope * slope`.
    return Math.sqrt(2.0 / (1 + slope * slope));
  }
  throw new ValueError(`Unsupported nonlinearity ${nonlinearity}`);
}

/**
 * torch's `nn.init.kaiming_uniform_(param, a, mode, nonlinearity)`: U(-bound, bound) with
 * `bound = sqrt(3) * gain / sqrt(fan)`, computed in double as Python does, drawn like `uniform_`.
 * Torch parity: a zero-element parameter is left alone with torch's warning (no draws).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch, nn } from 'tfjs-torch';
 * torch.manual_seed(0);
 * const w = tf.tidy(() => tf.variable(tf.zeros([3, 6])));
 * nn.init.kaiming_uniform_(w, Math.sqrt(5));   // nn.Linear(6, 3)'s weight
 * ```
 */
export function kaiming_uniform_(param: tf.Variable, a = 0, mode: 'fan_in' | 'fan_out' = 'fan_in',
  nonlinearity = 'leaky_relu', generator: Generator = default_generator): tf.Variable {
  if (param.shape.includes(0)) { warn('Initializing zero-element tensors is a no-op'); return param; }
  const m = String(mode).toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new ValueError(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(param);
  const gain = calculate_gain(nonlinearity, a);
  const std = gain / Math.sqrt(m === 'fan_in' ? fanIn : fanOut);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(param, -bound, bound, generator);
}
