import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights } from '../../functional/lstm.js';
import { weightInputs } from '../cpu/lstm_layer.js';
import { copyIn, getRows, kernelDims, type KernelDims, type LayerInfos, readLayer, type Rows, runLayer, type WasmBackendLike, WEIGHT_NAMES } from './lstm_layer.js';
import { getRuntime } from './simd_runtime.js';

/**
 * A stack of layers, in one or both directions, in one kernel call, forward only: the `wasm`
 * backend runs every layer and direction in the SIMD kernel; both directions of a layer write
 * their halves of one set of output rows in the kernel's memory, which is the next layer's input,
 * so only the last layer's output is copied out to tfjs (for W1, 2 layers of (100, 32, 256), that
 * saves 3.2 MB out and 3.2 MB in per forward; bidirectional, also tfjs's concat of the halves).
 */
export const TorchLSTMStack = 'TorchLSTMStack';

let registered = false;

function register(): boolean {
  if (registered) return true;
  if (!getRuntime()) return false;
  registered = true;
  tf.registerKernel({ kernelName: TorchLSTMStack, backendName: 'wasm', kernelFunc: ({ inputs, backend, attrs }) => {
    const { num_layers, num_directions } = attrs as { num_layers: number; num_directions: number };
    return forward(backend as unknown as WasmBackendLike, inputs as Record<string, tf.TensorInfo>, num_layers, num_directions);
  } });
  return true;
}

function forward(b: WasmBackendLike, inputs: Record<string, tf.TensorInfo>, layers: number, D: number): tf.TensorInfo[] {
  const rt = getRuntime()!;
  const x = inputs['x']!;
  const [L, N, I] = x.shape as [number, number, number];
  const weights: LayerInfos[] = [];
  const dims: KernelDims[] = [];
  for (let g = 0; g < layers * D; g++) {
    weights.push(Object.fromEntries(WEIGHT_NAMES.map((n) => [n, inputs[`${n}${g}`]!])) as unknown as LayerInfos);
  }
  for (let l = 0; l < layers; l++) dims.push(kernelDims(L, N, l === 0 ? I : D * dims[l - 1]!.P, weights[l * D]!));
  const { P, H } = dims[0]!;
  // Every output is allocated before any view of tfjs's heap is taken (an allocation may grow it).
  const y = b.makeOutput([L, N, D * P], 'float32');
  const hN = b.makeOutput([layers * D, N, P], 'float32');
  const cN = b.makeOutput([layers * D, N, H], 'float32');
  const [h0, c0, hOut, cOut, yOut] = [inputs['h0']!, inputs['c0']!, hN, cN, y].map((t) => b.typedArrayFromHeap(t)) as
    [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  let xRows: Rows = { at: copyIn(rt, b, x), stride: I };
  for (let l = 0; l < layers; l++) {
    const d = dims[l]!;
    const last = l === layers - 1;
    // Both directions' output rows side by side: [forward S | backward S].
    const yAt = rt.alloc(L * N * D * d.S);
    for (let dir = 0; dir < D; dir++) {
      const g = l * D + dir;
      const yRows = { at: yAt + dir * d.S * 4, stride: D * d.S };
      const cPtr = runLayer(rt, b, weights[g]!, d, xRows, yRows, h0.subarray(g * N * P, (g + 1) * N * P),
        c0.subarray(g * N * H, (g + 1) * N * H), dir === 1);
      readLayer(rt, d, yRows, cPtr, dir === 1, hOut.subarray(g * N * P, (g + 1) * N * P),
        cOut.subarray(g * N * H, (g + 1) * N * H), last ? { to: yOut, stride: D * P, offset: dir * P } : undefined);
      rt.free(cPtr);
    }
    rt.free(xRows.at);
    xRows = { at: yAt, stride: D * d.S };
    if (D === 2 && d.S !== d.P && !last) {
      // Padded halves (H not a multiple of 4, or proj_size): the next layer's input columns must be
      // [forward P | backward P], so the rows are packed before it runs.
      const packedAt = rt.alloc(L * N * 2 * d.P);
      const f32 = rt.f32();
      for (let dir = 0; dir < 2; dir++) getRows(f32, yAt + dir * d.S * 4, L * N, 2 * d.S, d.P, f32, 2 * d.P, (packedAt >> 2) + dir * d.P);
      rt.free(yAt);
      xRows = { at: packedAt, stride: 2 * d.P };
    }
  }
  rt.free(xRows.at);
  return [y, hN, cN];
}

/**
 * Runs a stack of layers (h_0 (D·layers, N, H_out), c_0 (D·layers, N, H_cell); weights per layer
 * and direction, as torch orders them) through the SIMD kernel in one call when the active
 * backend is `wasm` and no gradient is being recorded; otherwise null, and the caller runs layer
 * by layer (TorchLSTMLayer, which has a gradient). Returns the last layer's output (both
 * directions) and h_n, c_n for every layer and direction.
 */
export function fusedStackWasm(x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, layers: readonly LayerWeights[],
  directions: number): { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } | null {
  if (tf.getBackend() !== 'wasm' || x.shape[0] === 0 || x.shape[1] === 0 || x.dtype !== 'float32'
    || tf.engine().isTapeOn() || !register()) return null;
  const none = tf.zeros([0]);
  const inputs: Record<string, tf.Tensor> = { x, h0, c0 };
  layers.forEach((w, g) => Object.assign(inputs, weightInputs(w, none, `${g}`)));
  const [output, h, c] = tf.engine().runKernel(TorchLSTMStack, inputs as unknown as tf.NamedTensorMap,
    { num_layers: layers.length / directions, num_directions: directions } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  none.dispose();
  return { output: output!, h: h!, c: c! };
}
