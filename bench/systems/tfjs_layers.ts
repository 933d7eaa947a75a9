/**
 * The peer `tf.layers.lstm` (TensorFlow.js Layers) with PyTorch's weights: kernel = weight_ihᵀ,
 * recurrent kernel = weight_hhᵀ, bias = b_ih + b_hh, recurrentActivation 'sigmoid';
 * stacked layers with returnSequences, tf.layers.bidirectional (mergeMode 'concat') for D = 2.
 * Layers is batch-major, so the input is transposed to (N, L, H_in) once, outside the timing.
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { maxAbsDiff, type Fixture } from '../workloads.js';
import { timeRuns } from '../stats.js';
import { tfjsBackends, skipFor, useBackend } from './tfjs_backends.js';
import { toTensor } from './tfjs_torch.js';
import { failed, skipped, type Row, type RunContext } from './types.js';

const SYSTEM = 'tf.layers.lstm';

function buildModel(f: Fixture): tf.Sequential {
  const w = f.workload;
  const model = tf.sequential();
  for (let l = 0; l < w.layers; l++) {
    const first = l === 0 ? { inputShape: [w.T, w.I] } : {};
    const cell = (extra: object) => tf.layers.lstm({
      units: w.H, returnSequences: true, activation: 'tanh', recurrentActivation: 'sigmoid',
      // The weights are overwritten below; the default orthogonal init takes seconds on large H.
      kernelInitializer: 'zeros', recurrentInitializer: 'zeros', biasInitializer: 'zeros', ...extra,
    });
    model.add(w.bidirectional
      ? tf.layers.bidirectional({ layer: cell({}) as tf.RNN, mergeMode: 'concat', ...first })
      : cell(first));
  }
  const params = new Map(f.params.map(([n, a]) => [n, a]));
  const weights: tf.Tensor[] = [];
  tf.tidy(() => {
    for (let l = 0; l < w.layers; l++) {
      for (const sfx of w.bidirectional ? ['', '_reverse'] : ['']) {
        const get = (n: string) => toTensor(params.get(`${n}_l${l}${sfx}`)!);
        weights.push(tf.keep(tf.transpose(get('weight_ih'))), tf.keep(tf.transpose(get('weight_hh'))),
          tf.keep(tf.add(get('bias_ih'), get('bias_hh'))));
      }
    }
  });
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** Runs the workload on every tfjs backend (not for proj_size or complex: Layers has neither). */
export async function runTfjsLayers(ctx: RunContext): Promise<Row[]> {
  const f = ctx.fixture;
  const w = f.workload;
  const rows: Row[] = [];
  const backends = await tfjsBackends();
  for (const b of [...backends.filter((x) => x.name !== 'cpu'), ...backends.filter((x) => x.name === 'cpu')]) {
    if (w.proj > 0) { rows.push(ctx.done(skipped(w.name, SYSTEM, b.name, 'no peer: tf.layers.lstm has no proj_size'))); continue; }
    if (w.dtype !== 'float32') { rows.push(ctx.done(skipped(w.name, SYSTEM, b.name, 'no peer: tf.layers.lstm is float32 only'))); continue; }
    if (!b.available) { rows.push(ctx.done(skipped(w.name, SYSTEM, b.name, b.note))); continue; }
    const skip = skipFor('tf.layers.lstm', b, w.name, ctx.quick);
    if (skip) {
      rows.push(ctx.done(skipped(w.name, SYSTEM, b.name, skip)));
      continue;
    }
    await useBackend(b.name);
    ctx.log(`[${w.name}] ${SYSTEM} (${b.name}): building model, checking against PyTorch`);
    let model: tf.Sequential | null = null;
    let xb: tf.Tensor | null = null;
    try {
      model = buildModel(f);
      xb = tf.tidy(() => tf.transpose(toTensor(f.input), [1, 0, 2]));
      const m = model;
      const input = xb;
      const t0 = performance.now();
      const first = m.predict(input, { batchSize: w.N }) as tf.Tensor;
      const tnf = tf.transpose(first, [1, 0, 2]);
      const diff = maxAbsDiff(await tnf.data() as Float32Array, f.output.data);
      tf.dispose([first, tnf]);
      const firstMs = performance.now() - t0;
      ctx.log(`[${w.name}] ${SYSTEM} (${b.name}): max|Δ| vs PyTorch ${diff.toExponential(2)}; timing`);
      const timing = await timeRuns(async () => {
        const y = m.predict(input, { batchSize: w.N }) as tf.Tensor;
        await y.data();
        y.dispose();
      }, ctx.policy, firstMs);
      const notes = ['output only (no h_n/c_n from a stacked Sequential)'];
      if (timing.capped) notes.push(`capped at ${timing.samples.length} runs (one run > ${ctx.policy.slowMs} ms)`);
      rows.push(ctx.done({ workload: w.name, system: SYSTEM, variant: b.name, ours: false, status: 'ok', maxAbsDiff: diff, compared: 'output', timing, note: notes.join('; ') }));
    } catch (e) {
      rows.push(ctx.done(failed(w.name, SYSTEM, b.name, e)));
    } finally {
      model?.dispose();
      xb?.dispose();
    }
  }
  await useBackend('cpu');
  return rows;
}
