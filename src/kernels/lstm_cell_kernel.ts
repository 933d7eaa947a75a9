import * as tf from '@tensorflow/tfjs-core';

/**
 * The `TorchLSTMCell` kernel: one LSTM time step's gate math and state update on a GPU backend,
 * `c' = σ(f)·c + σ(i)·tanh(g)` (which = 'c') or `h' = σ(o)·tanh(c')` (which = 'h'), from
 * `hh` = h·W_hhᵀ (N, 4H), `pre` = x·W_ihᵀ + b_ih for all steps (L·N, 4H, read at row `row0`),
 * `state` (c or c', N×H) and `b_hh` where the layer has biases. Programs: webgpu/lstm_cell.ts
 * (WGSL), webgl/lstm_cell.ts (GLSL); the layer loop: lstm_cell_layer.ts.
 */
export const TorchLSTMCell = 'TorchLSTMCell';

/** What a backend's program needs to know about one call. */
export interface CellCall {
  N: number;
  H: number;
  which: 'c' | 'h';
  bias: boolean;
  row0: number;
  /** hh, pre, state[, b_hh], in the programs' variable order. */
  inputs: tf.TensorInfo[];
}

const registered = new Set<string>();

/** Registers `TorchLSTMCell` for `backendName` once, running `run` for each call. */
export function registerCellKernel(backendName: string, run: (call: CellCall, backend: unknown) => tf.TensorInfo): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  tf.registerKernel({ kernelName: TorchLSTMCell, backendName, kernelFunc: ({ inputs, backend, attrs }) => {
    const { which, row0 } = attrs as unknown as { which: 'c' | 'h'; row0: number };
    const hh = inputs.hh as tf.TensorInfo;
    const [N, G] = hh.shape as [number, number];
    const bias = inputs.b_hh !== undefined;
    const ins = [hh, inputs.pre as tf.TensorInfo, inputs.state as tf.TensorInfo];
    if (bias) ins.push(inputs.b_hh as tf.TensorInfo);
    return run({ N, H: G / 4, which, bias, row0, inputs: ins }, backend);
  } });
}

/**
 * The `TorchLSTMStep` kernel: one whole LSTM time step (recurrent dot products, gate math, state
 * update) on a packed (N, 2H) `[h | c]` state, from `whhT` = W_hhᵀ (H, 4H), `pre` as above (read at
 * row `row0`) and `b_hh` where the layer has biases; layers without proj_size. Programs:
 * webgpu/lstm_step.ts (WGSL), webgl/lstm_step.ts (GLSL); the layer loop: lstm_cell_layer.ts.
 */
export const TorchLSTMStep = 'TorchLSTMStep';

/** What a backend's step program needs to know about one call. */
export interface StepCall {
  N: number;
  H: number;
  bias: boolean;
  row0: number;
  /** state, whhT, pre[, b_hh], in the programs' variable order. */
  inputs: tf.TensorInfo[];
}

const stepRegistered = new Set<string>();

/** Registers `TorchLSTMStep` for `backendName` once, running `run` for each call. */
export function registerStepKernel(backendName: string, run: (call: StepCall, backend: unknown) => tf.TensorInfo): void {
  if (stepRegistered.has(backendName)) return;
  stepRegistered.add(backendName);
  tf.registerKernel({ kernelName: TorchLSTMStep, backendName, kernelFunc: ({ inputs, backend, attrs }) => {
    const { row0 } = attrs as unknown as { row0: number };
    const state = inputs.state as tf.TensorInfo;
    const [N, H2] = state.shape as [number, number];
    const bias = inputs.b_hh !== undefined;
    const ins = [state, inputs.whhT as tf.TensorInfo, inputs.pre as tf.TensorInfo];
    if (bias) ins.push(inputs.b_hh as tf.TensorInfo);
    return run({ N, H: H2 / 2, bias, row0, inputs: ins }, backend);
  } });
}
