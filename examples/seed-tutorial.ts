/**
 * `npm start`: replays the seed tutorial (a PyTorch walk-through of nn.LSTM) with tfjs-torch and
 * says, for every object it prints, whether it agrees with the values real PyTorch produced
 * (fixtures/lstm/tutorial.json, written by compat/make_fixtures.py).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { nn, torch } from 'tfjs-torch';

interface T { shape: number[]; dtype: string; data: number[] }
interface Step { title: string; seed: string | null; continue?: boolean; config: { input_size: number; hidden_size: number; dtype?: string };
  input: T; repr: string; params?: Record<string, T>; output: T; h_n: T; c_n: T }

const steps: Step[] = JSON.parse(readFileSync(new URL('../fixtures/lstm/tutorial.json', import.meta.url), 'utf8')).steps;
const ATOL = 1e-5;
let agreed = 0;
let total = 0;

function toTensor(t: T): tf.Tensor {
  if (t.dtype !== 'complex64') return tf.tensor(t.data, t.shape);
  const re = t.data.filter((_, i) => i % 2 === 0);
  const im = t.data.filter((_, i) => i % 2 === 1);
  return tf.tidy(() => tf.complex(tf.tensor(re, t.shape), tf.tensor(im, t.shape)));
}

function flat(x: tf.Tensor): number[] {
  if (x.dtype !== 'complex64') return Array.from(x.dataSync());
  const [re, im] = [tf.real(x), tf.imag(x)];
  const r = re.dataSync(); const i = im.dataSync();
  tf.dispose([re, im]);
  return Array.from(r).flatMap((v, k) => [v, i[k]!]);
}

function check(label: string, got: tf.Tensor, want: T, bitExact = false): void {
  const a = flat(got);
  const diff = a.length === want.data.length
    ? Math.max(0, ...a.map((v, k) => Math.abs(v - Math.fround(want.data[k]!)))) : Infinity;
  const ok = bitExact ? diff === 0 : diff <= ATOL;
  total++; if (ok) agreed++;
  console.log(`${label}\n${torch.format(got)}`);
  console.log(`  ${ok ? 'agrees with PyTorch' : 'DISAGREES with PyTorch'} (max |diff| ${diff.toExponential(1)}${bitExact ? ', bit-exact required' : ''})\n`);
}

let lstm2: InstanceType<typeof nn.LSTM> | null = null;
for (const step of steps) {
  console.log(`>>> ${step.title}`);
  let m: InstanceType<typeof nn.LSTM>;
  if (step.continue && lstm2) m = lstm2;
  else {
    torch.manual_seed(BigInt(step.seed ?? 42));
    const { dtype, ...cfg } = step.config;
    m = new nn.LSTM({ ...cfg, dtype: dtype === 'complex64' ? torch.complex64 : torch.float32 });
    if (step.title.startsWith('lstm2')) lstm2 = m;
  }
  const reprOk = String(m) === step.repr;
  total++; if (reprOk) agreed++;
  console.log(`${String(m)}  (${reprOk ? 'agrees with' : 'DIFFERS from'} PyTorch's repr ${step.repr})`);
  for (const [name, p] of Object.entries(step.params ?? {})) check(`${name} (after torch.manual_seed(${step.seed}))`, m[name as `weight_${string}`], p, true);
  const x = toTensor(step.input);
  const [out, [h, c]] = m.forward(x);
  check('output', out, step.output);
  check('h_n', h, step.h_n);
  check('c_n', c, step.c_n);
  tf.dispose([x, out, h, c]);
  if (m !== lstm2) m.dispose();
}
lstm2?.dispose();
console.log(`${agreed} of ${total} printed objects agree with PyTorch.`);
process.exitCode = agreed === total ? 0 : 1;
