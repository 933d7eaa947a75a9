import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights } from '../../functional/lstm.js';
import { registerLayerGradient, runLayerKernel, TorchLSTMLayer } from '../cpu/lstm_layer.js';
import { CTRL, getRuntime, type Runtime } from './simd_runtime.js';
import { WeightCache } from '../weight_cache.js';

/*
 * TorchLSTMLayer on the `wasm` backend: one layer and direction in the SIMD kernel compiled from
 * assembly/lstm_layer.ts, multi-threaded in Node (simd_runtime.ts). Inputs are copied from tfjs's
 * heap into the kernel's memory, weights packed there by the kernel, outputs copied back.
 */

export interface WasmBackendLike {
  /** The backend's tensor data by dataId (a disposed tensor's entry is gone). */
  dataIdMap: { has(dataId: object): boolean };
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

/** One layer's weights packed for the kernel (byte offsets), kept while their tensors' data is the same. */
interface Packed { wih: number; whh: number; bias: number; whr: number }

/** Packed weights kept at most (LRU): a model's layers and directions, in a few models. */
const CACHE_ENTRIES = 32;
const CACHE_FLOATS = 64 * 1024 * 1024;

/** One layer's sizes in the kernel: units padded to Hp (a multiple of 4), h rows S floats apart. */
export interface KernelDims {
  L: number; N: number; I: number; H: number; P: number;
  Hp: number; S: number;
  /** Projection panels of 16 columns (0: no projection). */
  PQ: number;
}

/** The kernel's sizes for a layer with input (L, N, I) and these weights. */
export function kernelDims(L: number, N: number, I: number, w: LayerInfos): KernelDims {
  const H = w.w_ih.shape[0]! / 4;
  const P = w.w_hh.shape[1]!;
  const PQ = w.w_hr.shape[0] !== 0 ? Math.ceil(P / 16) : 0;
  const Hp = Math.ceil(H / 4) * 4;
  return { L, N, I, H, P, Hp, S: PQ ? PQ * 16 : Hp, PQ };
}

/** A layer's weight inputs, in the order torch lists them. */
export const WEIGHT_NAMES = ['w_ih', 'w_hh', 'b_ih', 'b_hh', 'w_hr'] as const;

/** A layer's weights as kernel inputs (absent ones are empty tensors). */
export interface LayerInfos { w_ih: tf.TensorInfo; w_hh: tf.TensorInfo; b_ih: tf.TensorInfo; b_hh: tf.TensorInfo; w_hr: tf.TensorInfo }

/**
 * The packed weights for these inputs: from the cache when the same tensor data was packed
 * before (tfjs tensors are immutable; a changed Variable gets a new dataId), else packed now.
 * Entries whose weights were disposed since are dropped first, so a model disposed and replaced
 * leaves its space in the kernel's memory (which never shrinks) to the next one.
 */
function packed(rt: Runtime, b: WasmBackendLike, inputs: LayerInfos, d: KernelDims): Packed {
  const ids = WEIGHT_NAMES.map((n) => (inputs[n].shape[0] === 0 ? null : inputs[n].dataId as object));
  const { Hp, I, S, PQ } = d;
  const cache = cacheOf(rt);
  cache.sweep((keys) => keys.every((k) => k === null || b.dataIdMap.has(k as object)));
  return cache.obtain(ids, () => ({ value: pack(rt, b, inputs, d), size: 4 * Hp * (I + S + 1) + PQ * 16 * Hp })).value;
}

/** Packs a layer's weights into the kernel's panels (see assembly/lstm_layer.ts). */
function pack(rt: Runtime, b: WasmBackendLike, inputs: LayerInfos, d: KernelDims): Packed {
  const { H, I, P, Hp, S, PQ } = d;
  const p: Packed = { wih: rt.alloc(4 * Hp * I), whh: rt.alloc(4 * Hp * S), bias: rt.alloc(4 * Hp),
    whr: PQ ? rt.alloc(PQ * 16 * Hp) : 0 };
  const raw = (name: typeof WEIGHT_NAMES[number]) => copyIn(rt, b, inputs[name]);
  const k = rt.exports;
  const tmp: number[] = [];
  const use = (at: number) => { tmp.push(at); return at; };
  k.packGates(use(raw('w_ih')), p.wih, H, I, Hp, I);
  k.packGates(use(raw('w_hh')), p.whh, H, P, Hp, S);
  k.packBias(inputs.b_ih.shape[0] ? use(raw('b_ih')) : 0, inputs.b_hh.shape[0] ? use(raw('b_hh')) : 0, p.bias, H, Hp);
  if (PQ) k.packProj(use(raw('w_hr')), p.whr, P, H, Hp, PQ);
  for (const at of tmp) rt.free(at);
  return p;
}

/** Each runtime's packed weights (in its memory: they go with it). */
const caches = new WeakMap<Runtime, WeightCache<Packed>>();

function cacheOf(rt: Runtime): WeightCache<Packed> {
  let c = caches.get(rt);
  if (!c) {
    c = new WeightCache<Packed>(CACHE_ENTRIES, CACHE_FLOATS, (e) => { for (const at of [e.wih, e.whh, e.bias, e.whr]) if (at) rt.free(at); });
    caches.set(rt, c);
  }
  return c;
}

/** Rows in the kernel's memory: byte offset of the first, and floats from one row to the next. */
export interface Rows { at: number; stride: number }

/**
 * Runs one layer and direction in the kernel on input rows already in its memory, writing its
 * output rows (L, N, S used) to `y`, from h_0 (N, P) and c_0 (N, H). Returns the byte offset of
 * c_n (N, Hp) in the kernel's memory: the caller reads and frees it (and y).
 */
export function runLayer(rt: Runtime, b: WasmBackendLike, w: LayerInfos, d: KernelDims, x: Rows, y: Rows,
  h0: Float32Array, c0: Float32Array, reverse: boolean): number {
  const { L, N, I, H, P, Hp, S, PQ } = d;
  const p = packed(rt, b, w, d);
  const at = {
    X: x.at, Y: y.at, H0: rt.alloc(N * S), C: rt.alloc(N * Hp), SUMS: rt.alloc(N * 4 * Hp), HC: rt.alloc(N * Hp),
    WIH: p.wih, WHH: p.whh, BIAS: p.bias, WHR: p.whr,
  };
  const f32 = rt.f32();
  setRows(f32, at.H0, h0, N, P, S);
  setRows(f32, at.C, c0, N, H, Hp);
  const i32 = rt.i32();
  const c = rt.base >> 2;
  i32[c + CTRL.L] = L; i32[c + CTRL.N] = N; i32[c + CTRL.I] = I; i32[c + CTRL.HP] = Hp; i32[c + CTRL.S] = S;
  i32[c + CTRL.PQ] = PQ; i32[c + CTRL.REV] = reverse ? 1 : 0; i32[c + CTRL.XS] = x.stride; i32[c + CTRL.YS] = y.stride;
  for (const [name, ptr] of Object.entries(at)) i32[c + CTRL[name as keyof typeof at]] = ptr;
  const macs = N * 4 * Hp * S;
  rt.run(Math.max(1, Math.min(rt.threads, Hp / 4, Math.floor(macs / MIN_MACS_PER_THREAD))));
  for (const ptr of [at.H0, at.SUMS, at.HC]) rt.free(ptr);
  return at.C;
}

/**
 * Copies a layer's results out of the kernel's memory (see runLayer): h_n (N, P) into `h`, c_n
 * (N, H) into `c`, and, when `out` is given, the output (L, N, P) into its rows (`stride` floats
 * apart, from `offset`: a direction's half of a bidirectional output).
 */
export function readLayer(rt: Runtime, d: KernelDims, y: Rows, cPtr: number, reverse: boolean, h: Float32Array,
  c: Float32Array, out?: { to: Float32Array; stride: number; offset: number }): void {
  const { L, N, H, P, Hp } = d;
  const f32 = rt.f32();
  if (out) getRows(f32, y.at, L * N, y.stride, P, out.to, out.stride, out.offset);
  getRows(f32, y.at + (reverse ? 0 : (L - 1) * N * y.stride * 4), N, y.stride, P, h);
  getRows(f32, cPtr, N, Hp, H, c);
}

function forward(rt: Runtime, b: WasmBackendLike, inputs: Record<string, tf.TensorInfo>, reverse: boolean): tf.TensorInfo[] {
  const x = inputs['x']!;
  const [L, N, I] = x.shape as [number, number, number];
  const w = inputs as unknown as LayerInfos;
  const d = kernelDims(L, N, I, w);
  const xRows = { at: copyIn(rt, b, x), stride: I };
  const yRows = { at: rt.alloc(L * N * d.S), stride: d.S };
  const cPtr = runLayer(rt, b, w, d, xRows, yRows, b.typedArrayFromHeap(inputs['h0']!), b.typedArrayFromHeap(inputs['c0']!),
    reverse);
  rt.free(xRows.at);
  // Outputs are written straight into tfjs's heap (no intermediate arrays); views are taken once
  // every output exists (an allocation may grow the heap).
  const y = b.makeOutput([L, N, d.P], 'float32');
  const h = b.makeOutput([N, d.P], 'float32');
  const cn = b.makeOutput([N, d.H], 'float32');
  readLayer(rt, d, yRows, cPtr, reverse, b.typedArrayFromHeap(h), b.typedArrayFromHeap(cn),
    { to: b.typedArrayFromHeap(y), stride: d.P, offset: 0 });
  rt.free(yRows.at);
  rt.free(cPtr);
  return [y, h, cn];
}

/** Copies a tensor's data from tfjs's heap into newly allocated kernel memory; returns its byte offset. */
export function copyIn(rt: Runtime, b: WasmBackendLike, t: tf.TensorInfo): number {
  const src = b.typedArrayFromHeap(t);
  const at = rt.alloc(src.length);
  rt.f32().set(src, at >> 2);
  return at;
}

/** Writes `rows` rows of `width` floats into the memory at byte offset `dst` with row stride `stride`. */
export function setRows(f32: Float32Array, dst: number, src: Float32Array, rows: number, width: number, stride: number): void {
  if (width === stride) { f32.set(src, dst >> 2); return; }
  const d = dst >> 2;
  f32.fill(0, d, d + rows * stride);
  for (let r = 0; r < rows; r++) f32.set(src.subarray(r * width, (r + 1) * width), d + r * stride);
}

/**
 * Copies `rows` rows of `width` floats with row stride `stride` from byte offset `src` into `dst`,
 * whose rows are `dstStride` floats apart from `dstOffset` (default: packed rows from 0).
 */
export function getRows(f32: Float32Array, src: number, rows: number, stride: number, width: number, dst: Float32Array,
  dstStride = width, dstOffset = 0): void {
  const s = src >> 2;
  if (width === stride && dstStride === width) { dst.set(f32.subarray(s, s + rows * width), dstOffset); return; }
  for (let r = 0; r < rows; r++) dst.set(f32.subarray(s + r * stride, s + r * stride + width), dstOffset + r * dstStride);
}

/**
 * Runs one layer through the SIMD kernel when the active backend is `wasm` (float32, N > 0);
 * otherwise returns null. Gradients, when recorded, are TorchLSTMLayer's registered gradient.
 */
export function fusedLayerWasm(x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: LayerWeights, reverse: boolean):
  { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } | null {
  if (tf.getBackend() !== 'wasm' || x.shape[1] === 0 || x.shape[0] === 0 || !register()) return null;
  return runLayerKernel(x, h0, c0, w, reverse);
}
