import * as tf from '@tensorflow/tfjs';
import { nn, torch } from 'tfjs-torch';
import { type LSTMCase, toTensor } from './fixtures.js';

/** `torch.manual_seed(case.seed); nn.LSTM(**case.config)`, in eval mode unless the case trains. */
export function buildLSTM(c: LSTMCase): InstanceType<typeof nn.LSTM> {
  torch.manual_seed(BigInt(c.seed));
  const { dtype, ...cfg } = c.config;
  const m = new nn.LSTM({ ...cfg, dtype: dtype === 'complex64' ? torch.complex64 : torch.float32 });
  return c.training ? m : m.eval();
}

/** The case's input and hx as tfjs tensors (the caller disposes them). */
export function caseInputs(c: LSTMCase): { x: tf.Tensor; hx: [tf.Tensor, tf.Tensor] | undefined } {
  return { x: toTensor(c.input), hx: c.hx ? [toTensor(c.hx[0]), toTensor(c.hx[1])] : undefined };
}

/** A short label for a case. */
export function label(c: LSTMCase): string {
  const sizes = `in=${c.config.input_size} H=${c.config.hidden_size} L,N from input ${JSON.stringify(c.input.shape)}`;
  return `${c.name} (${sizes})`;
}

/**
 * `t.sum()`. tfjs's webgl and webgpu Sum fail on an empty tensor (a NaN-sized buffer), so an empty
 * output is summed with one zero appended: the same value (0) and the same (empty) gradient.
 */
export function sumAll(t: tf.Tensor): tf.Scalar {
  return (t.size > 0 ? tf.sum(t) : tf.sum(tf.concat([tf.reshape(t, [0]), tf.zeros([1])]))) as tf.Scalar;
}
