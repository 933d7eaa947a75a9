import * as tf from '@tensorflow/tfjs-core';
import type { Complex } from '../../functional/complex.js';
import { COMPLEX_GRAD_MESSAGE } from '../../functional/complex.js';
import type { LayerWeights } from '../../functional/lstm.js';
import { NotImplementedError } from '../../errors.js';
import { cell } from './complex_cell.js';
import { jsComplexLinear, type Linear, type Parts } from './complex_linear.js';
import { wasmComplexLinear } from '../wasm/complex_linear.js';

/**
 * One complex64 LSTM layer in one direction as a single kernel, on the `cpu` and `wasm`
 * backends: the op-composed complex recurrence (functional/lstm.ts over functional/complex.ts)
 * as one loop. Its cell math is the cpu op path's, each op one double operation rounded to
 * float32 (complex_cell.ts); its products are summed as torch's CPU matmul sums them
 * (complex_linear.ts), not as the op path's four real matmuls. On `wasm` the products run in the
 * SIMD kernel (assembly/complex_linear.ts), with the same numbers: the layer's results are the
 * same on both backends, bit for bit. Inputs are the real and imaginary parts, `${name}_re` /
 * `${name}_im`; outputs y, h_n, c_n the same way.
 */
export const TorchLSTMComplexLayer = 'TorchLSTMComplexLayer';

const NAMES = ['x', 'h0', 'c0', 'w_ih', 'w_hh', 'b_ih', 'b_hh', 'w_hr'] as const;

interface BackendLike {
  readSync(dataId: object): Float32Array;
  /** wasm: a view of the backend's heap (readSync there copies). */
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  makeOutput?(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}

/** The layer's sizes and direction. */
export interface ComplexLayerDims { L: number; N: number; I: number; H: number; P: number; reverse: boolean }

/** The layer's inputs as parts; absent biases and projection are null. */
export interface ComplexLayerInputs {
  x: Parts; h0: Parts; c0: Parts; w_ih: Parts; w_hh: Parts; b_ih: Parts | null; b_hh: Parts | null; w_hr: Parts | null;
}

/**
 * The complex layer on plain arrays: output (L, N, P), h_n (N, P), c_n (N, H) as parts. Per layer,
 * `pre = x·W_ihᵀ + b_ih` for all steps; per step `gates = (h·W_hhᵀ + b_hh) + pre[t]`, the cell
 * (complex_cell.ts), and `h = h·W_hrᵀ` with a projection, as functional/lstm.ts orders them; the
 * products by `lin` (complex_linear.ts).
 */
export function complexLayerForward(a: ComplexLayerInputs, d: ComplexLayerDims, lin: Linear):
  { y: Parts; h: Parts; c: Parts } {
  const { L, N, I, H, P, reverse } = d;
  const G = 4 * H;
  const f = Math.fround;
  const pre: Parts = [new Float32Array(L * N * G), new Float32Array(L * N * G)];
  lin(a.x, L * N, I, a.w_ih, G, a.b_ih, pre);
  const y: Parts = [new Float32Array(L * N * P), new Float32Array(L * N * P)];
  const gates: Parts = [new Float32Array(N * G), new Float32Array(N * G)];
  let c: Parts = [Float32Array.from(a.c0[0]), Float32Array.from(a.c0[1])];
  let cNext: Parts = [new Float32Array(N * H), new Float32Array(N * H)];
  const hc: Parts | null = a.w_hr ? [new Float32Array(N * H), new Float32Array(N * H)] : null;
  let h: Parts = a.h0;
  // Torch parity: torch's AVX2 sigmoid takes each gate row's first 8·⌊H/8⌋ units vectorised.
  const vectorised = H - (H % 8);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    lin(h, N, P, a.w_hh, G, a.b_hh, gates);
    const p = t * N * G;
    for (let k = 0; k < N * G; k++) { gates[0][k] = f(gates[0][k]! + pre[0][p + k]!); gates[1][k] = f(gates[1][k]! + pre[1][p + k]!); }
    const yt: Parts = [y[0].subarray(t * N * P, (t + 1) * N * P), y[1].subarray(t * N * P, (t + 1) * N * P)];
    const hOut = hc ?? yt;
    for (let r = 0; r < N; r++) {
      const g = r * G;
      for (let u = 0; u < H; u++) {
        const k = r * H + u;
        cell(gates[0][g + u]!, gates[1][g + u]!, gates[0][g + H + u]!, gates[1][g + H + u]!,
          gates[0][g + 2 * H + u]!, gates[1][g + 2 * H + u]!, gates[0][g + 3 * H + u]!, gates[1][g + 3 * H + u]!,
          c[0][k]!, c[1][k]!, u < vectorised, cNext, hOut, k);
      }
    }
    if (hc) lin(hc, N, H, a.w_hr!, P, null, y, t * N * P);
    [c, cNext] = [cNext, c];
    h = yt;
  }
  return { y, h: [Float32Array.from(h[0]), Float32Array.from(h[1])], c };
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['cpu', 'wasm']) {
    tf.registerKernel({ kernelName: TorchLSTMComplexLayer, backendName, kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as BackendLike;
      const info = (n: string) => inputs[n] as tf.TensorInfo;
      // On wasm, views of its heap: valid until the outputs are made, after the last read.
      const data = (t: tf.TensorInfo) => (b.typedArrayFromHeap ? b.typedArrayFromHeap(t) : b.readSync(t.dataId));
      const parts = (n: string): Parts | null => (info(`${n}_re`).shape[0] === 0 ? null
        : [data(info(`${n}_re`)), data(info(`${n}_im`))]);
      const a = Object.fromEntries(NAMES.map((n) => [n, parts(n)])) as unknown as ComplexLayerInputs;
      const [L, N, I] = info('x_re').shape as [number, number, number];
      const H = info('w_ih_re').shape[0]! / 4;
      const P = info('w_hh_re').shape[1]!;
      const dims = { L, N, I, H, P, reverse: Boolean((attrs as { reverse: boolean }).reverse) };
      // On wasm the products run in the SIMD kernel where it is loaded (the same numbers either way).
      const products = (backendName === 'wasm' ? wasmComplexLinear() : null) ?? jsComplexLinear();
      let r: ReturnType<typeof complexLayerForward>;
      try { r = complexLayerForward(a, dims, products.linear); } finally { products.release(); }
      const make = (shape: number[], v: Float32Array) => (b.makeTensorInfo
        ? b.makeTensorInfo(shape, 'float32', v) : b.makeOutput!(shape, 'float32', undefined, v));
      return [make([L, N, P], r.y[0]), make([L, N, P], r.y[1]), make([N, P], r.h[0]), make([N, P], r.h[1]),
        make([N, H], r.c[0]), make([N, H], r.c[1])];
    } });
  }
  // Torch parity: complex LSTMs are forward only here (see functional/complex.ts).
  tf.registerGradient({ kernelName: TorchLSTMComplexLayer, gradFunc: () => { throw new NotImplementedError(COMPLEX_GRAD_MESSAGE); } });
}

/**
 * Runs one complex layer and direction as TorchLSTMComplexLayer when the active backend is `cpu`
 * or `wasm` and the layer has rows and steps; otherwise null (the caller composes it from ops).
 */
export function fusedComplexLayer(x: Complex, h0: Complex, c0: Complex, w: LayerWeights<Complex>, reverse: boolean):
  { output: Complex; h: Complex; c: Complex } | null {
  const backend = tf.getBackend();
  if ((backend !== 'cpu' && backend !== 'wasm') || x.re.shape[0] === 0 || x.re.shape[1] === 0) return null;
  register();
  const none = tf.zeros([0]);
  const inputs: Record<string, tf.Tensor> = {};
  const given: Record<string, Complex | undefined> = { x, h0, c0, ...w };
  for (const n of NAMES) {
    inputs[`${n}_re`] = given[n]?.re ?? none;
    inputs[`${n}_im`] = given[n]?.im ?? none;
  }
  const o = tf.engine().runKernel(TorchLSTMComplexLayer, inputs as unknown as tf.NamedTensorMap,
    { reverse } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  none.dispose();
  return { output: { re: o[0]!, im: o[1]! }, h: { re: o[2]!, im: o[3]! }, c: { re: o[4]!, im: o[5]! } };
}
