import { registerStepKernels } from '../lstm_step_kernel.js';
import { ACTIVATIONS, CellwiseProgram, type WebGPUBackendLike, i32 } from './program.js';

/**
 * One whole LSTM time step as a single WGSL dispatch for tfjs's `webgpu` backend, registered as
 * `TorchLSTMStep` (../lstm_step_kernel.ts), and with proj_size the projection `TorchLSTMProject`.
 * The state travels packed as one (N, 2H) tensor `[h | c]`; each invocation owns one cell (n, j):
 * it computes the four gate pre-activations
 * `(h·W_hhᵀ)[n, q·H + j] + b_hh + pre[row0 + n]` (the dot product over k in order, like a naive
 * matmul; h is the state's, or with proj_size the projected `HS`), then
 * `c' = σ(f)·c + σ(i)·tanh(g)` and `h' = σ(o)·tanh(c')` with the backend's own σ and tanh, and
 * writes both. Per step that is 1 dispatch (2 with proj_size) where the op-composed path needs ~15.
 */
class StepProgram extends CellwiseProgram {
  constructor(N: number, H: number, private readonly bias: boolean, private readonly proj: boolean) {
    // S = [h | c] (N, 2H); W = W_hhᵀ (H_out, 4H); PRE = x·W_ihᵀ + b_ih for all steps (L·N, 4H);
    // HS = this step's projected h (N, H_out), with proj_size.
    super(N, H, ['S', 'W', 'PRE', ...(bias ? ['BHH'] : []), ...(proj ? ['HS'] : [])], [N, 2 * H],
      `torch_lstm_step_${bias}_${proj}`, 'row0 : i32, hidden : i32, inner : i32, cells : i32,');
  }

  getUserCode(): string {
    const b = (k: string) => (this.bias ? ` + BHH[${k}]` : '');
    return `${ACTIVATIONS}
      fn main(index : i32) {
        if (index < uniforms.cells) {
          let H = uniforms.hidden;
          let P = uniforms.inner;
          let g4 = 4 * H;
          let n = index / H;
          let j = index - n * H;
          var si = 0.0; var sf = 0.0; var sg = 0.0; var so = 0.0;
          for (var k = 0; k < P; k++) {
            let hk = ${this.proj ? 'HS[n * P + k]' : 'S[n * 2 * H + k]'};
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

/** h·W_hrᵀ (N, P) from the state S = [h | c] (N, 2H) and WR = W_hrᵀ (H, P), summed over k in order. */
class ProjectProgram extends CellwiseProgram {
  constructor(N: number, P: number) {
    super(N, P, ['S', 'WR'], [N, P], 'torch_lstm_project', 'hidden : i32, outs : i32,');
  }

  getUserCode(): string {
    return `fn main(index : i32) {
        if (index < uniforms.size) {
          let H = uniforms.hidden;
          let P = uniforms.outs;
          let n = index / P;
          let p = index - n * P;
          var s = 0.0;
          for (var k = 0; k < H; k++) { s = s + S[n * 2 * H + k] * WR[k * P + p]; }
          setOutputAtIndex(index, s);
        }
      }`;
  }
}

/** Registers `TorchLSTMStep` and `TorchLSTMProject` for the webgpu backend (once). */
export function registerWebGPUStep(): void {
  registerStepKernels('webgpu', {
    step: ({ N, H, P, bias, proj, row0, inputs }, backend) => (backend as WebGPUBackendLike)
      .runWebGPUProgram(new StepProgram(N, H, bias, proj), inputs, 'float32', [i32(row0), i32(H), i32(P), i32(N * H)]),
    project: ({ N, H, P, inputs }, backend) => (backend as WebGPUBackendLike)
      .runWebGPUProgram(new ProjectProgram(N, P), inputs, 'float32', [i32(H), i32(P)]),
  });
}
