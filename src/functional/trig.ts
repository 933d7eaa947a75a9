import * as tf from '@tensorflow/tfjs-core';
import { TorchCos, TorchSin } from '../kernels/wasm/complex.js';

/**
 * `sin(x)` and `cos(x)` of a float32 tensor, as accurate as torch's (about 1 ulp) on every backend.
 * complex sigmoid and tanh need them (through cos(Im z) and sin(Im z)), and their errors are
 * amplified by the complex recurrence, so each backend takes its most accurate route:
 * - cpu (and tfjs-node): tfjs's own Sin/Cos (`Math.sin` in double, or Eigen);
 * - wasm: this library's TorchSin/TorchCos kernels (tfjs-backend-wasm's lose up to ~1e-6);
 * - webgl, webgpu: {@link sincosF32} from exact float32 arithmetic, because GPU `sin`/`cos` are
 *   approximations (WGSL only promises an absolute error of 2⁻¹¹ on [-π, π]; 1.9e-4 measured on
 *   SwiftShader).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { functional } from 'tfjs-torch';
 * const [s, c] = functional.sincos(tf.tensor([0, Math.PI / 2]));   // [0, 1], [1, ~0]
 * ```
 */
export function sincos(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const backend = tf.getBackend();
  if (backend === 'wasm') {
    return [tf.engine().runKernel(TorchSin, { x }, {}) as tf.Tensor, tf.engine().runKernel(TorchCos, { x }, {}) as tf.Tensor];
  }
  if (backend === 'webgl' || backend === 'webgpu') return sincosF32(x);
  return [tf.sin(x), tf.cos(x)];
}

/** 2/π in float32 (fdlibm's e_rem_pio2f.c). */
const INV_PIO2 = 6.3661974669e-01;

/** `v` cut to its leading `bits` significant bits (exact in float32 for bits ≤ 24). */
function leadingBits(v: number, bits: number): number {
  const scale = 2 ** (bits - 1 - Math.floor(Math.log2(Math.abs(v))));
  return Math.trunc(v * scale) / scale;
}

/**
 * π/2 as A + B + C + D (Cody–Waite): A, B, C with 11 significant bits, so `k·A`, `k·B`, `k·C`
 * are exact in float32 for |k| < 2¹³, and D the float32 rest.
 */
const PIO2_PARTS = (() => {
  const parts: number[] = [];
  let rest = Math.PI / 2;
  for (let i = 0; i < 3; i++) { const p = leadingBits(rest, 11); parts.push(p); rest -= p; }
  parts.push(Math.fround(rest));
  return parts;
})();
/** fdlibm's float32 minimax coefficients for sin (k_sinf.c) and cos (k_cosf.c) on [-π/4, π/4]. */
const S = [-1.6666667163e-01, 8.3333337680e-03, -1.9841270114e-04, 2.7557314297e-06, -2.5050759689e-08, 1.5896910177e-10];
const C = [4.1666667908e-02, -1.3888889225e-03, 2.4801587642e-05, -2.7557314297e-07, 2.0875723372e-09, -1.1359647598e-11];

/** The argument reduction of {@link sincosF32}, for the GPU kernels' float-float sin and cos (kernels/float_float.ts). */
export const SINCOS_CONSTANTS = { INV_PIO2, PIO2_PARTS } as const;

/** `c[0] + z·(c[1] + z·(…))` (Horner). */
function horner(z: tf.Tensor, c: readonly number[]): tf.Tensor {
  let p: tf.Tensor = tf.scalar(c[c.length - 1]!);
  for (let k = c.length - 2; k >= 0; k--) p = tf.add(tf.mul(p, z), c[k]!);
  return p;
}

/**
 * sin and cos from float32 additions and multiplications only (fdlibm's algorithm): Cody–Waite
 * reduction `r = x - k·π/2` with π/2 in four parts, fdlibm's minimax polynomials on
 * [-π/4, π/4], then the quadrant `k mod 4` picks ±sin r or ±cos r. Within 1.5 ulp of the exact
 * value for |x| < 2¹³·π/2 (test/trig.spec.ts); past that the reduction loses bits gradually.
 * Differentiable (its gradient is the polynomial's), backend-agnostic.
 */
export function sincosF32(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const k = tf.floor(tf.add(tf.mul(x, INV_PIO2), 0.5));
    let r = x;
    for (const p of PIO2_PARTS) r = tf.sub(r, tf.mul(k, p));
    const z = tf.mul(r, r);
    // sin r = r + r·z·S(z)
    const sinR = tf.add(r, tf.mul(tf.mul(r, z), horner(z, S)));
    // cos r = 1 - z/2 + z²·C(z), with 1 - z/2 split so its rounding error is carried (musl's __cos).
    const hz = tf.mul(z, 0.5);
    const w = tf.sub(1, hz);
    const cosR = tf.add(w, tf.add(tf.sub(tf.sub(1, w), hz), tf.mul(tf.mul(z, z), horner(z, C))));
    const q = tf.sub(k, tf.mul(tf.floor(tf.mul(k, 0.25)), 4)); // k mod 4, in 0..3
    const odd = tf.logicalOr(tf.equal(q, 1), tf.equal(q, 3)); // quadrants 1, 3 swap sin and cos
    const sinNeg = tf.greaterEqual(q, 2); // sin x < 0 in quadrants 2, 3
    const cosNeg = tf.logicalOr(tf.equal(q, 1), tf.equal(q, 2)); // cos x < 0 in quadrants 1, 2
    const s = tf.where(odd, cosR, sinR);
    const c = tf.where(odd, sinR, cosR);
    return [tf.where(sinNeg, tf.neg(s), s), tf.where(cosNeg, tf.neg(c), c)];
  });
}
