import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError, TypeError, ValueError, messages, pyTypeName } from '../errors.js';
import { dtype as DType, float32, resolveModuleDtype } from '../dtype.js';
import { type Device, requireActive } from '../device.js';
import { Module, newParameter } from './module.js';
import { _calculate_fan_in_and_fan_out, kaiming_uniform_, uniform_ } from './init.js';
import { bindArgs, checkShape, pyBool } from './args.js';

/** torch's keyword arguments of `nn.Linear`. */
export interface LinearOptions {
  in_features?: number;
  out_features?: number;
  /** Whether to learn an additive bias (default true). */
  bias?: boolean;
  /** A device whose tfjs backend is active (`null`: the active one). */
  device?: string | Device | null;
  /** `torch.float32` (the default) only. */
  dtype?: DType | string | null;
}

const NAMES = ['in_features', 'out_features', 'bias', 'device', 'dtype'] as const;

/**
 * PyTorch's `nn.Linear`: `y = x Wᵀ + b` over the last dimension of `x`, any leading dimensions.
 * `weight` is (out_features, in_features), `bias` (out_features); both are initialised like
 * torch (`kaiming_uniform_(weight, a=√5)`, then bias from U(-1/√in, 1/√in)), bit for bit under
 * `torch.manual_seed`, drawing from the default generator in torch's order.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch, nn } from 'tfjs-torch';
 * torch.manual_seed(0);
 * const fc = new nn.Linear(6, 3);
 * const y = fc.forward(tf.ones([2, 5, 6]));   // shape [2, 5, 3]
 * String(fc);   // 'Linear(in_features=6, out_features=3, bias=True)'
 * ```
 */
export class Linear extends Module {
  readonly in_features: number;
  readonly out_features: number;
  declare readonly weight: tf.Variable;
  /** `null` when constructed with `bias: false` (torch registers `bias = None`). */
  declare readonly bias: tf.Variable | null;

  constructor(options: LinearOptions & { in_features: number; out_features: number });
  constructor(in_features: number, out_features: number, options?: LinearOptions);
  constructor(in_features: number, out_features: number, bias?: boolean, device?: string | Device | null,
    dtype?: DType | string | null, options?: LinearOptions);
  constructor(...args: unknown[]) {
    super();
    const a = bindArgs('Linear.__init__', NAMES, 2, args) as LinearOptions;
    const [outF, inF] = checkShape([a.out_features, a.in_features]) as [number, number];
    const dtype = resolveModuleDtype(a.dtype as DType | string | null | undefined);
    if (dtype !== float32) throw new ValueError(`nn.Linear supports torch.float32 only, got ${String(dtype)}`);
    if (a.device !== null && a.device !== undefined) requireActive(a.device);
    this.in_features = inF;
    this.out_features = outF;
    this.register_parameter('weight', newParameter(() => tf.zeros([outF, inF])));
    // Torch parity: `bias` is truthiness-tested (`if bias:`), so 0 or '' mean no bias.
    this.register_parameter('bias', (a.bias ?? true) ? newParameter(() => tf.zeros([outF])) : null);
    this.reset_parameters();
  }

  /** Re-draws weight then bias exactly as torch's `Linear.reset_parameters`. */
  reset_parameters(): void {
    kaiming_uniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = _calculate_fan_in_and_fan_out(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /**
   * @param input (*, in_features) float32.
   * @returns (*, out_features), a new tensor the caller disposes.
   */
  forward(input: tf.Tensor): tf.Tensor {
    if (!(input instanceof tf.Tensor)) {
      throw new TypeError(`linear(): argument 'input' (position 1) must be Tensor, not ${pyTypeName(input)}`);
    }
    if (input.rank === 0) throw new RuntimeError(messages.matmulRank(0, 2));
    const last = input.shape[input.rank - 1]!;
    const rows = input.shape.slice(0, -1).reduce((p, s) => p * s, 1);
    if (last !== this.in_features) {
      throw new RuntimeError(messages.matShapes(rows, last, this.in_features, this.out_features));
    }
    if (input.dtype !== 'float32') throw new RuntimeError(messages.hiddenDtype);
    return tf.tidy(() => {
      const x2 = tf.reshape(input, [rows, last]);
      let y = last > 0 ? tf.matMul(x2, this.weight, false, true) : emptyProduct(x2, this.weight);
      if (this.bias) y = tf.add(y, this.bias);
      return tf.reshape(y, [...input.shape.slice(0, -1), this.out_features]);
    });
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * `x·wᵀ` for an inner size of 0: zeros, with (empty) zero gradients. tfjs's matMul with an
 * inner size of 0 returns garbage on wasm and webgpu instead of zeros.
 */
function emptyProduct(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.zeros([x.shape[0]!, w.shape[0]!]),
    gradFunc: () => [tf.zerosLike(args[0] as tf.Tensor), tf.zerosLike(args[1] as tf.Tensor)],
  }))(x, w);
}
