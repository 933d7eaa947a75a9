import * as tf from '@tensorflow/tfjs-core';
import { splitColumns, unstack0 } from '../kernels/unstack.js';
import { fusedLayerCpu } from '../kernels/cpu/lstm_layer.js';
import { fusedLayerGpu } from '../kernels/lstm_gpu_layer.js';
import { fusedLayerWasm } from '../kernels/wasm/lstm_layer.js';
import { fusedStackWasm } from '../kernels/wasm/lstm_stack.js';
import type { LayerWeights } from './lstm.js';

/**
 * The operations the LSTM recurrence needs, over one kind of value: a real float32 tensor, or a
 * complex number kept as a pair of float32 tensors. One recurrence serves both (see `lstm.ts`).
 */
export interface Algebra<T> {
  shape(a: T): number[];
  zeros(shape: number[]): T;
  /** `a·bT + bias` for 2-D `a` and an already transposed `bT`. */
  linear(a: T, bT: T, bias?: T): T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  sigmoid(a: T): T;
  tanh(a: T): T;
  transpose(a: T, perm?: number[]): T;
  reshape(a: T, shape: number[]): T;
  slice(a: T, begin: number[], size: number[]): T;
  split(a: T, n: number, axis: number): T[];
  unstack(a: T): T[];
  stack(xs: T[]): T;
  concat(xs: T[], axis: number): T;
  /** Multiplies by an element mask (real, already scaled), like `x * bernoulli(1-p) / (1-p)`. */
  mask(a: T, m: tf.Tensor): T;
  /** The underlying real tensors (for dependency tracking and disposal). */
  parts(a: T): tf.Tensor[];
  /** The inverse of `parts` for a list of values: `[...parts(x), ...parts(y)]` back to `[x, y]`. */
  fromParts(ts: tf.Tensor[]): T[];
  /** Adds a real scalar to every part. */
  addScalar(a: T, s: tf.Scalar): T;
  /** A fused kernel for one whole layer and direction, or null where none applies. */
  fusedLayer?(x: T, h0: T, c0: T, w: LayerWeights<T>, reverse: boolean): { output: T; h: T; c: T } | null;
  /**
   * A fused kernel for a stack of layers in one or both directions without dropout between them,
   * forward only (h0, c0: (D·layers, N, ·); weights per layer and direction), or null where none
   * applies.
   */
  fusedStack?(x: T, h0: T, c0: T, layers: readonly LayerWeights<T>[], directions: number): { output: T; h: T; c: T } | null;
}

/** Plain float32 tensors. */
export const real: Algebra<tf.Tensor> = {
  shape: (a) => a.shape,
  zeros: (shape) => tf.zeros(shape),
  linear: (a, bT, bias) => (bias
    ? tf.fused.matMul({ a: a as tf.Tensor2D, b: bT as tf.Tensor2D, bias })
    : tf.matMul(a as tf.Tensor2D, bT as tf.Tensor2D)),
  add: (a, b) => tf.add(a, b),
  mul: (a, b) => tf.mul(a, b),
  sigmoid: (a) => tf.sigmoid(a),
  tanh: (a) => tf.tanh(a),
  transpose: (a, perm) => tf.transpose(a, perm),
  reshape: (a, shape) => tf.reshape(a, shape),
  slice: (a, begin, size) => tf.slice(a, begin, size),
  split: (a, n, axis) => (axis === a.rank - 1 ? splitColumns(a, n) : tf.split(a, n, axis)),
  unstack: (a) => unstack0(a),
  stack: (xs) => tf.stack(xs),
  concat: (xs, axis) => tf.concat(xs, axis),
  mask: (a, m) => tf.mul(a, m),
  parts: (a) => [a],
  fromParts: (ts) => ts,
  addScalar: (a, s) => tf.add(a, s),
  fusedLayer: (x, h0, c0, w, reverse) => fusedLayerCpu(x, h0, c0, w, reverse) ?? fusedLayerWasm(x, h0, c0, w, reverse)
    ?? fusedLayerGpu(x, h0, c0, w, reverse),
  fusedStack: (x, h0, c0, layers, directions) => fusedStackWasm(x, h0, c0, layers, directions),
};
