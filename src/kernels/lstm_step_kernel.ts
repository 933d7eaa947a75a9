import * as tf from '@tensorflow/tfjs-core';

/*
 * The float32 LSTM's GPU kernels (programs: webgpu/lstm_step.ts in WGSL, webgl/lstm_step.ts in
 * GLSL; the layer loop: lstm_gpu_layer.ts).
 */

/**
 * `TorchLSTMStep`: one whole LSTM time step (the recurrent dot products, the gate math and the
 * state update) on a packed (N, 2H) `[h | c]` state (h before any projection), from `whhT` =
 * W_hhᵀ (H_out, 4H), `pre` = x·W_ihᵀ + b_ih for all steps (L·N, 4H, read at row `row0`), `b_hh`
 * where the layer has biases, and with proj_size `hs`, this step's projected h (N, H_out), which
 * otherwise is the state's h.
 */
export const TorchLSTMStep = 'TorchLSTMStep';

/** `TorchLSTMProject`: h·W_hrᵀ from a `state` as above (its h) and `whrT` = W_hrᵀ (H, H_out). */
export const TorchLSTMProject = 'TorchLSTMProject';

/** What a backend's step program needs to know about one call. */
export interface StepCall {
  N: number;
  H: number;
  /** H_out: the recurrent dot products' length. */
  P: number;
  bias: boolean;
  /** Whether h comes from `hs` (with proj_size) instead of the state. */
  proj: boolean;
  row0: number;
  /** state, whhT, pre[, b_hh][, hs], in the programs' variable order. */
  inputs: tf.TensorInfo[];
}

/** One TorchLSTMProject call: state (N, 2H) and whrT (H, P). */
export interface ProjectCall {
  N: number;
  H: number;
  P: number;
  inputs: tf.TensorInfo[];
}

type Run<C> = (call: C, backend: unknown) => tf.TensorInfo;
const registered = new Set<string>();

/** Registers both kernels for `backendName` once. */
export function registerStepKernels(backendName: string, run: { step: Run<StepCall>; project: Run<ProjectCall> }): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  tf.registerKernel({ kernelName: TorchLSTMStep, backendName, kernelFunc: ({ inputs, backend, attrs }) => {
    const { row0 } = attrs as unknown as { row0: number };
    const state = inputs.state as tf.TensorInfo;
    const whhT = inputs.whhT as tf.TensorInfo;
    const [N, H2] = state.shape as [number, number];
    const bias = inputs.b_hh !== undefined;
    const proj = inputs.hs !== undefined;
    const ins = [state, whhT, inputs.pre as tf.TensorInfo];
    if (bias) ins.push(inputs.b_hh as tf.TensorInfo);
    if (proj) ins.push(inputs.hs as tf.TensorInfo);
    return run.step({ N, H: H2 / 2, P: whhT.shape[0]!, bias, proj, row0, inputs: ins }, backend);
  } });
  tf.registerKernel({ kernelName: TorchLSTMProject, backendName, kernelFunc: ({ inputs, backend }) => {
    const state = inputs.state as tf.TensorInfo;
    const whrT = inputs.whrT as tf.TensorInfo;
    return run.project({ N: state.shape[0]!, H: whrT.shape[0]!, P: whrT.shape[1]!, inputs: [state, whrT] }, backend);
  } });
}
