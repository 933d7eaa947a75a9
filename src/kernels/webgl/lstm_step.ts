import * as tf from '@tensorflow/tfjs-core';
import { TorchLSTMStep } from '../webgpu/lstm_step.js';
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

let registered = false;

/** Registers `TorchLSTMStep` for the webgl backend (once). Inputs: state, whhT, pre[, b_hh]; attr row0. */
export function registerWebGLStep(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: TorchLSTMStep, backendName: 'webgl', kernelFunc: ({ inputs, backend, attrs }) => {
    const { row0 } = attrs as unknown as { row0: number };
    const state = inputs.state as tf.TensorInfo;
    const [N, H2] = state.shape as [number, number];
    const bias = inputs.b_hh !== undefined;
    const ins = [state, inputs.whhT as tf.TensorInfo, inputs.pre as tf.TensorInfo];
    if (bias) ins.push(inputs.b_hh as tf.TensorInfo);
    return (backend as unknown as WebGLBackendLike).runWebGLProgram(new StepProgramGL(N, H2 / 2, bias), ins, 'float32', [[row0]]);
  } });
}
