/**
 * Run as a child process by test/lstm-kernels.spec.ts: the first wasm forwards of a fresh Node
 * process (while V8 still runs the kernel's baseline code, its worker threads start, and the cpu
 * kernel's threads, just used for the reference, still compete for the cores) and later ones, on
 * 2 threads. Prints one JSON line: per model, whether its first forward gave the bits of its later
 * ones and stayed within 1e-5 of the cpu kernel; tensors left after the forwards (0: none leaked);
 * the thread count and the kernel build used.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setFlagsFromString } from 'node:v8';

if (process.env.TFJS_TORCH_WASM_BUILD === 'relaxed-simd') setFlagsFromString('--experimental-wasm-relaxed-simd');
const { nn, torch } = await import('tfjs-torch');
const { lastRunThreads, wasmKernelBuild } = await import('../../src/kernels/wasm/simd_runtime.js');

torch.set_num_threads(2);
await tf.setBackend('cpu');
torch.manual_seed(0);
// W1 of the benchmark (a 2-layer stack: TorchLSTMStack) and a single layer (TorchLSTMLayer).
const models = { stack: new nn.LSTM(128, 256, { num_layers: 2 }).eval(), layer: new nn.LSTM(128, 256).eval() };
const x = tf.randomNormal([100, 32, 128]);
const outputs = async (m: InstanceType<typeof nn.LSTM>, input: tf.Tensor) => {
  const [o, [h, c]] = m.forward(input);
  const out = [await o.data(), await h.data(), await c.data()] as Float32Array[];
  tf.dispose([o, h, c]);
  return out;
};
const ref = { stack: await outputs(models.stack, x), layer: await outputs(models.layer, x) };
await tf.setBackend('wasm');
const xw = tf.tensor(await x.data(), x.shape);
const result: Record<string, unknown> = {};
const tensorsBefore = tf.memory().numTensors;
for (const name of ['stack', 'layer'] as const) {
  const runs: Float32Array[][] = [];
  for (let i = 0; i < 3; i++) runs.push(await outputs(models[name], xw));
  const same = (a: Float32Array[], b: Float32Array[]) => a.every((t, k) => t.every((v, i) => Object.is(v, b[k]![i])));
  const close = runs[0]!.every((t, k) => t.every((v, i) => Math.abs(v - ref[name][k]![i]!) <= 1e-5));
  result[name] = same(runs[0]!, runs[2]!) && same(runs[1]!, runs[2]!) && close;
}
result.leakedTensors = tf.memory().numTensors - tensorsBefore; // every forward's outputs were disposed
result.threads = lastRunThreads();
result.build = wasmKernelBuild();
console.log(JSON.stringify(result));
process.exit(0);
