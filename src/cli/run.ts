import * as tf from '@tensorflow/tfjs-core';
import { lstmFromStateDict } from '../nn/lstm_from_state_dict.js';
import { load as loadNpy, save as saveNpy } from '../io/npy.js';
import { lstmPrefixes } from './inspect.js';

/** What `tfjs-torch run` needs. */
export interface RunOptions {
  input: string;
  prefix?: string;
  batchFirst: boolean;
  out?: string;
  log: (line: string) => void;
}

/** Sequences longer than this run in chunks (unidirectional LSTMs) with a progress line each. */
const CHUNK = 256;

/**
 * Runs the LSTM of a state_dict on a .npy input and writes output, h_n and c_n as .npy files.
 * Returns the output path.
 */
export async function runLSTM(sd: Record<string, tf.Tensor>, o: RunOptions): Promise<string> {
  const prefixes = lstmPrefixes(sd);
  const prefix = o.prefix ?? (prefixes.length === 1 ? prefixes[0]! : undefined);
  if (prefix === undefined) {
    throw new Error(prefixes.length === 0 ? 'run: no LSTM in this file (no key ends in weight_ih_l0)'
      : `run: the file holds several LSTMs (${prefixes.map((p) => p || '(no prefix)').join(', ')}): choose one with --prefix`);
  }
  const m = lstmFromStateDict(sd, { prefix, batch_first: o.batchFirst }).eval();
  const x = await loadNpy(o.input);
  const out = o.out ?? o.input.replace(/(\.npy)?$/, '.out.npy');
  const stem = out.replace(/\.npy$/, '');
  try {
    const started = Date.now();
    const [y, [h, c]] = forwardWithProgress(m, x, o);
    await saveNpy(y, out);
    await saveNpy(h, `${stem}.h_n.npy`);
    await saveNpy(c, `${stem}.c_n.npy`);
    o.log(`${String(m)}: input [${x.shape.join(', ')}] -> output [${y.shape.join(', ')}] in ${Date.now() - started} ms; wrote ${out}, ${stem}.h_n.npy, ${stem}.c_n.npy`);
    tf.dispose([y, h, c]);
  } finally {
    x.dispose();
    m.dispose();
  }
  return out;
}

type LSTM = ReturnType<typeof lstmFromStateDict>;

/** One forward, or, for a long unidirectional input, chunks over time carrying (h, c). */
function forwardWithProgress(m: LSTM, x: tf.Tensor, o: RunOptions): [tf.Tensor, [tf.Tensor, tf.Tensor]] {
  const timeAxis = x.rank === 3 && m.batch_first ? 1 : 0;
  const L = x.shape[timeAxis] ?? 0;
  if (m.bidirectional || L <= CHUNK) return m.forward(x);
  const outs: tf.Tensor[] = [];
  let hx: [tf.Tensor, tf.Tensor] | undefined;
  for (let t = 0; t < L; t += CHUNK) {
    const size = x.shape.map((s, i) => (i === timeAxis ? Math.min(CHUNK, L - t) : s));
    const begin = x.shape.map((_, i) => (i === timeAxis ? t : 0));
    const part = tf.slice(x, begin, size);
    const [y, next] = m.forward(part, hx);
    part.dispose();
    if (hx) tf.dispose(hx);
    hx = next;
    outs.push(y);
    o.log(`step ${Math.min(t + CHUNK, L)}/${L}`);
  }
  const y = tf.concat(outs, timeAxis);
  tf.dispose(outs);
  return [y, hx!];
}
