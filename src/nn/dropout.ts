import * as tf from '@tensorflow/tfjs-core';
import { TypeError, ValueError, messages, pyNumberRepr, pyTypeName } from '../errors.js';
import { Module } from './module.js';
import { bindArgs, pyBool } from './args.js';

/** torch's keyword arguments of `nn.Dropout`. */
export interface DropoutOptions {
  /** Probability of an element being zeroed (default 0.5). */
  p?: number;
  /** Accepted and printed like torch; tfjs tensors are immutable, so results are always new. */
  inplace?: boolean;
}

/**
 * PyTorch's `nn.Dropout`: in training mode zeroes each element with probability `p` and scales
 * the rest by `1 / (1 - p)` (inverted dropout); in eval mode it is the identity.
 * The mask is drawn with tfjs's random numbers, so it matches torch in distribution, not bits.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { nn } from 'tfjs-torch';
 * const drop = new nn.Dropout(0.25);
 * drop.forward(tf.ones([4, 4]));          // entries 0 or 1/0.75
 * drop.eval().forward(tf.ones([4, 4]));   // all ones
 * String(drop);                           // 'Dropout(p=0.25, inplace=False)'
 * ```
 */
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;

  constructor(options: DropoutOptions);
  constructor(p?: number, options?: DropoutOptions);
  constructor(p?: number, inplace?: boolean);
  constructor(...args: unknown[]) {
    super();
    const a = bindArgs('Dropout.__init__', ['p', 'inplace'], 0, args) as DropoutOptions;
    const p = a.p ?? 0.5;
    if (typeof p !== 'number') {
      throw new TypeError(`'<' not supported between instances of '${pyTypeName(p)}' and 'int'`);
    }
    // Torch parity: the check is `p < 0 or p > 1`, so NaN gets through (and then zeroes nothing useful).
    if (p < 0 || p > 1) throw new ValueError(messages.dropoutProbability(p));
    this.p = p;
    this.inplace = a.inplace ?? false;
  }

  /**
   * @param input a float32 tensor of any shape.
   * @returns a new tensor the caller disposes (in eval mode, a clone of `input`).
   */
  forward(input: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return tf.clone(input);
    const p = this.p;
    return tf.tidy(() => {
      // Torch parity: p = 1 gives zeros (torch multiplies by a zero mask, no division by zero).
      if (p === 1) return tf.mul(input, tf.zerosLike(input));
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(input.shape, 0, 1, 'float32'), p), 'float32');
      // Torch parity: `noise.div_(1 - p)` then `input * noise`, in float32.
      return tf.mul(input, tf.div(keep, 1 - p));
    });
  }

  override extra_repr(): string {
    return `p=${pyNumberRepr(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
