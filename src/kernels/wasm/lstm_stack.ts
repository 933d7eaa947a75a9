import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights } from '../../functional/lstm.js';
import { kernelDims, type KernelDims, type LayerInfos, readLayer, runLayer, type WasmBackendLike } from './lstm_layer.js';
import { getRuntime } from './simd_runtime.js';

/**
 * A unidirectional stack of layers in one kernel call, forward only: the `wasm` backend runs
 * every layer in the SIMD kernel, each layer's output staying in the kernel's memory as the next
 * layer's input, so no layer but the last is copied out to tfjs and back in (for W1, 2 layers of
 * (100, 32, 256), that is 3.2 MB out and 3.2 MB in per forward).
 */
export const TorchLSTMStack = 'TorchLSTMStack';

const WEIGHTS = ['w_ih', 'w_hh', 'b_ih', 'b_hh', 'w_hr'] as const;

let registered = false;

function register(): boolean {
  if (registered) return true;
  if (!getRuntime()) return false;
  registered = true;
  tf.registerKernel({ kernelName: TorchLSTMStack, backendName: 'wasm', kernelFunc: ({ inputs, backend, attrs }) => {
    const layers = (attrs as { num_layers: number }).num_layers;
    return forward(backend as unknown as WasmBackendLike, inputs as Record<string, tf.TensorInfo>, layers);
  } });
  return true;
}

function forward(b: WasmBackendLike, inputs: Record<string, tf.TensorInfo>, layers: number): tf.TensorInfo[] {
  const rt = getRuntime()!;
  const x = inputs['x']!;
  const [L, N, I] = x.shape as [number, number, number];
  const weights: LayerInfos[] = [];
  const dims: KernelDims[] = [];
  for (let l = 0; l < layers; l++) {
    weights.push(Object.fromEntries(WEIGHTS.map((n) => [n, inputs[`${n}${l}`]!])) as unknown as LayerInfos);
    dims.push(kernelDims(L, N, l === 0 ? I : dims[l - 1]!.P, weights[l]!));
  }
  const { P, H } = dims[0]!;
  // Every output is allocated before any view of tfjs's heap is taken (an allocation may grow it).
  const y = b.makeOutput([L, N, P], 'float32');
  const hN = b.makeOutput([layers, N, P], 'float32');
  const cN = b.makeOutput([layers, N, H], 'float32');
  const [h0, c0, hOut, cOut] = [inputs['h0']!, inputs['c0']!, hN, cN].map((t) => b.typedArrayFromHeap(t)) as
    [Float32Array, Float32Array, Float32Array, Float32Array];
  let xPtr = rt.alloc(L * N * I);
  rt.f32().set(b.typedArrayFromHeap(x), xPtr >> 2);
  let xStride = I;
  for (let l = 0; l < layers; l++) {
    const d = dims[l]!;
    const r = runLayer(rt, b, weights[l]!, d, xPtr, xStride, h0.subarray(l * N * P, (l + 1) * N * P),
      c0.subarray(l * N * H, (l + 1) * N * H), false);
    rt.free(xPtr);
    const last = l === layers - 1;
    readLayer(rt, d, r, false, hOut.subarray(l * N * P, (l + 1) * N * P), cOut.subarray(l * N * H, (l + 1) * N * H),
      last ? b.typedArrayFromHeap(y) : undefined);
    rt.free(r.c);
    xPtr = r.y;
    xStride = d.S;
  }
  rt.free(xPtr);
  return [y, hN, cN];
}

/**
 * Runs a unidirectional stack of layers (h_0 (layers, N, H_out), c_0 (layers, N, H_cell)) through
 * the SIMD kernel in one call when the active backend is `wasm` and no gradient is being
 * recorded; otherwise null, and the caller runs layer by layer (TorchLSTMLayer, which has a
 * gradient). Returns the last layer's output and h_n, c_n for every layer.
 */
export function fusedStackWasm(x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, layers: readonly LayerWeights[]):
  { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } | null {
  if (tf.getBackend() !== 'wasm' || layers.length < 2 || x.shape[0] === 0 || x.shape[1] === 0 || x.dtype !== 'float32'
    || tf.engine().isTapeOn() || !register()) return null;
  const none = tf.zeros([0]);
  const inputs: Record<string, tf.Tensor> = { x, h0, c0 };
  layers.forEach((w, l) => {
    inputs[`w_ih${l}`] = w.w_ih;
    inputs[`w_hh${l}`] = w.w_hh;
    inputs[`b_ih${l}`] = w.b_ih ?? none;
    inputs[`b_hh${l}`] = w.b_hh ?? none;
    inputs[`w_hr${l}`] = w.w_hr ?? none;
  });
  const [output, h, c] = tf.engine().runKernel(TorchLSTMStack, inputs as unknown as tf.NamedTensorMap,
    { num_layers: layers.length } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  none.dispose();
  return { output: output!, h: h!, c: c! };
}
