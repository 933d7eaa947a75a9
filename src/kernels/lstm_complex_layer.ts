import * as tf from '@tensorflow/tfjs-core';
import type { Complex } from '../functional/complex.js';
import type { LayerWeights } from '../functional/lstm.js';
import { TorchComplexLinear, TorchLSTMComplexStep } from './lstm_complex_kernel.js';
import { taping } from './lstm_gpu_layer.js';
import { MAX_WEBGPU_CELLS } from './webgpu/program.js';
import { registerWebGPUComplex } from './webgpu/lstm_complex.js';
import { registerWebGLComplex } from './webgl/lstm_complex.js';

/** `a·wᵀ (+ b)` as TorchComplexLinear: a's rows [re (K) | im (K)] at their start; an (R, 2C) [re | im] result. */
function linear(a: tf.Tensor, w: Complex, b?: Complex): tf.Tensor {
  const inputs: Record<string, tf.Tensor> = { a, w_re: w.re, w_im: w.im };
  if (b) { inputs.b_re = b.re; inputs.b_im = b.im; }
  return tf.engine().runKernel(TorchComplexLinear, inputs as unknown as tf.NamedTensorMap, {}) as tf.Tensor;
}

/**
 * One complex64 layer and direction on webgpu or webgl as GPU kernels (lstm_complex_kernel.ts):
 * the input projection for all steps in one TorchComplexLinear dispatch, then per step one
 * TorchLSTMComplexStep dispatch (plus, with proj_size, one TorchComplexLinear for h·W_hrᵀ).
 * Null where it does not apply (another backend, a gradient being recorded, an empty input,
 * more cells than one webgpu dispatch takes); the caller then composes the layer from tfjs ops.
 * Same contract as the op-composed layer: x (L, N, H_in) → output (L, N, H_out), final h and c.
 */
export function fusedComplexLayerGpu(x: Complex, h0: Complex, c0: Complex, w: LayerWeights<Complex>, reverse: boolean):
  { output: Complex; h: Complex; c: Complex } | null {
  const backend = tf.getBackend();
  const [L, N, I] = x.re.shape as [number, number, number];
  const H = w.w_ih.re.shape[0]! / 4;
  const P = w.w_hh.re.shape[1]!;
  if ((backend !== 'webgpu' && backend !== 'webgl') || taping() || L === 0 || N === 0 || I === 0) return null;
  if (backend === 'webgpu' && L * N * 4 * H > MAX_WEBGPU_CELLS) return null;
  if (backend === 'webgpu') registerWebGPUComplex(); else registerWebGLComplex();
  const pre = tf.tidy(() => linear(tf.concat([tf.reshape(x.re, [L * N, I]), tf.reshape(x.im, [L * N, I])], 1), w.w_ih, w.b_ih));
  const bias: Record<string, tf.Tensor> = w.b_hh ? { b_re: w.b_hh.re, b_im: w.b_hh.im } : {};
  // The state [h_re | h_im | c_re | c_im] (N, 4H); with a projection, h travels apart as [re | im] (N, 2P).
  const init = tf.tidy(() => tf.concat(w.w_hr ? [tf.zeros([N, 2 * H]), c0.re, c0.im] : [h0.re, h0.im, c0.re, c0.im], 1));
  let state = init;
  let hs = w.w_hr ? tf.concat([h0.re, h0.im], 1) : state;
  const firstHs = hs;
  const outs: tf.Tensor[] = new Array(L);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    const next = tf.engine().runKernel(TorchLSTMComplexStep,
      { hs, state, w_re: w.w_hh.re, w_im: w.w_hh.im, pre, ...bias } as unknown as tf.NamedTensorMap,
      { row0: t * N } as unknown as tf.NamedAttrMap) as tf.Tensor;
    if (w.w_hr) {
      state.dispose();
      hs = linear(next, w.w_hr);
    } else {
      hs = next;
    }
    state = next;
    outs[t] = hs;
  }
  const last = outs[reverse ? 0 : L - 1]!;
  const result = tf.tidy(() => {
    const all = tf.stack(outs);
    return {
      output: { re: tf.slice(all, [0, 0, 0], [L, N, P]), im: tf.slice(all, [0, 0, P], [L, N, P]) },
      h: { re: tf.slice(last, [0, 0], [N, P]), im: tf.slice(last, [0, P], [N, P]) },
      c: { re: tf.slice(state, [0, 2 * H], [N, H]), im: tf.slice(state, [0, 3 * H], [N, H]) },
    };
  });
  tf.dispose([pre, ...outs, ...(w.w_hr ? [state, firstHs] : [init])]);
  return result;
}
