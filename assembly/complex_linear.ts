// Complex64 linear layers, out = a·wᵀ (+ b), for the complex LSTM kernel on the `wasm` backend
// (src/kernels/wasm/complex_linear.ts drives them; the cell math stays in JavaScript). Compiled into
// every build of the LSTM module (lstm_layer.ts re-exports these), called on the caller's thread.
//
// Torch parity: summed as torch's CPU matmul (reference BLAS cgemm) sums: each complex product
// (ac - bd) + (ad + bc)i rounded to float32 part by part, with a multiply and an add even in the
// relaxed-SIMD builds (no fused multiply-add), added to the float32 sum in k order, the bias after
// the sum: the same numbers as src/kernels/cpu/complex_linear.ts, bit for bit.
//
// Complex matrices are two planes, real and imaginary parts; w is packed in panels of 4 columns:
// panel q, row k holds [re of columns 4q..4q+3 | im of them] (8 floats), so 4 lanes hold 4 columns.

/** Packs w (cols, K), parts at wRe / wIm, into panels of 4 columns at dst; columns ≥ cols are 0. */
export function cpack(wRe: usize, wIm: usize, cols: i32, K: i32, dst: usize): void {
  const panels = (cols + 3) >> 2;
  for (let q = 0; q < panels; q++) {
    for (let k = 0; k < K; k++) {
      const d = dst + (<usize>((q * K + k) * 8) << 2);
      for (let l = 0; l < 4; l++) {
        const j = q * 4 + l;
        const inside = j < cols;
        const at = <usize>(j * K + k) << 2;
        store<f32>(d + (<usize>l << 2), inside ? load<f32>(wRe + at) : 0);
        store<f32>(d + (<usize>(l + 4) << 2), inside ? load<f32>(wIm + at) : 0);
      }
    }
  }
}

/** Re(x·w) on 4 lanes: ac - bd, each product rounded (no fused multiply-add). */
@inline function mulRe(xr: v128, xi: v128, wr: v128, wi: v128): v128 {
  return f32x4.sub(f32x4.mul(xr, wr), f32x4.mul(xi, wi));
}

/** Im(x·w) on 4 lanes: ad + bc, each product rounded. */
@inline function mulIm(xr: v128, xi: v128, wr: v128, wi: v128): v128 {
  return f32x4.add(f32x4.mul(xr, wi), f32x4.mul(xi, wr));
}

/**
 * out = a·wᵀ (+ b) for `rows` rows of a (parts aRe / aIm, rows lda floats apart, K columns) and
 * w packed by cpack in `panels` panels: out rows (parts outRe / outIm) ldo floats apart, each
 * panel's 4 columns written whole (ldo ≥ 4·panels); b (parts bRe / bIm, 4·panels floats; bRe 0:
 * no bias).
 */
export function clinear(aRe: usize, aIm: usize, lda: i32, rows: i32, K: i32, w: usize, panels: i32,
  bRe: usize, bIm: usize, outRe: usize, outIm: usize, ldo: i32): void {
  const panelBytes = <usize>(K * 8) << 2;
  for (let r = 0; r < rows; r++) {
    const xre = aRe + (<usize>(r * lda) << 2);
    const xim = aIm + (<usize>(r * lda) << 2);
    const ore = outRe + (<usize>(r * ldo) << 2);
    const oim = outIm + (<usize>(r * ldo) << 2);
    let q = 0;
    // Two panels at a time: four independent sums.
    for (; q + 1 < panels; q += 2) {
      let s0r = f32x4.splat(0); let s0i = f32x4.splat(0); let s1r = f32x4.splat(0); let s1i = f32x4.splat(0);
      let wp = w + <usize>q * panelBytes;
      const d = panelBytes;
      for (let k = 0; k < K; k++) {
        const xr = v128.load32_splat(xre + (<usize>k << 2));
        const xi = v128.load32_splat(xim + (<usize>k << 2));
        const w0r = v128.load(wp); const w0i = v128.load(wp, 16);
        const w1r = v128.load(wp + d); const w1i = v128.load(wp + d, 16);
        s0r = f32x4.add(s0r, mulRe(xr, xi, w0r, w0i)); s0i = f32x4.add(s0i, mulIm(xr, xi, w0r, w0i));
        s1r = f32x4.add(s1r, mulRe(xr, xi, w1r, w1i)); s1i = f32x4.add(s1i, mulIm(xr, xi, w1r, w1i));
        wp += 32;
      }
      if (bRe) {
        s0r = f32x4.add(s0r, v128.load(bRe + (<usize>q << 4))); s0i = f32x4.add(s0i, v128.load(bIm + (<usize>q << 4)));
        s1r = f32x4.add(s1r, v128.load(bRe + (<usize>(q + 1) << 4))); s1i = f32x4.add(s1i, v128.load(bIm + (<usize>(q + 1) << 4)));
      }
      v128.store(ore + (<usize>q << 4), s0r); v128.store(oim + (<usize>q << 4), s0i);
      v128.store(ore + (<usize>(q + 1) << 4), s1r); v128.store(oim + (<usize>(q + 1) << 4), s1i);
    }
    if (q < panels) {
      let sr = f32x4.splat(0); let si = f32x4.splat(0);
      let wp = w + <usize>q * panelBytes;
      for (let k = 0; k < K; k++) {
        const xr = v128.load32_splat(xre + (<usize>k << 2));
        const xi = v128.load32_splat(xim + (<usize>k << 2));
        const wr = v128.load(wp); const wi = v128.load(wp, 16);
        sr = f32x4.add(sr, mulRe(xr, xi, wr, wi)); si = f32x4.add(si, mulIm(xr, xi, wr, wi));
        wp += 32;
      }
      if (bRe) { sr = f32x4.add(sr, v128.load(bRe + (<usize>q << 4))); si = f32x4.add(si, v128.load(bIm + (<usize>q << 4))); }
      v128.store(ore + (<usize>q << 4), sr); v128.store(oim + (<usize>q << 4), si);
    }
  }
}
