import * as tf from '@tensorflow/tfjs-core';

/**
 * The complex64 LSTM's GPU kernels (programs: webgpu/lstm_complex.ts in WGSL, webgl/lstm_complex.ts
 * in GLSL; the layer loop: lstm_complex_layer.ts). Complex matrices travel as one float32 tensor
 * per matrix, each row its real parts then its imaginary parts; weights as their two parts.
 *
 * `TorchComplexLinear`: `a·wᵀ (+ b)` from `a` (R, S) whose rows hold [re (K) | im (K)] at their
 * start, `w_re`, `w_im` (C, K) and optionally `b_re`, `b_im` (C): an (R, 2C) `[re | im]` result.
 */
export const TorchComplexLinear = 'TorchComplexLinear';

/**
 * `TorchLSTMComplexStep`: one whole time step, from `hs` (this step's h: rows [re (P) | im (P)] at
 * their start), `state` (the last step's output, for its c), `w_re`, `w_im` = W_hh (4H, P), `pre`
 * (L·N, 8H) = [re | im] of x·W_ihᵀ + b_ih for all steps, read at row `row0`, and optionally
 * `b_re`, `b_im` = b_hh: the (N, 4H) state `[h_re | h_im | c_re | c_im]` (h before any projection).
 */
export const TorchLSTMComplexStep = 'TorchLSTMComplexStep';

/** One TorchComplexLinear call, as the programs need it. */
export interface ComplexLinearCall {
  R: number; C: number; K: number; aStride: number; bias: boolean;
  /** a, w_re, w_im[, b_re, b_im] */
  inputs: tf.TensorInfo[];
}

/** One TorchLSTMComplexStep call, as the programs need it. */
export interface ComplexStepCall {
  N: number; H: number; P: number; hStride: number; bias: boolean; row0: number;
  /** hs, state, w_re, w_im, pre[, b_re, b_im] */
  inputs: tf.TensorInfo[];
}

type Run<C> = (call: C, backend: unknown) => tf.TensorInfo;
const registered = new Set<string>();

/** Registers both kernels for `backendName` once. */
export function registerComplexGpuKernels(backendName: string,
  run: { linear: Run<ComplexLinearCall>; step: Run<ComplexStepCall> }): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  const info = (inputs: tf.NamedTensorInfoMap, names: string[]) => names.map((n) => inputs[n] as tf.TensorInfo);
  tf.registerKernel({ kernelName: TorchComplexLinear, backendName, kernelFunc: ({ inputs, backend }) => {
    const [a, w] = info(inputs, ['a', 'w_re']) as [tf.TensorInfo, tf.TensorInfo];
    const bias = inputs.b_re !== undefined;
    const ins = info(inputs, bias ? ['a', 'w_re', 'w_im', 'b_re', 'b_im'] : ['a', 'w_re', 'w_im']);
    return run.linear({ R: a.shape[0]!, C: w.shape[0]!, K: w.shape[1]!, aStride: a.shape[1]!, bias, inputs: ins }, backend);
  } });
  tf.registerKernel({ kernelName: TorchLSTMComplexStep, backendName, kernelFunc: ({ inputs, backend, attrs }) => {
    const [hs, state, w] = info(inputs, ['hs', 'state', 'w_re']) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
    const bias = inputs.b_re !== undefined;
    const names = ['hs', 'state', 'w_re', 'w_im', 'pre'];
    const ins = info(inputs, bias ? [...names, 'b_re', 'b_im'] : names);
    const { row0 } = attrs as unknown as { row0: number };
    return run.step({ N: state.shape[0]!, H: state.shape[1]! / 4, P: w.shape[1]!, hStride: hs.shape[1]!, bias, row0, inputs: ins },
      backend);
  } });
}
