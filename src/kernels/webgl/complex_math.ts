import { SINCOS_CONSTANTS } from '../../functional/trig.js';
import { EXP, SINH, TANH_T32, hornerZ, lit } from '../webgpu/complex_math.js';

/**
 * torch's complex64 σ and tanh in GLSL for the webgl complex LSTM step (./lstm_complex.ts): the
 * WGSL functions of ../webgpu/complex_math.ts line for line (fdlibm's float32 exp, sin and cos,
 * sinh and cosh from them, the op-composed path's complex formulas).
 */
const { INV_PIO2, PIO2_PARTS, S, C } = SINCOS_CONSTANTS;

export const GLSL_COMPLEX = `
  float expT(float x) {
    float k = floor(x * ${lit(EXP.INV_LN2)} + 0.5);
    float hi = x - k * ${lit(EXP.LN2_HI)};
    float lo = k * ${lit(EXP.LN2_LO)};
    float r = hi - lo;
    float t = r * r;
    float c = r - t * (${lit(EXP.P1)} + t * ${lit(EXP.P2)});
    float y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    int ki = int(k);
    int k1 = ki / 2;
    float scaled = y * intBitsToFloat((k1 + 127) << 23) * intBitsToFloat((ki - k1 + 127) << 23);
    if (x > ${lit(EXP.OVERFLOW)}) { return uintBitsToFloat(0x7f800000u); }
    if (x < ${lit(EXP.UNDERFLOW)}) { return 0.0; }
    return scaled;
  }
  vec2 sinhcosh(float a) {
    float e = expT(a);
    float z = a * a;
    float small = a + (a * z) * (${hornerZ(SINH)});
    return vec2(abs(a) < 1.0 ? small : (e - 1.0 / e) * 0.5, (e + 1.0 / e) * 0.5);
  }
  vec2 sincosT(float x) {
    float k = floor(x * ${lit(INV_PIO2)} + 0.5);
    float r = x;
    ${PIO2_PARTS.map((p) => `r = r - k * ${lit(p)};`).join(' ')}
    float z = r * r;
    float sinR = r + (r * z) * (${hornerZ(S)});
    float hz = z * 0.5;
    float w = 1.0 - hz;
    float cosR = w + (((1.0 - w) - hz) + (z * z) * (${hornerZ(C)}));
    float q = k - floor(k * 0.25) * 4.0;
    bool odd = q == 1.0 || q == 3.0;
    float s = odd ? cosR : sinR;
    float c = odd ? sinR : cosR;
    if (q >= 2.0) { s = -s; }
    if (q == 1.0 || q == 2.0) { c = -c; }
    return vec2(s, c);
  }
  vec2 cmul(vec2 a, vec2 b) { return vec2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
  vec2 csigmoid(vec2 z, bool vectorised) {
    float e = expT(-z.x);
    vec2 sc = sincosT(z.y);
    float dr = e * sc.y + 1.0;
    float di = -(e * sc.x);
    if (vectorised) {
      float abs2 = dr * dr + di * di;
      return vec2(dr / abs2, -di / abs2);
    }
    bool cFirst = abs(dr) >= abs(di);
    float num = cFirst ? di : dr;
    float den = cFirst ? dr : di;
    float rat = num / den;
    float s = den + num * rat;
    float one = 1.0 / s;
    float ratS = rat / s;
    return vec2(cFirst ? one : ratS, -(cFirst ? ratS : one));
  }
  vec2 ctanh(vec2 z) {
    float t = ${lit(TANH_T32)};
    float a = clamp(z.x, -t, t);
    vec2 sh = sinhcosh(a);
    vec2 sc = sincosT(z.y);
    float den = sh.x * sh.x + sc.y * sc.y;
    float p = sc.x * sc.y;
    if (abs(z.x) > t) { return vec2(sign(z.x), (p * 4.0) * expT(abs(z.x) * -2.0)); }
    return vec2((sh.x * sh.y) / den, p / den);
  }`;
