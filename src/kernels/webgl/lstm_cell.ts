import type * as tf from '@tensorflow/tfjs-core';
import { registerCellKernel } from '../lstm_cell_kernel.js';

/**
 * `TorchLSTMCell` for tfjs's `webgl` backend: the same two per-step programs as the WGSL ones
 * (../webgpu/lstm_cell.ts), in GLSL, with the webgl backend's own sigmoid and tanh formulas
 * (tfjs-backend-webgl 4.22, unaryop_gpu and kernels/Tanh) in the reference path's order.
 */
interface WebGLBackendLike {
  runWebGLProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, customUniformValues?: number[][]): tf.TensorInfo;
}

/** The backend's own sigmoid and tanh (tfjs-backend-webgl 4.22: unaryop_gpu, kernels/Tanh). */
export const GL_ACTIVATIONS = `
      float sigmoidT(float x) { return 1.0 / (1.0 + exp(-1.0 * x)); }
      float tanhT(float x) {
        float e2x = exp(-2.0 * abs(x));
        return sign(x) * (1.0 - e2x) / (1.0 + e2x);
      }`;

class CellProgramGL {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly customUniforms = [{ name: 'row0', type: 'int' }];

  constructor(N: number, H: number, which: 'c' | 'h', bias: boolean) {
    // HH = h·W_hhᵀ (N, 4H); PRE = x·W_ihᵀ + b_ih for all steps (L·N, 4H); S = c (for c') or c' (for h').
    this.variableNames = bias ? ['HH', 'PRE', 'S', 'BHH'] : ['HH', 'PRE', 'S'];
    this.outputShape = [N, H];
    const gate = bias ? '(getHH(n, k) + getBHH(k)) + getPRE(row0 + n, k)' : 'getHH(n, k) + getPRE(row0 + n, k)';
    const body = which === 'c'
      ? `float i = sigmoidT(gate(n, j));
        float f = sigmoidT(gate(n, ${H} + j));
        float g = tanhT(gate(n, ${2 * H} + j));
        setOutput(f * getS(n, j) + i * g);`
      : `float o = sigmoidT(gate(n, ${3 * H} + j));
        setOutput(o * tanhT(getS(n, j)));`;
    this.userCode = `${GL_ACTIVATIONS}
      float gate(int n, int k) { return ${gate}; }
      void main() {
        ivec2 coords = getOutputCoords();
        int n = coords.x;
        int j = coords.y;
        ${body}
      }`;
  }
}

/** Registers `TorchLSTMCell` for the webgl backend (once). */
export function registerWebGLCell(): void {
  registerCellKernel('webgl', ({ N, H, which, bias, row0, inputs }, backend) => (backend as WebGLBackendLike)
    .runWebGLProgram(new CellProgramGL(N, H, which, bias), inputs, 'float32', [[row0]]));
}
