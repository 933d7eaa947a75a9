import * as tf from '@tensorflow/tfjs-core';
import { type Algebra, real } from './algebra.js';
import { type Complex, complex } from './complex.js';

/** The recurrence's options, in the order of torch's `_VF.lstm(...)` arguments. */
export interface LSTMFunctionalOptions {
  /** Whether each layer/direction has `bias_ih` and `bias_hh` in the flat weight list. */
  has_biases: boolean;
  num_layers: number;
  /** Dropout probability on every layer's output but the last, applied only when `train`. */
  dropout: number;
  train: boolean;
  bidirectional: boolean;
  /** Whether `input` (and `output`) are (N, L, ·) instead of (L, N, ·). */
  batch_first: boolean;
}

/** One layer and direction's weights, as torch registers them. */
export interface LayerWeights<T = tf.Tensor> {
  w_ih: T;
  w_hh: T;
  b_ih?: T;
  b_hh?: T;
  w_hr?: T;
}

/**
 * The multi-layer LSTM recurrence, computed the way PyTorch's CPU kernel (`RNN.cpp`) does: per
 * layer and direction, the input projection `x·W_ihᵀ + b_ih` for all L steps in one matmul, then
 * per step `gates = (h·W_hhᵀ + b_hh) + pre[t]`, one split into i, f, g, o,
 * `c = σ(f)*c + σ(i)*tanh(g)`, `h = σ(o)*tanh(c)`, and `h = h·W_hrᵀ` when projecting.
 *
 * Pure and backend-agnostic (tfjs ops only, differentiable), it is the reference
 * implementation that fused kernels must agree with.
 *
 * @param input (L, N, H_in), or (N, L, H_in) with `batch_first`; L > 0.
 * @param hx `[h_0, c_0]`: (D·num_layers, N, H_out) and (D·num_layers, N, H_cell).
 * @param flat_weights per layer, per direction: `w_ih, w_hh[, b_ih, b_hh][, w_hr]`.
 * @returns `[output, h_n, c_n]`; output is (L, N, D·H_out) (batch first if asked).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { nn, functional } from 'tfjs-torch';
 * const m = new nn.LSTM(2, 3);
 * const x = tf.ones([4, 1, 2]);
 * const [out, h, c] = functional.lstm(x, [tf.zeros([1, 1, 3]), tf.zeros([1, 1, 3])],
 *   m.parameters(), { has_biases: true, num_layers: 1, dropout: 0, train: false,
 *   bidirectional: false, batch_first: false });
 * ```
 */
export function lstm(input: tf.Tensor3D, hx: [tf.Tensor3D, tf.Tensor3D], flat_weights: readonly tf.Tensor[],
  options: LSTMFunctionalOptions): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  return tf.tidy(() => recurrence(real, input, hx, flat_weights, options)) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
}

/**
 * The same recurrence in complex arithmetic, on complex tensors kept as (re, im) pairs of
 * float32 tensors (tfjs's matMul and activations reject complex64): torch's complex64 LSTM.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { functional } from 'tfjs-torch';
 * const z = (shape: number[]) => ({ re: tf.zeros(shape), im: tf.zeros(shape) });
 * const w = [z([4, 1]), z([4, 1]), z([4]), z([4])];
 * const [out] = functional.lstmComplex(z([2, 1, 1]), [z([1, 1, 1]), z([1, 1, 1])], w,
 *   { has_biases: true, num_layers: 1, dropout: 0, train: false, bidirectional: false, batch_first: false });
 * ```
 */
export function lstmComplex(input: Complex, hx: [Complex, Complex], flat_weights: readonly Complex[],
  options: LSTMFunctionalOptions): [Complex, Complex, Complex] {
  const parts = tf.tidy(() => recurrence(complex, input, hx, flat_weights, options).flatMap(complex.parts));
  return complex.fromParts(parts) as [Complex, Complex, Complex];
}

function recurrence<T>(alg: Algebra<T>, input: T, hx: [T, T], flat_weights: readonly T[],
  options: LSTMFunctionalOptions): T[] {
  const D = options.bidirectional ? 2 : 1;
  const layers = groupWeights(flat_weights, options.num_layers * D, options.has_biases);
  let x = options.batch_first ? alg.transpose(input, [1, 0, 2]) : input;
  const [L, N] = alg.shape(x) as [number, number, number];
  const hOut = alg.shape(hx[0])[2]!;
  const hCell = alg.shape(hx[1])[2]!;
  if (N === 0) {
    // Torch parity: an empty batch returns empty tensors whose gradients are zeros (computed
    // without tfjs's empty matmuls and reductions, which return garbage on wasm).
    const zero = zeroDependency([input, hx[0], hx[1], ...flat_weights].flatMap((t) => alg.parts(t)));
    const empty = (shape: number[]) => alg.fromParts(alg.parts(alg.zeros(shape)).map(() => emptyOf(shape, zero)))[0]!;
    const out = empty([L, 0, D * hOut]);
    return [options.batch_first ? alg.transpose(out, [1, 0, 2]) : out,
      empty([D * options.num_layers, 0, hOut]), empty([D * options.num_layers, 0, hCell])];
  }
  // One call for the whole stack where a kernel does it: several layers, or both directions of one
  // (dropout between layers in training needs the layer outputs in tfjs).
  if ((options.num_layers > 1 || D === 2) && !(options.train && options.dropout > 0 && options.num_layers > 1)) {
    const r = alg.fusedStack?.(x, hx[0], hx[1], layers, D);
    if (r) return [options.batch_first ? alg.transpose(r.output, [1, 0, 2]) : r.output, r.h, r.c];
  }
  const hs: T[] = [];
  const cs: T[] = [];
  // One layer and direction: h_0/c_0 are reshapes of hx (no copy) instead of slices.
  const one = alg.shape(hx[0])[0] === 1;
  for (let layer = 0; layer < options.num_layers; layer++) {
    if (layer > 0 && options.train && options.dropout > 0) x = alg.mask(x, dropoutMask(alg.shape(x), options.dropout));
    const outs: T[] = [];
    for (let dir = 0; dir < D; dir++) {
      const idx = layer * D + dir;
      const h0 = alg.reshape(one ? hx[0] : alg.slice(hx[0], [idx, 0, 0], [1, N, hOut]), [N, hOut]);
      const c0 = alg.reshape(one ? hx[1] : alg.slice(hx[1], [idx, 0, 0], [1, N, hCell]), [N, hCell]);
      const r = alg.fusedLayer?.(x, h0, c0, layers[idx]!, dir === 1) ?? lstmLayer(alg, x, h0, c0, layers[idx]!, dir === 1);
      outs.push(r.output);
      hs.push(r.h);
      cs.push(r.c);
    }
    const next = outs.length === 1 ? outs[0]! : alg.concat(outs, 2);
    // Free the previous layer's output once this layer has consumed it (never the caller's input).
    if (layer > 0 || x !== input) tf.dispose(alg.parts(x));
    if (outs.length > 1) tf.dispose(outs.flatMap((o) => alg.parts(o)));
    x = next;
  }
  const output = options.batch_first ? alg.transpose(x, [1, 0, 2]) : x;
  const stack = (xs: T[]) => (xs.length === 1 ? alg.reshape(xs[0]!, [1, ...alg.shape(xs[0]!)]) : alg.stack(xs));
  return [output, stack(hs), stack(cs)];
}

/** Splits torch's flat weight list into per layer/direction groups. */
export function groupWeights<T>(flat: readonly T[], groups: number, hasBiases: boolean): LayerWeights<T>[] {
  const per = flat.length / groups;
  const hasProj = per === (hasBiases ? 5 : 3);
  if (!Number.isInteger(per) || per !== (hasBiases ? 4 : 2) + (hasProj ? 1 : 0)) {
    throw new Error(`lstm: expected ${groups} groups of weights, got ${flat.length} tensors`);
  }
  const out: LayerWeights<T>[] = [];
  for (let g = 0; g < groups; g++) {
    const w = flat.slice(g * per, (g + 1) * per);
    out.push({
      w_ih: w[0]!,
      w_hh: w[1]!,
      b_ih: hasBiases ? w[2] : undefined,
      b_hh: hasBiases ? w[3] : undefined,
      w_hr: hasProj ? w[per - 1] : undefined,
    });
  }
  return out;
}

/** One layer in one direction over (L, N, in); returns the (L, N, H_out) output and final state. */
function lstmLayer<T>(alg: Algebra<T>, x: T, h0: T, c0: T, w: LayerWeights<T>, reverse: boolean) {
  const [L, N, inSize] = alg.shape(x) as [number, number, number];
  const gateSize = alg.shape(w.w_ih)[0]!;
  // x·W_ihᵀ for all steps in one matmul, then + b_ih over all steps in one op: the same float32
  // sums as torch's per-step `x·W_ihᵀ + b_ih`, one op instead of L.
  let pre: T;
  if (inSize === 0) {
    // input_size = 0: x·W_ihᵀ is all zeros (tfjs's wasm matmul with inner size 0 is not).
    pre = alg.addScalar(alg.zeros([L * N, gateSize]), zeroDependency([...alg.parts(x), ...alg.parts(w.w_ih)]));
  } else {
    const x2 = alg.reshape(x, [L * N, inSize]);
    const wihT = alg.transpose(w.w_ih);
    pre = alg.linear(x2, wihT);
    tf.dispose([...alg.parts(x2), ...alg.parts(wihT)]);
  }
  if (w.b_ih) {
    const withBias = alg.add(pre, w.b_ih);
    tf.dispose(alg.parts(pre));
    pre = withBias;
  }
  // Torch parity: tf.unstack's gradient fails for a single slice, so L = 1 is a reshape.
  let steps: T[];
  if (L === 1) {
    steps = [alg.reshape(pre, [N, gateSize])];
  } else {
    // tfjs counts a reshaped view as new bytes: drop the 2-D handle before splitting.
    const pre3 = alg.reshape(pre, [L, N, gateSize]);
    tf.dispose(alg.parts(pre));
    steps = alg.unstack(pre3);
    tf.dispose(alg.parts(pre3)); // the steps hold their own copies
  }
  const whhT = alg.transpose(w.w_hh);
  const whrT = w.w_hr ? alg.transpose(w.w_hr) : undefined;
  let h = h0;
  let c = c0;
  const outs: T[] = new Array(L);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    // One tidy per step: the step's intermediates are freed at once (a recorded tape keeps its
    // own references), so memory stays at the projection, the outputs and O(N·H) state.
    const next = tf.tidy(() => {
      const gates = alg.add(alg.linear(h, whhT, w.b_hh), steps[t]!);
      const [i, f, g, o] = alg.split(gates, 4, 1) as [T, T, T, T];
      const cNew = alg.add(alg.mul(alg.sigmoid(f), c), alg.mul(alg.sigmoid(i), alg.tanh(g)));
      let hNew = alg.mul(alg.sigmoid(o), alg.tanh(cNew));
      if (whrT) hNew = alg.linear(hNew, whrT);
      return alg.parts(hNew).concat(alg.parts(cNew));
    });
    tf.dispose(alg.parts(steps[t]!));
    if (c !== c0) tf.dispose(alg.parts(c));
    [h, c] = alg.fromParts(next);
    outs[t] = h;
  }
  const output = alg.stack(outs);
  // The stack holds its own copy: free the per-step outputs except the final state.
  for (const o of outs) if (o !== h && o !== h0) tf.dispose(alg.parts(o));
  tf.dispose([...alg.parts(whhT), ...(whrT ? alg.parts(whrT) : [])]);
  return { output, h, c };
}

/**
 * A zero tensor of an empty `shape` whose gradient to `dep` is 0. (`zeros + dep` would do, but
 * its gradient sums an empty tensor, which tfjs's webgl and webgpu Sum cannot.)
 */
function emptyOf(shape: number[], dep: tf.Scalar): tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.zeros(shape), gradFunc: () => tf.zerosLike(args[0] as tf.Tensor),
  }))(dep);
}

/**
 * A scalar 0 that depends on every given tensor (empty ones included), so that gradients with
 * respect to them exist and are zeros. The 1-element pad keeps every reduction non-empty.
 */
function zeroDependency(ts: readonly tf.Tensor[]): tf.Scalar {
  const flat = ts.map((t) => tf.reshape(t, [-1]));
  return tf.mul(tf.sum(tf.concat([...flat, tf.zeros([1])])), 0);
}

/**
 * The inverted-dropout mask `bernoulli(1-p)/(1-p)` with a fresh draw per element, like
 * `at::dropout(x, p, train=true)`; p = 1 gives zeros.
 * Torch parity: statistically the same as torch; torch's exact mask bits cannot be reproduced.
 */
function dropoutMask(shape: number[], p: number): tf.Tensor {
  if (p >= 1) return tf.zeros(shape);
  return tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(shape), p), 'float32'), 1 - p);
}
