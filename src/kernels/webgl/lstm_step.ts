import { registerStepKernels } from '../lstm_step_kernel.js';
import { ROW0, type WebGLBackendLike, glProgram } from './program.js';

/**
 * `TorchLSTMStep` and `TorchLSTMProject` for tfjs's `webgl` backend: the WGSL programs of
 * ../webgpu/lstm_step.ts in GLSL, over the packed (N, 2H) `[h | c]` state. A fragment writes one
 * value, so the fragments of h'(n, j) and c'(n, j) both compute cell (n, j)'s four gate dot
 * products (twice the recurrent multiply-adds, one draw instead of three: matmul, c', h').
 */

/** The backend's own sigmoid and tanh (tfjs-backend-webgl 4.22: unaryop_gpu, kernels/Tanh). */
const GL_ACTIVATIONS = `
      float sigmoidT(float x) { return 1.0 / (1.0 + exp(-1.0 * x)); }
      float tanhT(float x) {
        float e2x = exp(-2.0 * abs(x));
        return sign(x) * (1.0 - e2x) / (1.0 + e2x);
      }`;

/** One step: the (N, 2H) state [h | c] after it. */
function stepProgram(N: number, H: number, P: number, bias: boolean, proj: boolean): object {
  // S = [h | c] (N, 2H); W = W_hhᵀ (H_out, 4H); PRE = x·W_ihᵀ + b_ih for all steps (L·N, 4H);
  // HS = this step's projected h (N, H_out), with proj_size.
  const b = (k: string) => (bias ? ` + getBHH(${k})` : '');
  return glProgram(['S', 'W', 'PRE', ...(bias ? ['BHH'] : []), ...(proj ? ['HS'] : [])], [N, 2 * H], `${GL_ACTIVATIONS}
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
      }`, [ROW0]);
}

/** h·W_hrᵀ (N, P) from the state S = [h | c] (N, 2H) and WR = W_hrᵀ (H, P), summed over k in order. */
function projectProgram(N: number, H: number, P: number): object {
  return glProgram(['S', 'WR'], [N, P], `void main() {
      ivec2 coords = getOutputCoords();
      float s = 0.0;
      for (int k = 0; k < ${H}; k++) { s += getS(coords.x, k) * getWR(k, coords.y); }
      setOutput(s);
    }`);
}

/** Registers `TorchLSTMStep` and `TorchLSTMProject` for the webgl backend (once). */
export function registerWebGLStep(): void {
  registerStepKernels('webgl', {
    step: ({ N, H, P, bias, proj, row0, inputs }, backend) => (backend as WebGLBackendLike)
      .runWebGLProgram(stepProgram(N, H, P, bias, proj), inputs, 'float32', [[row0]]),
    project: ({ N, H, P, inputs }, backend) => (backend as WebGLBackendLike)
      .runWebGLProgram(projectProgram(N, H, P), inputs, 'float32'),
  });
}
