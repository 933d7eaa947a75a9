import { registerComplexGpuKernels } from '../lstm_complex_kernel.js';
import { complexMathLib } from '../complex_math.js';
import { GLSL_FF_UNIFORM } from '../float_float.js';
import { ROW0, type WebGLBackendLike, glProgram } from './program.js';

/**
 * The complex64 LSTM kernels for tfjs's `webgl` backend (../lstm_complex_kernel.ts): the WGSL
 * programs of ../webgpu/lstm_complex.ts in GLSL. A fragment writes one value, so each of a cell's
 * four outputs (h_re, h_im, c_re, c_im) computes the whole cell, and each linear output both parts.
 */

/** GLSL setting `name` to Σ_k a(row, aRe + k)·w(wRow, k), complex, as the WGSL `dot` (torch's cgemm order). */
function dot(name: string, a: string, row: string, aRe: string, aIm: string, wRow: string, inner: number): string {
  return `vec2 ${name};
    {
      float sr = 0.0; float si = 0.0;
      for (int k = 0; k < ${inner}; k++) {
        float ar = get${a}(${row}, ${aRe} + k); float ai = get${a}(${row}, ${aIm} + k);
        float wr = getWRE(${wRow}, k); float wi = getWIM(${wRow}, k);
        sr += ar * wr - ai * wi; si += ar * wi + ai * wr;
      }
      ${name} = vec2(sr, si);
    }`;
}

/** out (R, 2C) = [re | im] of a·wᵀ (+ b): a's rows [re (K) | im (K)] at their start; w (C, K). */
function linearProgram(R: number, C: number, K: number, bias: boolean): object {
  return glProgram(bias ? ['A', 'WRE', 'WIM', 'BRE', 'BIM'] : ['A', 'WRE', 'WIM'], [R, 2 * C], `void main() {
        ivec2 coords = getOutputCoords();
        int r = coords.x;
        int c = coords.y < ${C} ? coords.y : coords.y - ${C};
        ${dot('s', 'A', 'r', '0', `${K}`, 'c', K)}
        ${bias ? 's += vec2(getBRE(c), getBIM(c));' : ''}
        setOutput(coords.y < ${C} ? s.x : s.y);
      }`);
}

/** One step: the (N, 4H) state [h_re | h_im | c_re | c_im] after it (as the WGSL StepProgram). */
function stepProgram(N: number, H: number, P: number, bias: boolean): object {
  const names = bias ? ['HS', 'S', 'WRE', 'WIM', 'PRE', 'BRE', 'BIM'] : ['HS', 'S', 'WRE', 'WIM', 'PRE'];
  return glProgram(names, [N, 4 * H], `${complexMathLib('glsl')}
      vec2 gate(int n, int col) {
        ${dot('s', 'HS', 'n', '0', `${P}`, 'col', P)}
        ${bias ? 's += vec2(getBRE(col), getBIM(col));' : ''}
        return s + vec2(getPRE(row0 + n, col), getPRE(row0 + n, col + ${4 * H}));
      }
      void main() {
        ivec2 coords = getOutputCoords();
        int n = coords.x;
        int part = coords.y / ${H};
        int j = coords.y - part * ${H};
        // Torch parity: torch's AVX2 sigmoid takes each row's first 8·⌊H/8⌋ units vectorised.
        bool v = j < ${H - (H % 8)};
        vec2 i = csigmoid(gate(n, j), v);
        vec2 f = csigmoid(gate(n, ${H} + j), v);
        vec2 g = ctanh(gate(n, ${2 * H} + j));
        vec2 c = cmul(f, vec2(getS(n, ${2 * H} + j), getS(n, ${3 * H} + j))) + cmul(i, g);
        if (part >= 2) {
          setOutput(part == 2 ? c.x : c.y);
        } else {
          vec2 h = cmul(csigmoid(gate(n, ${3 * H} + j), v), ctanh(c));
          setOutput(part == 0 ? h.x : h.y);
        }
      }`, [ROW0, GLSL_FF_UNIFORM]);
}

/** Registers the complex kernels for the webgl backend (once). */
export function registerWebGLComplex(): void {
  registerComplexGpuKernels('webgl', {
    linear: ({ R, C, K, bias, inputs }, backend) => (backend as WebGLBackendLike)
      .runWebGLProgram(linearProgram(R, C, K, bias), inputs, 'float32'),
    step: ({ N, H, P, bias, row0, inputs }, backend) => (backend as WebGLBackendLike)
      .runWebGLProgram(stepProgram(N, H, P, bias), inputs, 'float32', [[row0], [1]]),
  });
}
