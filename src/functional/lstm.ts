import * as tf from '@tensorflow/tfjs-core';

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
export interface LayerWeights {
  w_ih: tf.Tensor2D;
  w_hh: tf.Tensor2D;
  b_ih?: tf.Tensor1D;
  b_hh?: tf.Tensor1D;
  w_hr?: tf.Tensor2D;
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
  return tf.tidy(() => {
    const D = options.bidirectional ? 2 : 1;
    const layers = groupWeights(flat_weights, options.num_layers * D, options.has_biases);
    let x = options.batch_first ? tf.transpose(input, [1, 0, 2]) : input;
    const [L, N] = x.shape;
    const hOut = hx[0].shape[2];
    const hCell = hx[1].shape[2];
    if (N === 0) {
      // Torch parity: an empty batch returns empty tensors whose gradients are zeros (computed
      // without tfjs's empty matmuls and reductions, which return garbage on wasm).
      const zero = zeroDependency([input, hx[0], hx[1], ...flat_weights]);
      const out = tf.add(tf.zeros([L, 0, D * hOut]), zero) as tf.Tensor3D;
      return [options.batch_first ? tf.transpose(out, [1, 0, 2]) : out,
        tf.add(tf.zeros([D * options.num_layers, 0, hOut]), zero), tf.add(tf.zeros([D * options.num_layers, 0, hCell]), zero)];
    }
    const hs: tf.Tensor2D[] = [];
    const cs: tf.Tensor2D[] = [];
    for (let layer = 0; layer < options.num_layers; layer++) {
      if (layer > 0 && options.train && options.dropout > 0) x = dropout(x, options.dropout);
      const outs: tf.Tensor3D[] = [];
      for (let dir = 0; dir < D; dir++) {
        const idx = layer * D + dir;
        const h0 = tf.squeeze(tf.slice(hx[0], [idx, 0, 0], [1, N, hOut]), [0]) as tf.Tensor2D;
        const c0 = tf.squeeze(tf.slice(hx[1], [idx, 0, 0], [1, N, hCell]), [0]) as tf.Tensor2D;
        const r = lstmLayer(x, h0, c0, layers[idx]!, dir === 1);
        outs.push(r.output);
        hs.push(r.h);
        cs.push(r.c);
      }
      x = outs.length === 1 ? outs[0]! : tf.concat(outs, 2);
    }
    const output = options.batch_first ? tf.transpose(x, [1, 0, 2]) : x;
    return [output, tf.stack(hs) as tf.Tensor3D, tf.stack(cs) as tf.Tensor3D];
  });
}

/** Splits torch's flat weight list into per layer/direction groups. */
export function groupWeights(flat: readonly tf.Tensor[], groups: number, hasBiases: boolean): LayerWeights[] {
  const per = flat.length / groups;
  const hasProj = per === (hasBiases ? 5 : 3);
  if (!Number.isInteger(per) || per !== (hasBiases ? 4 : 2) + (hasProj ? 1 : 0)) {
    throw new Error(`lstm: expected ${groups} groups of weights, got ${flat.length} tensors`);
  }
  const out: LayerWeights[] = [];
  for (let g = 0; g < groups; g++) {
    const w = flat.slice(g * per, (g + 1) * per);
    out.push({
      w_ih: w[0] as tf.Tensor2D,
      w_hh: w[1] as tf.Tensor2D,
      b_ih: hasBiases ? w[2] as tf.Tensor1D : undefined,
      b_hh: hasBiases ? w[3] as tf.Tensor1D : undefined,
      w_hr: hasProj ? w[per - 1] as tf.Tensor2D : undefined,
    });
  }
  return out;
}

/** One layer in one direction over (L, N, in); returns the (L, N, H_out) output and final state. */
function lstmLayer(x: tf.Tensor3D, h0: tf.Tensor2D, c0: tf.Tensor2D, w: LayerWeights, reverse: boolean) {
  const [L, N, inSize] = x.shape;
  const gateSize = w.w_ih.shape[0];
  let pre: tf.Tensor2D;
  if (inSize === 0) {
    // input_size = 0: x·W_ihᵀ is all zeros (tfjs's wasm matmul with inner size 0 is not).
    pre = tf.add(tf.zeros([L * N, gateSize]), zeroDependency([x, w.w_ih]));
    if (w.b_ih) pre = tf.add(pre, w.b_ih);
  } else {
    pre = linear(tf.reshape(x, [L * N, inSize]), tf.transpose(w.w_ih), w.b_ih);
  }
  // Torch parity: tf.unstack's gradient fails for a single slice, so L = 1 is a reshape.
  const steps = L === 1 ? [tf.reshape(pre, [N, gateSize]) as tf.Tensor2D]
    : tf.unstack(tf.reshape(pre, [L, N, gateSize])) as tf.Tensor2D[];
  const whhT = tf.transpose(w.w_hh);
  const whrT = w.w_hr ? tf.transpose(w.w_hr) : undefined;
  let h = h0;
  let c = c0;
  const outs: tf.Tensor2D[] = new Array(L);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    const gates = tf.add(linear(h, whhT, w.b_hh), steps[t]!);
    const [i, f, g, o] = tf.split(gates, 4, 1) as tf.Tensor2D[];
    c = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), tf.tanh(g!)));
    h = tf.mul(tf.sigmoid(o!), tf.tanh(c));
    if (whrT) h = tf.matMul(h, whrT) as tf.Tensor2D;
    outs[t] = h;
  }
  return { output: tf.stack(outs) as tf.Tensor3D, h, c };
}

/**
 * A scalar 0 that depends on every given tensor (empty ones included), so that gradients with
 * respect to them exist and are zeros. The 1-element pad keeps every reduction non-empty.
 */
function zeroDependency(ts: readonly tf.Tensor[]): tf.Scalar {
  const flat = ts.map((t) => tf.reshape(t, [-1]));
  return tf.mul(tf.sum(tf.concat([...flat, tf.zeros([1])])), 0);
}

/** `a·b + bias` (b already transposed), as one fused kernel where the backend has one. */
function linear(a: tf.Tensor2D, bT: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  return (bias ? tf.fused.matMul({ a, b: bT, bias }) : tf.matMul(a, bT)) as tf.Tensor2D;
}

/**
 * Inverted dropout with a fresh mask per element, like `at::dropout(x, p, train=true)`;
 * p = 1 gives zeros.
 * Torch parity: statistically the same as torch; torch's exact mask bits cannot be reproduced.
 */
function dropout(x: tf.Tensor3D, p: number): tf.Tensor3D {
  if (p >= 1) return tf.mul(x, 0);
  const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape), p), 'float32');
  return tf.mul(x, tf.div(keep, 1 - p));
}
