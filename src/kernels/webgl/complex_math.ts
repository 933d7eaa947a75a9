import { floatFloatLib, lit } from '../float_float.js';
import { TANH_T32 } from '../webgpu/complex_math.js';

/**
 * torch's complex64 σ and tanh in GLSL for the webgl complex LSTM step (./lstm_complex.ts): the
 * WGSL functions of ../webgpu/complex_math.ts line for line, on the same correctly rounded
 * float32 functions (../float_float.ts).
 */
export const GLSL_COMPLEX = `${floatFloatLib('glsl')}
  vec2 cmul(vec2 a, vec2 b) { return vec2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
  vec2 csigmoid(vec2 z, bool vectorised) {
    float e = expF(-z.x);
    vec2 sc = sincosF(z.y);
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
    vec2 sc = sincosF(z.y);
    float den = sh.x * sh.x + sc.y * sc.y;
    float p = sc.x * sc.y;
    if (abs(z.x) > t) { return vec2(sign(z.x), (p * 4.0) * expF(abs(z.x) * -2.0)); }
    return vec2((sh.x * sh.y) / den, p / den);
  }`;
