import * as tf from '@tensorflow/tfjs-core';
import { type Algebra, real } from './algebra.js';
import { NotImplementedError } from '../errors.js';
import { sincos } from './trig.js';
import { fusedComplexLayer } from '../kernels/cpu/lstm_complex.js';
import { fusedComplexLayerGpu } from '../kernels/lstm_complex_layer.js';

/** A complex tensor as two float32 tensors of one shape. */
// A type alias (not an interface) so that tf.tidy accepts it as a TensorContainer.
export type Complex = {
  re: tf.Tensor;
  im: tf.Tensor;
};

/** ln(FLT_MAX)/2 (glibc's `t` in ctanhf): beyond it tanh's real part is ±1 in float32. */
const TANH_T = (127 * Math.LN2) / 2;

/**
 * torch's complex64 `sigmoid` on the CPU, `1 / (1 + exp(-z))`, computed the two ways its AVX2
 * kernel does: along each row, the first 8·⌊n/8⌋ elements go through the vectorised path
 * (`exp(a+bi) = exp(a)·(cos b + i sin b)`, then `1/w = conj(w)/|w|²` in float32) and the rest
 * through the scalar path (c10::complex division, Smith's algorithm). The two differ in the last
 * bits, which the ill-conditioned complex recurrence can amplify, and in overflow.
 * Torch parity: for Re z below about -88.7, exp overflows and torch returns NaN; so does this.
 */
export function sigmoid(z: Complex): Complex {
  return tf.tidy(() => {
    const e = tf.exp(tf.neg(z.re));
    const [sinb, cosb] = sincos(z.im);
    const dr = tf.add(tf.mul(e, cosb), 1);
    const di = tf.neg(tf.mul(e, sinb));
    const n = z.re.shape[z.re.rank - 1] ?? 1;
    const vectorised = n - (n % 8);
    const scalar = smithReciprocal(dr, di);
    if (vectorised === 0) return scalar;
    const abs2 = tf.add(tf.mul(dr, dr), tf.mul(di, di));
    const vec = { re: tf.div(dr, abs2), im: tf.div(tf.neg(di), abs2) };
    if (vectorised === n) return vec;
    const cols = tf.less(tf.range(0, n, 1, 'int32'), vectorised);
    return { re: tf.where(cols, vec.re, scalar.re), im: tf.where(cols, vec.im, scalar.im) };
  });
}

/**
 * `1 / (c + di)` as c10::complex's division computes it (numpy's variant of Smith's algorithm,
 * the scale factor in double): |c| ≥ |d|: r = d/c, s = c + d·r, result (1/s, -r/s); otherwise
 * r = c/d, s = d + c·r, result (r/s, -1/s).
 */
function smithReciprocal(c: tf.Tensor, d: tf.Tensor): Complex {
  const cFirst = tf.greaterEqual(tf.abs(c), tf.abs(d));
  const num = tf.where(cFirst, d, c);
  const den0 = tf.where(cFirst, c, d);
  const rat = tf.div(num, den0);
  const s = tf.add(den0, tf.mul(num, rat));
  const one = tf.div(1, s);
  const ratS = tf.div(rat, s);
  return { re: tf.where(cFirst, one, ratS), im: tf.neg(tf.where(cFirst, ratS, one)) };
}

/**
 * torch's complex64 `tanh` (`std::tanh`, i.e. glibc's ctanhf): with a = Re z, b = Im z,
 * `(sinh a·cosh a + i sin b·cos b) / (sinh² a + cos² b)`, and for |a| > ln(FLT_MAX)/2 the
 * overflow-free limit `±1 + i·4 sin b cos b·exp(-2|a|)`, never NaN.
 */
export function tanh(z: Complex): Complex {
  return tf.tidy(() => {
    const big = tf.greater(tf.abs(z.re), TANH_T);
    const a = tf.clipByValue(z.re, -TANH_T, TANH_T);
    const sinha = tf.sinh(a);
    const cosha = tf.cosh(a);
    const [sinb, cosb] = sincos(z.im);
    const den = tf.add(tf.mul(sinha, sinha), tf.mul(cosb, cosb));
    const sc = tf.mul(sinb, cosb);
    const re = tf.where(big, tf.sign(z.re), tf.div(tf.mul(sinha, cosha), den));
    const imBig = tf.mul(tf.mul(sc, 4), tf.exp(tf.mul(tf.abs(z.re), -2)));
    return { re, im: tf.where(big, imBig, tf.div(sc, den)) };
  });
}

/** `(a + bi)(c + di) = (ac - bd) + (ad + bc)i`, elementwise. */
export function mul(x: Complex, y: Complex): Complex {
  return {
    re: tf.sub(tf.mul(x.re, y.re), tf.mul(x.im, y.im)),
    im: tf.add(tf.mul(x.re, y.im), tf.mul(x.im, y.re)),
  };
}

/**
 * Complex `a·bT (+ bias)` from four real matmuls, `(A + iB)(C + iD) = (AC - BD) + i(AD + BC)`:
 * the schoolbook form keeps float32 accuracy that the 3-product (Gauss) form loses. The layer
 * kernels sum in torch's order instead (kernels/cpu/complex_linear.ts); this is the op path's.
 */
export function linear(a: Complex, bT: Complex, bias?: Complex): Complex {
  const mm = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D);
  let re: tf.Tensor = tf.sub(mm(a.re, bT.re), mm(a.im, bT.im));
  let im: tf.Tensor = tf.add(mm(a.re, bT.im), mm(a.im, bT.re));
  if (bias) { re = tf.add(re, bias.re); im = tf.add(im, bias.im); }
  return { re, im };
}

const both = (f: (t: tf.Tensor) => tf.Tensor) => (z: Complex): Complex => ({ re: f(z.re), im: f(z.im) });

/** Complex numbers as (re, im) pairs of float32 tensors. */
export const complex: Algebra<Complex> = {
  shape: (a) => a.re.shape,
  zeros: (shape) => ({ re: tf.zeros(shape), im: tf.zeros(shape) }),
  linear,
  add: (a, b) => ({ re: tf.add(a.re, b.re), im: tf.add(a.im, b.im) }),
  mul,
  sigmoid,
  tanh,
  transpose: (a, perm) => both((t) => tf.transpose(t, perm))(a),
  reshape: (a, shape) => both((t) => tf.reshape(t, shape))(a),
  slice: (a, begin, size) => both((t) => tf.slice(t, begin, size))(a),
  // Each part goes through the real algebra, so its backend-specific splits serve both.
  split: (a, n, axis) => {
    const i = real.split(a.im, n, axis);
    return real.split(a.re, n, axis).map((re, k) => ({ re, im: i[k]! }));
  },
  unstack: (a) => {
    const i = real.unstack(a.im);
    return real.unstack(a.re).map((re, k) => ({ re, im: i[k]! }));
  },
  stack: (xs) => ({ re: tf.stack(xs.map((x) => x.re)), im: tf.stack(xs.map((x) => x.im)) }),
  concat: (xs, axis) => ({ re: tf.concat(xs.map((x) => x.re), axis), im: tf.concat(xs.map((x) => x.im), axis) }),
  mask: (a, m) => ({ re: tf.mul(a.re, m), im: tf.mul(a.im, m) }),
  parts: (a) => [a.re, a.im],
  fromParts: (ts) => {
    const out: Complex[] = [];
    for (let k = 0; k < ts.length; k += 2) out.push({ re: ts[k]!, im: ts[k + 1]! });
    return out;
  },
  addScalar: (a, s) => ({ re: tf.add(a.re, s), im: tf.add(a.im, s) }),
  fusedLayer: (x, h0, c0, w, reverse) => fusedComplexLayer(x, h0, c0, w, reverse) ?? fusedComplexLayerGpu(x, h0, c0, w, reverse),
};

/** Splits a tfjs complex64 tensor into its float32 parts (a real tensor gets a zero imag). */
export function split(x: tf.Tensor): Complex {
  if (x.dtype !== 'complex64') return { re: x, im: tf.zerosLike(x) };
  return { re: tf.real(x), im: tf.imag(x) };
}

/** Joins float32 parts into a tfjs complex64 tensor. */
export function join(z: Complex): tf.Tensor {
  return tf.complex(z.re, z.im);
}

/** What a user gets when asking for a gradient through complex64 tensors. */
export const COMPLEX_GRAD_MESSAGE = 'gradients through complex64 tensors are not supported: TensorFlow.js has ' +
  'no gradient for its Complex, Real and Imag kernels, and PyTorch\'s own complex RNN gradients are unreliable ' +
  '(pytorch/pytorch#64186); complex64 LSTMs support forward only';

/**
 * Registers gradients for tfjs's Complex, Real and Imag kernels that raise
 * `NotImplementedError` with {@link COMPLEX_GRAD_MESSAGE}, instead of tfjs's bare "gradient
 * function not found". Kernels that already have a gradient are left alone.
 */
export function guardComplexGradients(): void {
  for (const kernelName of ['Complex', 'Real', 'Imag']) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({ kernelName, gradFunc: () => { throw new NotImplementedError(COMPLEX_GRAD_MESSAGE); } });
  }
}
