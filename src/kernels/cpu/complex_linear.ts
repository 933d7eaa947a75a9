/*
 * A complex64 linear layer, `out = a·wᵀ (+ b)`, summed as torch's CPU matmul sums it (BLAS cgemm:
 * compat/probe_complex_matmul_order.py), in plain JavaScript: the complex layer kernel's products
 * on `cpu`, and on `wasm` where the SIMD kernel is not loaded (assembly/complex_linear.ts computes
 * the same numbers).
 */

/** A complex matrix as its parts, row-major. */
export type Parts = [Float32Array, Float32Array];

/** `out = a·wᵀ (+ bias)` for complex a (rows, K) and w (cols, K), written from element `at` of out (cols per row). */
export type Linear = (a: Parts, rows: number, K: number, w: Parts, cols: number, bias: Parts | null, out: Parts,
  at?: number) => void;

const f = Math.fround;

/**
 * The complex layer kernel's products for one layer forward, in JavaScript: a {@link Linear} that
 * keeps each weight it is given transposed (k-major) until `release()`.
 *
 * `out = a·wᵀ (+ bias)` for complex a (rows, K) and w (cols, K), written from element `at` of out
 * (cols per row). Torch parity: as torch's CPU matmul (reference BLAS cgemm) sums, each complex
 * product `(ac - bd) + (ad + bc)i` rounded to float32 part by part (no fused multiply-add) and
 * added to the float32 sum in k order, the bias after the sum. Every operation is a double one
 * rounded to float32 (Math.fround, or the store into out, a Float32Array), which for +, - and ×
 * is float32's own result. The loop runs over k, then the columns: independent sums side by side.
 */
export function jsComplexLinear(): { linear: Linear; release(): void } {
  const transposed = new Map<Float32Array, Parts>();
  const kMajor = (w: Parts, cols: number, K: number): Parts => {
    let t = transposed.get(w[0]);
    if (!t) {
      t = [new Float32Array(K * cols), new Float32Array(K * cols)];
      for (let j = 0; j < cols; j++) {
        for (let k = 0; k < K; k++) { t[0][k * cols + j] = w[0][j * K + k]!; t[1][k * cols + j] = w[1][j * K + k]!; }
      }
      transposed.set(w[0], t);
    }
    return t;
  };
  const linear: Linear = (a, rows, K, w, cols, bias, out, at = 0) => {
    const [wr, wi] = kMajor(w, cols, K);
    const [ar, ai] = a;
    const [or, oi] = out;
    for (let r = 0; r < rows; r++) {
      const o = at + r * cols;
      or.fill(0, o, o + cols);
      oi.fill(0, o, o + cols);
      for (let k = 0; k < K; k++) {
        const xr = ar[r * K + k]!;
        const xi = ai[r * K + k]!;
        const wk = k * cols - o;
        for (let j = o; j < o + cols; j++) {
          const yr = wr[wk + j]!;
          const yi = wi[wk + j]!;
          or[j] += f(f(xr * yr) - f(xi * yi));
          oi[j] += f(f(xr * yi) + f(xi * yr));
        }
      }
      if (bias) {
        for (let j = 0; j < cols; j++) { or[o + j] += bias[0][j]!; oi[o + j] += bias[1][j]!; }
      }
    }
  };
  return { linear, release: () => transposed.clear() };
}
