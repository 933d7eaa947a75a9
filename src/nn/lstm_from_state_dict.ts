import * as tf from '@tensorflow/tfjs-core';
import { ValueError, messages, torchSize } from '../errors.js';
import { complex64, dtype as DType, float32 } from '../dtype.js';
import type { Device } from '../device.js';
import { LSTM } from './lstm.js';

/** Options of `LSTM.from_state_dict`: what the weights cannot tell. */
export interface LSTMFromStateDictOptions {
  /** Key prefix of the LSTM inside a larger state_dict, e.g. `'lstm.'` (a missing final dot is added). */
  prefix?: string;
  batch_first?: boolean;
  dropout?: number;
  /** Default: complex64 when the weights are complex64, else float32. */
  dtype?: DType | string | null;
  device?: string | Device | null;
}

/**
 * Builds an `nn.LSTM` from a state_dict, inferring input_size, hidden_size, num_layers, bias,
 * bidirectional and proj_size from the keys and shapes under `prefix`, and loads the weights.
 * Construction first initialises the parameters as `nn.LSTM(...)` would (consuming the default
 * generator like torch), then they are overwritten. Keys that do not describe an LSTM (a missing
 * key, an inconsistent shape, a stray key under the prefix) raise a ValueError naming the key.
 *
 * @example
 * ```ts
 * import { nn } from 'tfjs-torch';
 * const src = new nn.LSTM(6, 3, { num_layers: 2, bidirectional: true });
 * const sd = Object.fromEntries(Object.entries(src.state_dict()).map(([k, v]) => [`lstm.${k}`, v]));
 * const lstm = nn.LSTM.from_state_dict(sd, { prefix: 'lstm.', batch_first: true });
 * String(lstm);   // 'LSTM(6, 3, num_layers=2, batch_first=True, bidirectional=True)'
 * ```
 */
export function lstmFromStateDict(sd: Record<string, tf.Tensor> | Map<string, tf.Tensor>,
  options: LSTMFromStateDictOptions = {}): LSTM {
  let prefix = options.prefix ?? '';
  if (prefix !== '' && !prefix.endsWith('.')) prefix += '.';
  const all = sd instanceof Map ? [...sd] : Object.entries(sd);
  // With no prefix, dotted keys belong to other modules of a larger state_dict and are ignored.
  const own = new Map(all.filter(([k]) => k.startsWith(prefix) && (prefix !== '' || !k.includes('.')))
    .map(([k, v]) => [k.slice(prefix.length), v] as [string, tf.Tensor]));
  const get = (name: string): tf.Tensor => {
    const t = own.get(name);
    if (!(t instanceof tf.Tensor)) throw new ValueError(messages.lstmStateDictMissing(prefix + name, prefix));
    return t;
  };
  const w0 = get('weight_ih_l0');
  if (w0.rank !== 2 || w0.shape[0]! % 4 !== 0 || w0.shape[0] === 0) {
    throw new ValueError(messages.lstmStateDictShape(prefix + 'weight_ih_l0', w0.shape, '(4*hidden_size, input_size)'));
  }
  const hidden = w0.shape[0]! / 4;
  const input = w0.shape[1]!;
  let layers = 1;
  while (own.has(`weight_ih_l${layers}`)) layers++;
  const D = own.has('weight_ih_l0_reverse') ? 2 : 1;
  const bias = own.has('bias_ih_l0') || own.has('bias_hh_l0');
  const hr = own.get('weight_hr_l0');
  const proj = hr instanceof tf.Tensor && hr.rank === 2 ? hr.shape[0]! : 0;
  const hOut = proj > 0 ? proj : hidden;
  const expected = new Map<string, number[]>();
  for (let k = 0; k < layers; k++) {
    for (let d = 0; d < D; d++) {
      const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
      expected.set(`weight_ih${sfx}`, [4 * hidden, k === 0 ? input : D * hOut]);
      expected.set(`weight_hh${sfx}`, [4 * hidden, hOut]);
      if (bias) { expected.set(`bias_ih${sfx}`, [4 * hidden]); expected.set(`bias_hh${sfx}`, [4 * hidden]); }
      if (proj > 0) expected.set(`weight_hr${sfx}`, [proj, hidden]);
    }
  }
  for (const [name, shape] of expected) {
    const t = get(name);
    if (!tf.util.arraysEqual(t.shape, shape)) throw new ValueError(messages.lstmStateDictShape(prefix + name, t.shape, torchSize(shape)));
  }
  const stray = [...own.keys()].filter((k) => !expected.has(k));
  if (stray.length > 0) throw new ValueError(messages.lstmStateDictUnexpected(stray.map((k) => prefix + k)));
  const dtype = options.dtype ?? (w0.dtype === 'complex64' ? complex64 : float32);
  const lstm = new LSTM({
    input_size: input, hidden_size: hidden, num_layers: layers, bias, batch_first: options.batch_first ?? false,
    dropout: options.dropout ?? 0, bidirectional: D === 2, proj_size: proj, device: options.device ?? null, dtype,
  });
  try { lstm.load_state_dict(own); } catch (e) { lstm.dispose(); throw e; }
  return lstm;
}
