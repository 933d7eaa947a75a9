import type * as tf from '@tensorflow/tfjs-core';
import { registerStepKernels } from '../lstm_step_kernel.js';

/**
 * `TorchLSTMStep` and `TorchLSTMProject` for tfjs's `webgl` backend: the WGSL programs of
 * ../webgpu/lstm_step.ts in GLSL, over the packed (N, 2H) `[h | c]` state. A fragment writes one
 * value, so the fragments of h'(n, j) and c'(n, j) both compute cell (n, j)'s four gate dot
 * products (twice the recurrent multiply-adds, one draw instead of three: matmul, c', h').
 */
interface WebGLBackendLike {
  runWebGLProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, customUniformValues?: number[][]): tf.TensorInfo;
}

/** The backend's own sigmoid and tanh (tfjs-backend-webgl 4.22: unaryop_gpu, kernels/Tanh). */
const GL_ACTIVATIONS = `
      float sigmoidT(float x) { return 1.0 / (1.0 + exp(-1.0 * x)); }
      float tanhT(float x) {
        float e2x = exp(-2.0 * abs(x));
        return sign(x) * (1.0 - e2x) / (1.0 + e2x);
      }`;

class StepProgramGL {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly customUniforms = [{ name: 'row0', type: 'int' }];

  constructor(N: number, H: number, P: number, bias: boolean, proj: boolean) {
    // S = [h | c] (N, 2H); W = W_hhᵀ (H_out, 4H); PRE = x·W_ihᵀ + b_ih for all steps (L·N, 4H);
    // HS = this step's projected h (N, H_out), with proj_size.
    this.variableNames = ['S', 'W', 'PRE', ...(bias ? ['BHH'] : []), ...(proj ? ['HS'] : [])];
    this.outputShape = [N, 2 * H];
    const b = (k: string) => (bias ? ` + getBHH(${k})` : '');
    this.userCode = `${GL_ACTIVATIONS}
      void main() {
        ivec2 coords = getOutputCoords();
        int n = coords.x;
        int j = coords.y < ${H} ? coords.y : coords.y - ${H};
        float si = 0.0; float sf = 0.0; float sg = 0.0; float so = 0.0;
        for (int k = 0; k < ${P}; k++) {
          float hk = ${proj ? 'getHS(n, k)' : 'getS(n, k)'};
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

class ProjectProgramGL {
  readonly variableNames = ['S', 'WR'];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(N: number, H: number, P: number) {
    this.outputShape = [N, P];
    this.userCode = `void main() {
        ivec2 coords = getOutputCoords();
        float s = 0.0;
        for (int k = 0; k < ${H}; k++) { s += getS(coords.x, k) * getWR(k, coords.y); }
        setOutput(s);
      }`;
  }
}

/** Registers `TorchLSTMStep` and `TorchLSTMProject` for the webgl backend (once). */
export function registerWebGLStep(): void {
  registerStepKernels('webgl', {
    step: ({ N, H, P, bias, proj, row0, inputs }, backend) => (backend as WebGLBackendLike)
      .runWebGLProgram(new StepProgramGL(N, H, P, bias, proj), inputs, 'float32', [[row0]]),
    project: ({ N, H, P, inputs }, backend) => (backend as WebGLBackendLike)
      .runWebGLProgram(new ProjectProgramGL(N, H, P), inputs, 'float32'),
  });
}
