import { SINCOS_CONSTANTS } from '../../functional/trig.js';

/**
 * torch's complex64 σ and tanh in WGSL, for the complex LSTM step program (./lstm_complex.ts):
 * the op-composed complex path's formulas (functional/complex.ts) on one element, built on
 * float32 functions within about 1 ulp, as torch's are (Sleef's, glibc's), where the GPU's own are
 * coarser and the ill-conditioned complex recurrence amplifies the difference: sin and cos by
 * fdlibm's algorithm (functional/trig.ts `sincosF32`; GPU sin/cos: 2⁻¹¹ absolute), exp by fdlibm's
 * (GPU exp: 3 + 2·|x| ulp), sinh and cosh from that exp, sinh below 1 from its series.
 */

/** A float32 value as a literal that converts back to it exactly. */
export const lit = (v: number): string => Math.fround(v).toPrecision(17);

/** ln(FLT_MAX)/2 as float32 (functional/complex.ts `TANH_T`: a uniform on the GPU, so float32). */
export const TANH_T32 = Math.fround((127 * Math.LN2) / 2);

const { INV_PIO2, PIO2_PARTS, S, C } = SINCOS_CONSTANTS;
/** `c[0] + z·(c[1] + z·(…))` in shader source (the same text in WGSL and GLSL). */
export const hornerZ = (c: readonly number[]): string =>
  c.slice(0, -1).reduceRight((acc, k) => `(${acc}) * z + ${lit(k)}`, lit(c[c.length - 1]!));

/**
 * fdlibm's float32 exp (e_expf.c): k = round(x/ln 2), r = x - k·ln 2 with ln 2 in two parts
 * (k·LN2_HI exact), exp(r) from a rational form of a degree-4 minimax polynomial, times 2^k (as two
 * powers of two, so that no factor leaves the normal range). Within 1 ulp, where GPU `exp` is
 * allowed 3 + 2·|x| ulp (WGSL) and is the main error left in the complex recurrence on GPUs.
 */
export const EXP = {
  INV_LN2: 1.4426950216293335, LN2_HI: 0.693145751953125, LN2_LO: 1.428606765330187e-6,
  P1: 1.6666625440e-1, P2: -2.7667332906e-3,
  /** Past these, fdlibm returns +∞ and 0. */
  OVERFLOW: 88.7216796875, UNDERFLOW: -103.97208404541016,
} as const;

/**
 * sinh on |a| < 1 as its Taylor series to a¹¹ (the next term is below 2e-10 of the value), where
 * (eᵃ - e⁻ᵃ)/2 (the backend's formula) cancels; past 1 that formula loses under 1.2 ulp.
 */
export const SINH = [1 / 6, 1 / 120, 1 / 5040, 1 / 362880, 1 / 39916800];

export const WGSL_COMPLEX = `
  fn exp_(x : f32) -> f32 {
    let k = floor(x * ${lit(EXP.INV_LN2)} + 0.5);
    let hi = x - k * ${lit(EXP.LN2_HI)};
    let lo = k * ${lit(EXP.LN2_LO)};
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (${lit(EXP.P1)} + t * ${lit(EXP.P2)});
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    let ki = i32(k);
    let k1 = ki / 2;
    let scaled = y * bitcast<f32>((k1 + 127) << 23u) * bitcast<f32>((ki - k1 + 127) << 23u);
    if (x > ${lit(EXP.OVERFLOW)}) { return uniforms.INFINITY; }
    if (x < ${lit(EXP.UNDERFLOW)}) { return 0.0; }
    return scaled;
  }
  fn sinhcosh(a : f32) -> vec2<f32> {
    let e = exp_(a);
    let z = a * a;
    let small = a + (a * z) * (${hornerZ(SINH)});
    return vec2<f32>(select((e - 1.0 / e) * 0.5, small, abs(a) < 1.0), (e + 1.0 / e) * 0.5);
  }
  fn sincos_(x : f32) -> vec2<f32> {
    let k = floor(x * ${lit(INV_PIO2)} + 0.5);
    var r = x;
    ${PIO2_PARTS.map((p) => `r = r - k * ${lit(p)};`).join(' ')}
    let z = r * r;
    let sinR = r + (r * z) * (${hornerZ(S)});
    let hz = z * 0.5;
    let w = 1.0 - hz;
    let cosR = w + (((1.0 - w) - hz) + (z * z) * (${hornerZ(C)}));
    let q = k - floor(k * 0.25) * 4.0;
    let odd = q == 1.0 || q == 3.0;
    var s = select(sinR, cosR, odd);
    var c = select(cosR, sinR, odd);
    if (q >= 2.0) { s = -s; }
    if (q == 1.0 || q == 2.0) { c = -c; }
    return vec2<f32>(s, c);
  }
  fn cmul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> {
    return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
  }
  // 1 / (1 + exp(-z)): conj(w)/|w|² where vectorised (torch's AVX2 path), else Smith's division.
  fn csigmoid(z : vec2<f32>, vectorised : bool) -> vec2<f32> {
    let e = exp_(-z.x);
    let sc = sincos_(z.y);
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
    let sc = sincos_(z.y);
    let den = sh.x * sh.x + sc.y * sc.y;
    let p = sc.x * sc.y;
    if (abs(z.x) > t) { return vec2<f32>(sign(z.x), (p * 4.0) * exp_(abs(z.x) * -2.0)); }
    return vec2<f32>((sh.x * sh.y) / den, p / den);
  }`;
