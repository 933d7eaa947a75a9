import type * as tf from '@tensorflow/tfjs-core';

/**
 * What the WGSL LSTM programs (./lstm_step.ts, ./lstm_complex.ts) share: tfjs-backend-webgpu's
 * program fields for one invocation per cell, and the backend's own σ and tanh.
 */

/** Invocations per workgroup of the step programs. */
export const WORKGROUP = 64;
/** WebGPU's minimum maxComputeWorkgroupsPerDimension (one invocation per cell in the step
 * programs): larger N·H take the op-composed path. */
export const MAX_WEBGPU_CELLS = 65535 * WORKGROUP;

/** The backend's own sigmoid and tanh (tfjs-backend-webgpu 4.22, unary_op_util). */
export const ACTIVATIONS = `
  fn sigmoid_(a : f32) -> f32 { return 1.0 / (1.0 + exp(-1.0 * a)); }
  fn tanh_(a : f32) -> f32 {
    let e2x = exp(-2.0 * abs(a));
    return sign(a) * (1.0 - e2x) / (1.0 + e2x);
  }`;

/** The tfjs program fields of a program with one invocation per cell (n, j) of an (N, H) grid. */
export abstract class CellwiseProgram {
  readonly dispatchLayout = { x: [0, 1] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  readonly size = true;

  /** Invocations for an (N, H) grid; the rest are the program's own tfjs fields. */
  constructor(N: number, H: number, readonly variableNames: string[], readonly outputShape: number[],
    readonly shaderKey: string, readonly uniforms: string) {
    this.dispatch = [Math.ceil((N * H) / WORKGROUP), 1, 1];
  }
}

/** What tfjs's webgpu backend offers the kernels (its `runWebGPUProgram`). */
export interface WebGPUBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[]): tf.TensorInfo;
}

/** An int32 uniform's value, as runWebGPUProgram takes it. */
export const i32 = (v: number): { type: string; data: number[] } => ({ type: 'int32', data: [v] });
