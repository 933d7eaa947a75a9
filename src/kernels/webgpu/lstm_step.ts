import type * as tf from '@tensorflow/tfjs-core';
import { registerStepKernel } from '../lstm_cell_kernel.js';
import { ACTIVATIONS, CellwiseProgram } from './lstm_cell.js';

/**
 * One whole LSTM time step as a single WGSL dispatch for tfjs's `webgpu` backend, registered as
 * `TorchLSTMStep` (../lstm_cell_kernel.ts) for layers without proj_size (with one,
 * ./lstm_cell.ts's two programs follow the step's matmul). The state travels packed as one
 * (N, 2H) tensor `[h | c]`; each invocation owns one cell (n, j): it computes the four gate
 * pre-activations
 * `(h·W_hhᵀ)[n, q·H + j] + b_hh + pre[row0 + n]` (the dot product over k in order, like a naive
 * matmul), then `c' = σ(f)·c + σ(i)·tanh(g)` and `h' = σ(o)·tanh(c')`, and writes both. Per step
 * that is 1 dispatch where the cell path needs 3 (matmul, c', h') and the op-composed path ~15.
 */
interface WebGPUBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[]): tf.TensorInfo;
}

class StepProgram extends CellwiseProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly uniforms = 'row0 : i32, hidden : i32, cells : i32,';

  constructor(N: number, H: number, private readonly bias: boolean) {
    super(N, H);
    // S = [h | c] (N, 2H); W = W_hhᵀ (H, 4H); PRE = x·W_ihᵀ + b_ih for all steps (L·N, 4H).
    this.variableNames = bias ? ['S', 'W', 'PRE', 'BHH'] : ['S', 'W', 'PRE'];
    this.outputShape = [N, 2 * H];
    this.shaderKey = `torch_lstm_step_${bias}`;
  }

  getUserCode(): string {
    const b = (k: string) => (this.bias ? ` + BHH[${k}]` : '');
    return `${ACTIVATIONS}
      fn main(index : i32) {
        if (index < uniforms.cells) {
          let H = uniforms.hidden;
          let g4 = 4 * H;
          let n = index / H;
          let j = index - n * H;
          var si = 0.0; var sf = 0.0; var sg = 0.0; var so = 0.0;
          for (var k = 0; k < H; k++) {
            let hk = S[n * 2 * H + k];
            let w = k * g4 + j;
            si = si + hk * W[w];
            sf = sf + hk * W[w + H];
            sg = sg + hk * W[w + 2 * H];
            so = so + hk * W[w + 3 * H];
          }
          let p = (uniforms.row0 + n) * g4 + j;
          let i = sigmoid_((si${b('j')}) + PRE[p]);
          let f = sigmoid_((sf${b('j + H')}) + PRE[p + H]);
          let g = tanh_((sg${b('j + 2 * H')}) + PRE[p + 2 * H]);
          let o = sigmoid_((so${b('j + 3 * H')}) + PRE[p + 3 * H]);
          let c = f * S[n * 2 * H + H + j] + i * g;
          setOutputAtIndex(n * 2 * H + j, o * tanh_(c));
          setOutputAtIndex(n * 2 * H + H + j, c);
        }
      }`;
  }
}

/** Registers `TorchLSTMStep` for the webgpu backend (once). */
export function registerWebGPUStep(): void {
  registerStepKernel('webgpu', ({ N, H, bias, row0, inputs }, backend) => (backend as WebGPUBackendLike)
    .runWebGPUProgram(new StepProgram(N, H, bias), inputs, 'float32',
      [{ type: 'int32', data: [row0] }, { type: 'int32', data: [H] }, { type: 'int32', data: [N * H] }]));
}
