import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights } from '../../functional/lstm.js';
import { registerLayerGradient, TorchLSTMLayer } from '../cpu/lstm_layer.js';
import { CTRL, getRuntime, type Runtime } from './simd_runtime.js';

/*
 * TorchLSTMLayer on the `wasm` backend: one layer and direction in the SIMD kernel compiled from
 * assembly/lstm_layer.ts, multi-threaded in Node (simd_runtime.ts). Inputs are copied from tfjs's
 * heap into the kernel's memory, weights packed there by the kernel, outputs copied back.
 */

interface WasmBackendLike {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}

/** Multiply-adds per step below which a run stays on one thread (a barrier costs ~1 µs). */
const MIN_MACS_PER_THREAD = 16384;

let registered = false;

function register(): boolean {
  if (registered) return true;
  if (!getRuntime()) return false;
  registered = true;
  registerLayerGradient();
  tf.registerKernel({ kernelName: TorchLSTMLayer, backendName: 'wasm', kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as unknown as WasmBackendLike;
    return forward(getRuntime()!, b, inputs as Record<string, tf.TensorInfo>, Boolean((attrs as { reverse: boolean }).reverse));
  } });
  return true;
}

function forward(rt: Runtime, b: WasmBackendLike, inputs: Record<string, tf.TensorInfo>, reverse: boolean): tf.TensorInfo[] {
  const x = inputs['x']!;
  const [L, N, I] = x.shape as [number, number, number];
  const H = inputs['w_ih']!.shape[0]! / 4;
  const P = inputs['w_hh']!.shape[1]!;
  const proj = inputs['w_hr']!.shape[0] !== 0;
  const Hp = Math.ceil(H / 4) * 4;
  const PQ = proj ? Math.ceil(P / 16) : 0;
  const S = proj ? PQ * 16 : Hp;
  const heap = (name: string) => b.typedArrayFromHeap(inputs[name]!);
  rt.reset();
  const at = {
    X: rt.alloc(L * N * I), WIH: rt.alloc(4 * Hp * I), WHH: rt.alloc(4 * Hp * S), BIAS: rt.alloc(4 * Hp),
    WHR: rt.alloc(PQ * 16 * Hp), H0: rt.alloc(N * S), C: rt.alloc(N * Hp), PRE: rt.alloc(L * N * 4 * Hp),
    HC: rt.alloc(N * Hp), Y: rt.alloc(L * N * S),
  };
  const raw = { wih: rt.alloc(4 * H * I), whh: rt.alloc(4 * H * P), bih: rt.alloc(4 * H), bhh: rt.alloc(4 * H), whr: rt.alloc(P * H) };
  const f32 = rt.f32();
  f32.set(heap('x'), at.X >> 2);
  f32.set(heap('w_ih'), raw.wih >> 2);
  f32.set(heap('w_hh'), raw.whh >> 2);
  const hasBih = inputs['b_ih']!.shape[0] !== 0;
  const hasBhh = inputs['b_hh']!.shape[0] !== 0;
  if (hasBih) f32.set(heap('b_ih'), raw.bih >> 2);
  if (hasBhh) f32.set(heap('b_hh'), raw.bhh >> 2);
  if (proj) f32.set(heap('w_hr'), raw.whr >> 2);
  setRows(f32, at.H0, heap('h0'), N, P, S);
  setRows(f32, at.C, heap('c0'), N, H, Hp);
  const k = rt.exports;
  k.packGates(raw.wih, at.WIH, H, I, Hp, I);
  k.packGates(raw.whh, at.WHH, H, P, Hp, S);
  k.packBias(hasBih ? raw.bih : 0, hasBhh ? raw.bhh : 0, at.BIAS, H, Hp);
  if (proj) k.packProj(raw.whr, at.WHR, P, H, Hp, PQ);
  const i32 = rt.i32();
  const c = rt.base >> 2;
  i32[c + CTRL.L] = L; i32[c + CTRL.N] = N; i32[c + CTRL.I] = I; i32[c + CTRL.HP] = Hp; i32[c + CTRL.S] = S;
  i32[c + CTRL.PQ] = PQ; i32[c + CTRL.REV] = reverse ? 1 : 0;
  for (const [name, ptr] of Object.entries(at)) i32[c + CTRL[name as keyof typeof at]] = ptr;
  const macs = N * 4 * Hp * S;
  rt.run(Math.max(1, Math.min(rt.threads, Hp / 4, Math.floor(macs / MIN_MACS_PER_THREAD))));
  const out = rt.f32();
  const y = getRows(out, at.Y, L * N, S, P);
  const last = reverse ? 0 : L - 1;
  const h = y.slice(last * N * P, (last + 1) * N * P);
  const cn = getRows(out, at.C, N, Hp, H);
  return [b.makeOutput([L, N, P], 'float32', undefined, y), b.makeOutput([N, P], 'float32', undefined, h),
    b.makeOutput([N, H], 'float32', undefined, cn)];
}

/** Writes `rows` rows of `width` floats into the memory at byte offset `dst` with row stride `stride`. */
function setRows(f32: Float32Array, dst: number, src: Float32Array, rows: number, width: number, stride: number): void {
  if (width === stride) { f32.set(src, dst >> 2); return; }
  const d = dst >> 2;
  f32.fill(0, d, d + rows * stride);
  for (let r = 0; r < rows; r++) f32.set(src.subarray(r * width, (r + 1) * width), d + r * stride);
}

/** Reads `rows` rows of `width` floats with row stride `stride` from byte offset `src`. */
function getRows(f32: Float32Array, src: number, rows: number, stride: number, width: number): Float32Array {
  const s = src >> 2;
  if (width === stride) return f32.slice(s, s + rows * width);
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(f32.subarray(s + r * stride, s + r * stride + width), r * width);
  return out;
}

/**
 * Runs one layer through the SIMD kernel when the active backend is `wasm` (float32, N > 0);
 * otherwise returns null. Gradients, when recorded, are TorchLSTMLayer's registered gradient.
 */
export function fusedLayerWasm(x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: LayerWeights, reverse: boolean):
  { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } | null {
  if (tf.getBackend() !== 'wasm' || x.shape[1] === 0 || x.shape[0] === 0 || !register()) return null;
  const none = tf.zeros([0]);
  const inputs = { x, h0, c0, w_ih: w.w_ih, w_hh: w.w_hh, b_ih: w.b_ih ?? none, b_hh: w.b_hh ?? none, w_hr: w.w_hr ?? none };
  const [output, h, c] = tf.engine().runKernel(TorchLSTMLayer, inputs as unknown as tf.NamedTensorMap,
    { reverse } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  none.dispose();
  return { output: output!, h: h!, c: c! };
}
