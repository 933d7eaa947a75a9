/**
 * This library (`tfjs-torch`'s nn.LSTM) on each tfjs backend, with the weights PyTorch exported.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { nn, torch } from 'tfjs-torch';
import type { NpyArray } from '../npy.js';
import { maxAbsDiff, type Fixture } from '../workloads.js';
import { timeRuns } from '../stats.js';
import { tfjsBackends, skipFor, useBackend } from './tfjs_backends.js';
import { setFlagsFromString } from 'node:v8';
import { allowRelaxedSimd, kernelMemoryBytes, wasmKernelBuild } from '../../src/kernels/wasm/simd_runtime.js';
import { failed, skipped, WASM_RELAXED, type MemoryStats, type Row, type RunContext } from './types.js';

const SYSTEM = 'tfjs-torch';

/** A tfjs tensor from a .npy array (complex64 via tf.complex). */
export function toTensor(a: NpyArray): tf.Tensor {
  if (a.dtype === 'float32') return tf.tensor(a.data, a.shape, 'float32');
  const n = a.data.length / 2;
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  for (let i = 0; i < n; i++) { re[i] = a.data[2 * i]!; im[i] = a.data[2 * i + 1]!; }
  return tf.tidy(() => tf.complex(tf.tensor(re, a.shape), tf.tensor(im, a.shape)));
}

function build(f: Fixture): InstanceType<typeof nn.LSTM> {
  const w = f.workload;
  const lstm = new nn.LSTM({
    input_size: w.I, hidden_size: w.H, num_layers: w.layers, bidirectional: w.bidirectional,
    proj_size: w.proj, dtype: w.dtype === 'complex64' ? torch.complex64 : torch.float32,
  });
  lstm.eval();
  const sd: Record<string, tf.Tensor> = {};
  for (const [name, arr] of f.params) sd[name] = toTensor(arr);
  lstm.load_state_dict(sd);
  for (const t of Object.values(sd)) t.dispose();
  return lstm;
}

/** Errors that say a feature is missing (reported as skipped, not failed). */
function isNotSupported(e: unknown): boolean {
  return e instanceof Error && /not supported|not available/i.test(e.message);
}

/**
 * Runs the workload on every tfjs backend: checks against PyTorch's output, h_n and c_n, times
 * `forward` + reading the output, and measures tensor memory on the first non-cpu backend.
 */
export async function runTfjsTorch(ctx: RunContext): Promise<Row[]> {
  const f = ctx.fixture;
  const w = f.workload.name;
  const rows: Row[] = [];
  const backends = await tfjsBackends();
  // Fastest first; tensor memory is measured once, on the first backend that runs the workload.
  let memoryDone = false;
  // wasm twice: the kernel's SIMD build, then its relaxed-SIMD (fused multiply-add) build.
  const runs = [...backends.filter((x) => x.name !== 'cpu'), ...backends.filter((x) => x.name === 'cpu')]
    .flatMap((b) => (b.name === 'wasm' ? [{ b, variant: 'wasm' }, { b, variant: WASM_RELAXED }] : [{ b, variant: b.name }]));
  for (const { b, variant } of runs) {
    if (!b.available) { rows.push(ctx.done(skipped(w, SYSTEM, variant, b.note, true))); continue; }
    const skip = skipFor('tfjs-torch', b, w, ctx.quick);
    if (skip) {
      rows.push(ctx.done(skipped(w, SYSTEM, variant, skip, true)));
      continue;
    }
    await useBackend(b.name);
    if (b.name === 'wasm') {
      // Node 20 validates relaxed SIMD only with this V8 flag (Node >= 22 by default).
      if (variant === WASM_RELAXED) setFlagsFromString('--experimental-wasm-relaxed-simd');
      allowRelaxedSimd(variant === WASM_RELAXED);
    }
    ctx.log(`[${w}] ${SYSTEM} (${variant}): loading weights, checking against PyTorch`);
    let lstm: InstanceType<typeof nn.LSTM> | null = null;
    let x: tf.Tensor | null = null;
    try {
      lstm = build(f);
      x = toTensor(f.input);
      const t0 = performance.now();
      const [out, [h, c]] = lstm.forward(x);
      const diff = Math.max(maxAbsDiff(await out.data() as Float32Array, f.output.data),
        maxAbsDiff(await h.data() as Float32Array, f.h_n.data), maxAbsDiff(await c.data() as Float32Array, f.c_n.data));
      tf.dispose([out, h, c]);
      const firstMs = performance.now() - t0;
      const kernelBuild = b.name === 'wasm' ? wasmKernelBuild() : null;
      if (kernelBuild && kernelBuild !== (variant === WASM_RELAXED ? 'relaxed-simd' : 'simd')) {
        rows.push(ctx.done(skipped(w, SYSTEM, variant, `skipped: the engine ran the ${kernelBuild} build (relaxed SIMD not available)`, true)));
        continue;
      }
      const model = lstm;
      const input = x;
      let memory: MemoryStats | undefined;
      const baseBytes = tf.memory().numBytes;
      const baseTensors = tf.memory().numTensors;
      if (!memoryDone) {
        memoryDone = true;
        const prof = await tf.profile(async () => {
          const [o, [hh, cc]] = model.forward(input);
          await o.data();
          tf.dispose([o, hh, cc]);
        });
        memory = { backend: variant, baselineBytes: baseBytes, peakExtraBytes: prof.peakBytes - baseBytes, steadyExtraBytes: 0, steadyExtraTensors: 0 };
      }
      ctx.log(`[${w}] ${SYSTEM} (${variant}): max|Δ| vs PyTorch ${diff.toExponential(2)}; timing`);
      const timing = await timeRuns(async () => {
        const [o, [hh, cc]] = model.forward(input);
        await o.data();
        tf.dispose([o, hh, cc]);
      }, ctx.policy, firstMs);
      if (memory) {
        memory.steadyExtraBytes = tf.memory().numBytes - baseBytes;
        memory.steadyExtraTensors = tf.memory().numTensors - baseTensors;
        if (b.name === 'wasm') memory.kernelBytes = kernelMemoryBytes();
      }
      const note = timing.capped ? `capped at ${timing.samples.length} runs (one run > ${ctx.policy.slowMs} ms)` : undefined;
      rows.push(ctx.done({ workload: w, system: SYSTEM, variant, ours: true, status: 'ok', maxAbsDiff: diff, compared: 'output,h_n,c_n', timing, memory, note }));
    } catch (e) {
      rows.push(ctx.done(isNotSupported(e) ? skipped(w, SYSTEM, variant, `skipped: ${(e as Error).message}`, true) : failed(w, SYSTEM, variant, e, true)));
    } finally {
      lstm?.dispose();
      x?.dispose();
    }
  }
  await useBackend('cpu');
  return rows;
}
