import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights } from '../functional/lstm.js';
import { TorchLSTMCell, TorchLSTMStep } from './lstm_cell_kernel.js';
import { MAX_WEBGPU_CELLS, registerWebGPUCell } from './webgpu/lstm_cell.js';
import { registerWebGLCell } from './webgl/lstm_cell.js';
import { registerWebGPUStep } from './webgpu/lstm_step.js';
import { registerWebGLStep } from './webgl/lstm_step.js';

/*
 * The LSTM layer loop around the GPU kernels: without proj_size one `TorchLSTMStep` program per
 * step (webgpu/lstm_step.ts, webgl/lstm_step.ts); with it, the recurrent matmul, then the cell
 * kernel `TorchLSTMCell` twice (c', then h'; webgpu/lstm_cell.ts, webgl/lstm_cell.ts).
 */

/** Whether a gradient tape is recording (then the differentiable op-composed path must run). */
export function taping(): boolean {
  const engine = tf.engine() as unknown as { state: { gradientDepth: number } };
  return engine.state.gradientDepth > 0;
}

/**
 * One layer and direction on webgpu or webgl with the fused cell kernel, or null where it does
 * not apply (another backend, a gradient being recorded, N·H beyond one webgpu dispatch). Same
 * contract as the op-composed `lstmLayer`: x (L, N, H_in) → output (L, N, H_out), final h and c.
 */
export function fusedLayerGpu(x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: LayerWeights, reverse: boolean):
  { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } | null {
  const [L, N, I] = x.shape as [number, number, number];
  const H = w.w_ih.shape[0]! / 4;
  const backend = tf.getBackend();
  if ((backend !== 'webgpu' && backend !== 'webgl') || taping() || N === 0 || I === 0) return null;
  if ((backend === 'webgpu' && N * H > MAX_WEBGPU_CELLS) || (w.b_ih === undefined) !== (w.b_hh === undefined)) return null;
  // x·W_ihᵀ + b_ih for all steps: one matmul and one add, as the op-composed path computes it.
  const pre = tf.tidy(() => {
    const p = tf.matMul(tf.reshape(x, [L * N, I]) as tf.Tensor2D, w.w_ih as tf.Tensor2D, false, true);
    return w.b_ih ? tf.add(p, w.b_ih) : p;
  });
  const whhT = tf.transpose(w.w_hh);
  const bias = w.b_hh ? { b_hh: w.b_hh } : {};
  if (!w.w_hr) return steppedLayer(backend, pre, whhT, bias, h0, c0, L, N, H, reverse);
  // With proj_size: per step the matmul, the cell kernel twice, and the projection.
  if (backend === 'webgpu') registerWebGPUCell(); else registerWebGLCell();
  const whrT = tf.transpose(w.w_hr);
  let h = h0;
  let c = c0;
  const outs: tf.Tensor[] = new Array(L);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    const [hNew, cNew] = tf.tidy(() => {
      const hh = tf.matMul(h as tf.Tensor2D, whhT as tf.Tensor2D);
      const run = (which: 'c' | 'h', state: tf.Tensor) => tf.engine().runKernel(TorchLSTMCell,
        { hh, pre, state, ...bias } as unknown as tf.NamedTensorMap, { which, row0: t * N } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const cn = run('c', c);
      const hn = tf.matMul(run('h', cn) as tf.Tensor2D, whrT as tf.Tensor2D);
      return [hn, cn];
    }) as [tf.Tensor, tf.Tensor];
    if (c !== c0) c.dispose();
    c = cNew;
    h = hNew;
    outs[t] = h;
  }
  const output = tf.stack(outs);
  for (const o of outs) if (o !== h) o.dispose();
  tf.dispose([pre, whhT, whrT]);
  return { output, h, c };
}

/**
 * The layer as one `TorchLSTMStep` dispatch per step, the state packed as (N, 2H) `[h | c]`:
 * the packed states of all steps are stacked once at the end and split into output, h_n, c_n.
 * Frees pre and whhT.
 */
function steppedLayer(backend: 'webgpu' | 'webgl', pre: tf.Tensor, whhT: tf.Tensor, bias: { b_hh?: tf.Tensor }, h0: tf.Tensor, c0: tf.Tensor,
  L: number, N: number, H: number, reverse: boolean): { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } {
  if (backend === 'webgpu') registerWebGPUStep(); else registerWebGLStep();
  const init = tf.concat([h0, c0], 1);
  let state = init;
  const states: tf.Tensor[] = new Array(L);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    state = tf.engine().runKernel(TorchLSTMStep, { state, whhT, pre, ...bias } as unknown as tf.NamedTensorMap,
      { row0: t * N } as unknown as tf.NamedAttrMap) as tf.Tensor;
    states[t] = state;
  }
  const last = states[reverse ? 0 : L - 1]!;
  const result = tf.tidy(() => {
    const all = tf.stack(states);
    return { output: tf.slice(all, [0, 0, 0], [L, N, H]), h: tf.slice(last, [0, 0], [N, H]), c: tf.slice(last, [0, H], [N, H]) };
  });
  tf.dispose([init, ...states, pre, whhT]);
  return result;
}
