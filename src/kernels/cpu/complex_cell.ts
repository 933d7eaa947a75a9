/*
 * torch's complex64 LSTM arithmetic on one element at a time, as the op-composed recurrence
 * (functional/complex.ts) computes it on the `cpu` backend: every tfjs op there evaluates in
 * double and stores float32, so each op here is one double operation and one Math.fround, in the
 * same order, and the results are the op path's bit for bit. Used by the complex layer kernel
 * (lstm_complex.ts).
 */

const f = Math.fround;

/** ln(FLT_MAX)/2, as functional/complex.ts has it (a double: tf.clipByValue compares with it as is). */
const TANH_T = (127 * Math.LN2) / 2;
/** The same bound as a float32 scalar tensor (tf.greater converts it), and as the GPU kernels' literal. */
export const TANH_T32 = f(TANH_T);

/** A complex result: the kernel's functions write here instead of allocating. */
export const out = { re: 0, im: 0 };

/**
 * torch's complex sigmoid `1 / (1 + exp(-z))` of one element (see functional/complex.ts
 * `sigmoid`): the AVX2 kernel's vectorised form (`conj(w)/|w|²`) where `vectorised`, else
 * c10::complex's division (Smith's algorithm).
 */
export function sigmoid(re: number, im: number, vectorised: boolean): void {
  const e = f(Math.exp(-re));
  const sinb = f(Math.sin(im));
  const cosb = f(Math.cos(im));
  const dr = f(f(e * cosb) + 1);
  const di = -f(e * sinb);
  if (vectorised) {
    const abs2 = f(f(dr * dr) + f(di * di));
    out.re = f(dr / abs2);
    out.im = f(-di / abs2);
    return;
  }
  const cFirst = Math.abs(dr) >= Math.abs(di);
  const num = cFirst ? di : dr;
  const den = cFirst ? dr : di;
  const rat = f(num / den);
  const s = f(den + f(num * rat));
  const one = f(1 / s);
  const ratS = f(rat / s);
  out.re = cFirst ? one : ratS;
  out.im = -(cFirst ? ratS : one);
}

/** torch's complex tanh of one element (glibc's ctanhf; see functional/complex.ts `tanh`). */
export function tanh(re: number, im: number): void {
  // Torch parity: beyond ln(FLT_MAX)/2 the overflow-free limit ±1 + i·4 sin b cos b·e^(-2|a|).
  const big = Math.abs(re) > TANH_T32;
  const a = re > TANH_T ? f(TANH_T) : re < -TANH_T ? f(-TANH_T) : re;
  const sinha = f(Math.sinh(a));
  const cosha = f(Math.cosh(a));
  const sinb = f(Math.sin(im));
  const cosb = f(Math.cos(im));
  const den = f(f(sinha * sinha) + f(cosb * cosb));
  const sc = f(sinb * cosb);
  // tf.sign: -1, 1, or 0 (NaN included).
  out.re = big ? (re < 0 ? -1 : re > 0 ? 1 : 0) : f(f(sinha * cosha) / den);
  out.im = big ? f(f(sc * 4) * f(Math.exp(f(Math.abs(re) * -2)))) : f(sc / den);
}

/**
 * One LSTM cell on complex gate sums i, f, g, o (re, im pairs) and c: writes c' to `cOut` and
 * h' = σ(o)·tanh(c') to `hOut` (index k of each re/im array). `vectorised`: whether this unit's
 * column takes torch's vectorised sigmoid (see `sigmoid`).
 */
export function cell(ir: number, ii: number, fr: number, fi: number, gr: number, gi: number, or: number, oi: number,
  cr: number, ci: number, vectorised: boolean, cOut: [Float32Array, Float32Array], hOut: [Float32Array, Float32Array],
  k: number): void {
  sigmoid(fr, fi, vectorised);
  const sfr = out.re; const sfi = out.im;
  sigmoid(ir, ii, vectorised);
  const sir = out.re; const sii = out.im;
  tanh(gr, gi);
  const tgr = out.re; const tgi = out.im;
  // c' = σ(f)·c + σ(i)·tanh(g), each complex product (ac - bd) + (ad + bc)i.
  const ncr = f(f(f(sfr * cr) - f(sfi * ci)) + f(f(sir * tgr) - f(sii * tgi)));
  const nci = f(f(f(sfr * ci) + f(sfi * cr)) + f(f(sir * tgi) + f(sii * tgr)));
  cOut[0][k] = ncr;
  cOut[1][k] = nci;
  sigmoid(or, oi, vectorised);
  const sor = out.re; const soi = out.im;
  tanh(ncr, nci);
  hOut[0][k] = f(f(sor * out.re) - f(soi * out.im));
  hOut[1][k] = f(f(sor * out.im) + f(soi * out.re));
}
