import { floatFloatLib, lit } from '../float_float.js';

/**
 * torch's complex64 σ and tanh in WGSL, for the complex LSTM step program (./lstm_complex.ts):
 * the op-composed complex path's formulas (functional/complex.ts) on one element, built on
 * correctly rounded float32 exp, sin, cos, sinh and cosh (../float_float.ts), as the CPU kernel's
 * are: the GPU's own are several ulp off, and the ill-conditioned complex recurrence amplifies
 * last-bit differences.
 */

/** ln(FLT_MAX)/2 as float32 (functional/complex.ts `TANH_T`: a uniform on the GPU, so float32). */
export const TANH_T32 = Math.fround((127 * Math.LN2) / 2);

export const WGSL_COMPLEX = `${floatFloatLib('wgsl')}
  fn cmul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> {
    return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
  }
  // 1 / (1 + exp(-z)): conj(w)/|w|² where vectorised (torch's AVX2 path), else Smith's division.
  fn csigmoid(z : vec2<f32>, vectorised : bool) -> vec2<f32> {
    let e = expF(-z.x);
    let sc = sincosF(z.y);
    let dr = e * sc.y + 1.0;
    let di = -(e * sc.x);
    if (vectorised) {
      let abs2 = dr * dr + di * di;
      return vec2<f32>(dr / abs2, -di / abs2);
    }
    let cFirst = abs(dr) >= abs(di);
    let num = select(dr, di, cFirst);
    let den = select(di, dr, cFirst);
    let rat = num / den;
    let s = den + num * rat;
    let one = 1.0 / s;
    let ratS = rat / s;
    return vec2<f32>(select(ratS, one, cFirst), -select(one, ratS, cFirst));
  }
  // glibc's ctanhf: (sinh a cosh a + i sin b cos b) / (sinh² a + cos² b), past ln(FLT_MAX)/2 its limit.
  fn ctanh(z : vec2<f32>) -> vec2<f32> {
    let t = ${lit(TANH_T32)};
    let a = clamp(z.x, -t, t);
    let sh = sinhcosh(a);
    let sc = sincosF(z.y);
    let den = sh.x * sh.x + sc.y * sc.y;
    let p = sc.x * sc.y;
    if (abs(z.x) > t) { return vec2<f32>(sign(z.x), (p * 4.0) * expF(abs(z.x) * -2.0)); }
    return vec2<f32>((sh.x * sh.y) / den, p / den);
  }`;
