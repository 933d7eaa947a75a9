import type * as tf from '@tensorflow/tfjs-core';
import { registerCellKernel } from '../lstm_cell_kernel.js';

/**
 * `TorchLSTMCell` for tfjs's `wasm` backend, for small steps (N·H up to {@link MAX_WASM_CELLS}):
 * one JavaScript loop over the backend's heap replaces the ~13 tfjs ops of a step's gate math,
 * whose per-op overhead dominates at batch 1. Each value is computed in double and rounded to
 * float32 where the op-composed path rounds (each sum, each product, each activation), so it
 * agrees with that path to the last bit or so. Larger steps keep XNNPACK's vectorised ops.
 */
export const MAX_WASM_CELLS = 8192;

interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

const f = Math.fround;
const sigmoid = (x: number) => f(1 / (1 + Math.exp(-x)));
const tanh = (x: number) => f(Math.tanh(x));

/** Registers `TorchLSTMCell` for the wasm backend (once). */
export function registerWasmCell(): void {
  registerCellKernel('wasm', ({ N, H, which, bias, row0, inputs }, backend) => {
    const b = backend as WasmBackendLike;
    const view = (t: tf.TensorInfo, n: number) => new Float32Array(b.wasm.HEAPU8.buffer, b.dataIdMap.get(t.dataId).memoryOffset, n);
    const out = b.makeOutput([N, H], 'float32');
    // Views after makeOutput: allocating can grow (and so replace) the heap's buffer.
    const G = 4 * H;
    const hh = view(inputs[0]!, N * G);
    const pre = new Float32Array(b.wasm.HEAPU8.buffer, b.dataIdMap.get(inputs[1]!.dataId).memoryOffset + 4 * row0 * G, N * G);
    const state = view(inputs[2]!, N * H);
    const bhh = bias ? view(inputs[3]!, G) : null;
    const dst = view(out, N * H);
    const gate = (n: number, k: number) => f(f(bhh ? f(hh[n * G + k]! + bhh[k]!) : hh[n * G + k]!) + pre[n * G + k]!);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < H; j++) {
        const s = state[n * H + j]!;
        if (which === 'c') {
          const i = sigmoid(gate(n, j));
          const fg = sigmoid(gate(n, H + j));
          const g = tanh(gate(n, 2 * H + j));
          dst[n * H + j] = f(f(fg * s) + f(i * g));
        } else {
          dst[n * H + j] = f(sigmoid(gate(n, 3 * H + j)) * tanh(s));
        }
      }
    }
    return out;
  });
}
