import * as tf from '@tensorflow/tfjs-core';
import { lstmFromStateDict } from '../nn/lstm_from_state_dict.js';

/** The prefixes under which a state_dict holds an LSTM (keys ending in `weight_ih_l0`). */
export function lstmPrefixes(sd: Record<string, tf.Tensor>): string[] {
  return Object.keys(sd).filter((k) => k.endsWith('weight_ih_l0')).map((k) => k.slice(0, -'weight_ih_l0'.length));
}

/** `tfjs-torch inspect`: every tensor (name, dtype, shape, bytes) and the LSTMs it describes. */
export function inspectReport(file: string, sd: Record<string, tf.Tensor>): string {
  const rows = Object.entries(sd).map(([name, t]) => {
    const bytes = t.size * (t.dtype === 'complex64' ? 8 : 4);
    return [name, t.dtype, `[${t.shape.join(', ')}]`, String(bytes)];
  });
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['name', 'dtype', 'shape'][c]!.length));
  const line = (r: string[]) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]!.padEnd(widths[2]!)}  ${r[3]}`;
  const total = rows.reduce((s, r) => s + Number(r[3]), 0);
  const out = [`${file}: ${rows.length} tensors, ${total} bytes`, line(['name', 'dtype', 'shape', 'bytes']), ...rows.map(line)];
  const prefixes = lstmPrefixes(sd);
  out.push('', prefixes.length ? 'LSTMs:' : 'LSTMs: none found (no key ends in weight_ih_l0)');
  for (const prefix of prefixes) {
    try {
      const m = lstmFromStateDict(sd, { prefix });
      out.push(`  ${prefix || '(no prefix)'}: ${String(m)}${m.dtype.is_complex ? ' [complex64]' : ''}`);
      m.dispose();
    } catch (e) {
      out.push(`  ${prefix || '(no prefix)'}: not a complete LSTM: ${(e as Error).message}`);
    }
  }
  return out.join('\n');
}
