import type * as tf from '@tensorflow/tfjs-core';
import { registerCellKernel } from '../lstm_cell_kernel.js';

/**
 * The LSTM gate math and state update of one time step as WGSL programs for tfjs's `webgpu`
 * backend, registered as the `TorchLSTMCell` kernel (webgl: ../webgl/lstm_cell.ts; the layer
 * loop: ../lstm_cell_layer.ts). Per step the op-composed path dispatches
 * about fifteen programs (bias adds, the four-way split, three sigmoids, two tanhs, products and
 * a sum); this one dispatches two after the step's matmul: `c' = σ(f)·c + σ(i)·tanh(g)` and
 * `h' = σ(o)·tanh(c')`. Each reads the step's row of the input projection in place (its row
 * offset is a uniform), so the projection is not split into L step tensors either.
 *
 * The gate pre-activations are `(h·W_hhᵀ + b_hh) + (x·W_ihᵀ + b_ih)` in that order, and σ and tanh
 * are the webgpu backend's own formulas, so it computes what the op-composed path computes on
 * webgpu. Forward only: while a gradient tape records, the recurrence takes the op-composed path,
 * whose gradients are the ones checked against PyTorch's autograd.
 */

interface WebGPUBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[]): tf.TensorInfo;
}

/** Invocations per workgroup of the cell and step programs. */
export const WORKGROUP = 64;
/** WebGPU's minimum maxComputeWorkgroupsPerDimension (one invocation per cell in the cell and step
 * programs): larger N·H take the op-composed path. */
export const MAX_WEBGPU_CELLS = 65535 * WORKGROUP;

/** The backend's own sigmoid and tanh (tfjs-backend-webgpu 4.22, unary_op_util). */
export const ACTIVATIONS = `
  fn sigmoid_(a : f32) -> f32 { return 1.0 / (1.0 + exp(-1.0 * a)); }
  fn tanh_(a : f32) -> f32 {
    let e2x = exp(-2.0 * abs(a));
    return sign(a) * (1.0 - e2x) / (1.0 + e2x);
  }`;

/** The tfjs program fields of the cell and step programs: one invocation per cell (n, j). */
export abstract class CellwiseProgram {
  readonly dispatchLayout = { x: [0, 1] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  readonly size = true;

  constructor(N: number, H: number) {
    this.dispatch = [Math.ceil((N * H) / WORKGROUP), 1, 1];
  }
}

/** One step's `c'` (which = 'c') or `h'` (which = 'h'), an (N, H) output. */
class CellProgram extends CellwiseProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly uniforms = 'row0 : i32, hidden : i32,';

  constructor(N: number, H: number, private readonly which: 'c' | 'h', private readonly bias: boolean) {
    super(N, H);
    // HH = h·W_hhᵀ (N, 4H); PRE = x·W_ihᵀ + b_ih for all steps (L·N, 4H); S = c (for c') or c' (for h').
    this.variableNames = bias ? ['HH', 'PRE', 'S', 'BHH'] : ['HH', 'PRE', 'S'];
    this.outputShape = [N, H];
    this.shaderKey = `torch_lstm_cell_${which}_${bias}`;
  }

  getUserCode(): string {
    const gate = this.bias
      ? '(HH[n * g4 + k] + BHH[k]) + PRE[(uniforms.row0 + n) * g4 + k]'
      : 'HH[n * g4 + k] + PRE[(uniforms.row0 + n) * g4 + k]';
    const body = this.which === 'c'
      ? `let i = sigmoid_(gate(n, j));
          let f = sigmoid_(gate(n, H + j));
          let g = tanh_(gate(n, 2 * H + j));
          setOutputAtIndex(index, f * S[index] + i * g);`
      : `let o = sigmoid_(gate(n, 3 * H + j));
          setOutputAtIndex(index, o * tanh_(S[index]));`;
    return `${ACTIVATIONS}
      fn gate(n : i32, k : i32) -> f32 {
        let g4 = 4 * uniforms.hidden;
        return ${gate};
      }
      fn main(index : i32) {
        if (index < uniforms.size) {
          let H = uniforms.hidden;
          let n = index / H;
          let j = index - n * H;
          ${body}
        }
      }`;
  }
}

/** Registers `TorchLSTMCell` for the webgpu backend (once). */
export function registerWebGPUCell(): void {
  registerCellKernel('webgpu', ({ N, H, which, bias, row0, inputs }, backend) => (backend as WebGPUBackendLike)
    .runWebGPUProgram(new CellProgram(N, H, which, bias), inputs, 'float32',
      [{ type: 'int32', data: [row0] }, { type: 'int32', data: [H] }]));
}
