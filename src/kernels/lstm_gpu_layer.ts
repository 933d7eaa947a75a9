import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights } from '../functional/lstm.js';
import { TorchLSTMProject, TorchLSTMStep } from './lstm_step_kernel.js';
import { MAX_WEBGPU_CELLS } from './webgpu/program.js';
import { registerWebGPUStep } from './webgpu/lstm_step.js';
import { registerWebGLStep } from './webgl/lstm_step.js';

/*
 * The float32 LSTM layer loop around the GPU kernels (webgpu/lstm_step.ts, webgl/lstm_step.ts):
 * one `TorchLSTMStep` program per step, plus one `TorchLSTMProject` with proj_size.
 */

/** Whether a gradient tape is recording (then the differentiable op-composed path must run). */
export function taping(): boolean {
  const engine = tf.engine() as unknown as { state: { gradientDepth: number } };
  return engine.state.gradientDepth > 0;
}

/**
 * One layer and direction on webgpu or webgl with the step kernel, or null where it does not
 * apply (another backend, a gradient being recorded, N·H beyond one webgpu dispatch). Same
 * contract as the op-composed `lstmLayer`: x (L, N, H_in) → output (L, N, H_out), final h and c.
 * The state is packed as (N, 2H) `[h | c]`; without proj_size the states of all steps are
 * stacked once at the end and split into output, h_n, c_n; with it, the projected h of each step.
 */
export function fusedLayerGpu(x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: LayerWeights, reverse: boolean):
  { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } | null {
  const [L, N, I] = x.shape as [number, number, number];
  const H = w.w_ih.shape[0]! / 4;
  const backend = tf.getBackend();
  if ((backend !== 'webgpu' && backend !== 'webgl') || taping() || N === 0 || I === 0) return null;
  if ((backend === 'webgpu' && N * H > MAX_WEBGPU_CELLS) || (w.b_ih === undefined) !== (w.b_hh === undefined)) return null;
  if (backend === 'webgpu') registerWebGPUStep(); else registerWebGLStep();
  // x·W_ihᵀ + b_ih for all steps: one matmul and one add, as the op-composed path computes it.
  const pre = tf.tidy(() => {
    const p = tf.matMul(tf.reshape(x, [L * N, I]) as tf.Tensor2D, w.w_ih as tf.Tensor2D, false, true);
    return w.b_ih ? tf.add(p, w.b_ih) : p;
  });
  const whhT = tf.transpose(w.w_hh);
  const whrT = w.w_hr ? tf.transpose(w.w_hr) : null;
  const bias = w.b_hh ? { b_hh: w.b_hh } : {};
  // With proj_size the state's h is the unprojected one, which no step reads: it starts at zeros.
  const init = tf.tidy(() => tf.concat([whrT ? tf.zeros([N, H]) : h0, c0], 1));
  let state = init;
  let hs = h0;
  const outs: tf.Tensor[] = new Array(L);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    const next = tf.engine().runKernel(TorchLSTMStep, { state, whhT, pre, ...bias, ...(whrT ? { hs } : {}) } as unknown as tf.NamedTensorMap,
      { row0: t * N } as unknown as tf.NamedAttrMap) as tf.Tensor;
    if (whrT) {
      if (state !== init) state.dispose();
      hs = tf.engine().runKernel(TorchLSTMProject, { state: next, whrT } as unknown as tf.NamedTensorMap, {}) as tf.Tensor;
    }
    state = next;
    outs[t] = whrT ? hs : next;
  }
  const last = outs[reverse ? 0 : L - 1]!;
  const result = tf.tidy(() => {
    const all = tf.stack(outs);
    return {
      output: whrT ? all : tf.slice(all, [0, 0, 0], [L, N, H]),
      h: whrT ? tf.clone(last) : tf.slice(last, [0, 0], [N, H]),
      c: tf.slice(state, [0, H], [N, H]),
    };
  });
  tf.dispose([init, ...outs, pre, whhT, ...(whrT ? [whrT, state] : [])]);
  return result;
}
