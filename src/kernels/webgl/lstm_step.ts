import type * as tf from '@tensorflow/tfjs-core';
import { registerStepKernel } from '../lstm_cell_kernel.js';
import { GL_ACTIVATIONS } from './lstm_cell.js';

/**
 * `TorchLSTMStep` for tfjs's `webgl` backend: one whole time step as one GLSL program over the
 * packed (N, 2H) `[h | c]` state, as the WGSL one (../webgpu/lstm_step.ts). A fragment writes one
 * value, so the fragments of h'(n, j) and c'(n, j) both compute cell (n, j)'s four gate dot
 * products (twice the recurrent multiply-adds, one draw instead of three: matmul, c', h').
 * σ and tanh are the webgl backend's own formulas, as in ./lstm_cell.ts.
 */
interface WebGLBackendLike {
  runWebGLProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, customUniformValues?: number[][]): tf.TensorInfo;
}

class StepProgramGL {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly customUniforms = [{ name: 'row0', type: 'int' }];

  constructor(N: number, H: number, bias: boolean) {
    // S = [h | c] (N, 2H); W = W_hhᵀ (H, 4H); PRE = x·W_ihᵀ + b_ih for all steps (L·N, 4H).
    this.variableNames = bias ? ['S', 'W', 'PRE', 'BHH'] : ['S', 'W', 'PRE'];
    this.outputShape = [N, 2 * H];
    const b = (k: string) => (bias ? ` + getBHH(${k})` : '');
    this.userCode = `${GL_ACTIVATIONS}
      void main() {
        ivec2 coords = getOutputCoords();
        int n = coords.x;
        int j = coords.y < ${H} ? coords.y : coords.y - ${H};
        float si = 0.0; float sf = 0.0; float sg = 0.0; float so = 0.0;
        for (int k = 0; k < ${H}; k++) {
          float hk = getS(n, k);
          si += hk * getW(k, j);
          sf += hk * getW(k, j + ${H});
          sg += hk * getW(k, j + ${2 * H});
          so += hk * getW(k, j + ${3 * H});
        }
        int r = row0 + n;
        float i = sigmoidT((si${b('j')}) + getPRE(r, j));
        float f = sigmoidT((sf${b(`j + ${H}`)}) + getPRE(r, j + ${H}));
        float g = tanhT((sg${b(`j + ${2 * H}`)}) + getPRE(r, j + ${2 * H}));
        float c = f * getS(n, j + ${H}) + i * g;
        if (coords.y < ${H}) {
          float o = sigmoidT((so${b(`j + ${3 * H}`)}) + getPRE(r, j + ${3 * H}));
          setOutput(o * tanhT(c));
        } else {
          setOutput(c);
        }
      }`;
  }
}

/** Registers `TorchLSTMStep` for the webgl backend (once). */
export function registerWebGLStep(): void {
  registerStepKernel('webgl', ({ N, H, bias, row0, inputs }, backend) => (backend as WebGLBackendLike)
    .runWebGLProgram(new StepProgramGL(N, H, bias), inputs, 'float32', [[row0]]));
}
