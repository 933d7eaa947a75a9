import { registerComplexGpuKernels } from '../lstm_complex_kernel.js';
import { CellwiseProgram, type WebGPUBackendLike, i32 } from './program.js';
import { complexMathLib } from '../complex_math.js';

/**
 * The complex64 LSTM on tfjs's `webgpu` backend as WGSL programs (kernels and layer loop:
 * ../lstm_complex_kernel.ts, ../lstm_complex_layer.ts): `TorchComplexLinear`, a complex
 * `a·wᵀ (+ b)` in one dispatch (the input projection for all steps; with proj_size, each step's
 * projection), and `TorchLSTMComplexStep`, one whole time step (the recurrent dot products, the
 * complex gate math of ../complex_math.ts and the state update) in one dispatch, where the
 * op-composed complex path dispatches about a hundred programs per step.
 */

/**
 * WGSL that sets `name` to Σ_k a[aRe + k]·w[wRow + k] over `inner` terms, complex, with a's
 * imaginary parts `aIm` after its real ones and w's parts in WRE / WIM.
 * Torch parity: as torch's CPU matmul (BLAS cgemm) sums, one complex product `(ac - bd) + (ad + bc)i`
 * after another in k order, the bias added after the sum (not the op-composed path's four real sums).
 */
function dot(name: string, a: string, aRe: string, aIm: string, wRow: string, inner: string): string {
  return `var ${name} : vec2<f32>;
    {
      var sr = 0.0; var si = 0.0;
      for (var k = 0; k < ${inner}; k++) {
        let ar = ${a}[${aRe} + k]; let ai = ${a}[${aIm} + k];
        let wr = WRE[${wRow} + k]; let wi = WIM[${wRow} + k];
        sr = sr + (ar * wr - ai * wi); si = si + (ar * wi + ai * wr);
      }
      ${name} = vec2<f32>(sr, si);
    }`;
}

/** out (R, 2C) = [re | im] of a·wᵀ (+ b): a (R, ·) with row stride `aStride`, parts [re (K) | im (K)]; w (C, K). */
class LinearProgram extends CellwiseProgram {
  constructor(R: number, C: number, private readonly bias: boolean) {
    super(R, C, ['A', 'WRE', 'WIM', ...(bias ? ['BRE', 'BIM'] : [])], [R, 2 * C], `torch_complex_linear_${bias}`,
      'cols : i32, inner : i32, aStride : i32, cells : i32,');
  }

  getUserCode(): string {
    return `fn main(index : i32) {
        if (index < uniforms.cells) {
          let C = uniforms.cols;
          let K = uniforms.inner;
          let r = index / C;
          let c = index - r * C;
          ${dot('s', 'A', 'r * uniforms.aStride', 'r * uniforms.aStride + K', 'c * K', 'K')}
          ${this.bias ? 's = s + vec2<f32>(BRE[c], BIM[c]);' : ''}
          setOutputAtIndex(r * 2 * C + c, s.x);
          setOutputAtIndex(r * 2 * C + C + c, s.y);
        }
      }`;
  }
}

/**
 * One step: out (N, 4H) = [h | c] as [h_re | h_im | c_re | c_im] (h before the projection, if any).
 * HS: this step's h (N, ·), row stride `hStride`, parts [re (P) | im (P)]; S: the last step's
 * out (its c); W: W_hh (4H, P); PRE: (L·N, 8H) = [re | im] of x·W_ihᵀ + b_ih, read at row0 + n.
 */
class StepProgram extends CellwiseProgram {
  constructor(N: number, H: number, private readonly bias: boolean) {
    super(N, H, ['HS', 'S', 'WRE', 'WIM', 'PRE', ...(bias ? ['BRE', 'BIM'] : [])], [N, 4 * H],
      `torch_lstm_complex_step_${bias}`, 'row0 : i32, hidden : i32, inner : i32, hStride : i32, cells : i32,');
  }

  getUserCode(): string {
    return `${complexMathLib('wgsl')}
      fn gate(n : i32, col : i32) -> vec2<f32> {
        let P = uniforms.inner;
        let hb = n * uniforms.hStride;
        ${dot('s', 'HS', 'hb', 'hb + P', 'col * P', 'P')}
        ${this.bias ? 's = s + vec2<f32>(BRE[col], BIM[col]);' : ''}
        let p = (uniforms.row0 + n) * 8 * uniforms.hidden + col;
        return s + vec2<f32>(PRE[p], PRE[p + 4 * uniforms.hidden]);
      }
      fn main(index : i32) {
        if (index < uniforms.cells) {
          let H = uniforms.hidden;
          let n = index / H;
          let j = index - n * H;
          // Torch parity: torch's AVX2 sigmoid takes each row's first 8·⌊H/8⌋ units vectorised.
          let v = j < H - H % 8;
          let i = csigmoid(gate(n, j), v);
          let f = csigmoid(gate(n, H + j), v);
          let g = ctanh(gate(n, 2 * H + j));
          let o = csigmoid(gate(n, 3 * H + j), v);
          let base = n * 4 * H;
          let c = cmul(f, vec2<f32>(S[base + 2 * H + j], S[base + 3 * H + j])) + cmul(i, g);
          let h = cmul(o, ctanh(c));
          setOutputAtIndex(base + j, h.x);
          setOutputAtIndex(base + H + j, h.y);
          setOutputAtIndex(base + 2 * H + j, c.x);
          setOutputAtIndex(base + 3 * H + j, c.y);
        }
      }`;
  }
}

/** Registers the complex kernels for the webgpu backend (once). */
export function registerWebGPUComplex(): void {
  registerComplexGpuKernels('webgpu', {
    linear: ({ R, C, K, aStride, bias, inputs }, backend) => (backend as WebGPUBackendLike)
      .runWebGPUProgram(new LinearProgram(R, C, bias), inputs, 'float32', [i32(C), i32(K), i32(aStride), i32(R * C)]),
    step: ({ N, H, P, hStride, bias, row0, inputs }, backend) => (backend as WebGPUBackendLike)
      .runWebGPUProgram(new StepProgram(N, H, bias), inputs, 'float32', [i32(row0), i32(H), i32(P), i32(hStride), i32(N * H)]),
  });
}
