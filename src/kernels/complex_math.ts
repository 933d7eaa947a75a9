import { TANH_T32 } from './cpu/complex_cell.js';
import { type Lang, floatFloatLib, lit, shaderSyntax } from './float_float.js';

/**
 * torch's complex64 σ and tanh as shader source for the complex GPU step programs
 * (webgpu/lstm_complex.ts in WGSL, webgl/lstm_complex.ts in GLSL), written once for both: the
 * op-composed complex path's formulas (functional/complex.ts) on one element, built on correctly
 * rounded float32 exp, sin, cos, sinh and cosh (./float_float.ts), as the CPU kernel's are: the
 * GPU's own are several ulp off, and the ill-conditioned complex recurrence amplifies last-bit
 * differences. Functions: cmul(a, b), csigmoid(z, vectorised), ctanh(z), on (re, im) 2-vectors.
 * Built once per language (a webgl step program's source is assembled at every step).
 */
export function complexMathLib(lang: Lang): string {
  return (built[lang] ??= build(lang));
}

const built: Partial<Record<Lang, string>> = {};

function build(lang: Lang): string {
  const { F, V, fn, decl } = shaderSyntax(lang);
  return `${floatFloatLib(lang)}
  ${fn('cmul', [['a', V], ['b', V]], V)} {
    return ${V}(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
  }
  // 1 / (1 + exp(-z)): conj(w)/|w|² where vectorised (torch's AVX2 path), else Smith's division.
  ${fn('csigmoid', [['z', V], ['vectorised', 'bool']], V)} {
    ${decl('e', F)} = expF(-z.x);
    ${decl('sc', V)} = sincosF(z.y);
    ${decl('dr', F)} = e * sc.y + 1.0;
    ${decl('di', F)} = -(e * sc.x);
    if (vectorised) {
      ${decl('abs2', F)} = dr * dr + di * di;
      return ${V}(dr / abs2, -di / abs2);
    }
    ${decl('cFirst', 'bool')} = abs(dr) >= abs(di);
    ${decl('num', F)} = dr;
    ${decl('den', F)} = di;
    if (cFirst) { num = di; den = dr; }
    ${decl('rat', F)} = num / den;
    ${decl('s', F)} = den + num * rat;
    ${decl('one', F)} = 1.0 / s;
    ${decl('ratS', F)} = rat / s;
    if (cFirst) { return ${V}(one, -ratS); }
    return ${V}(ratS, -one);
  }
  // glibc's ctanhf: (sinh a cosh a + i sin b cos b) / (sinh² a + cos² b), past ln(FLT_MAX)/2 its limit.
  ${fn('ctanh', [['z', V]], V)} {
    ${decl('t', F)} = ${lit(TANH_T32)};
    ${decl('a', F)} = clamp(z.x, -t, t);
    ${decl('sh', V)} = sinhcosh(a);
    ${decl('sc', V)} = sincosF(z.y);
    ${decl('den', F)} = sh.x * sh.x + sc.y * sc.y;
    ${decl('p', F)} = sc.x * sc.y;
    if (abs(z.x) > t) { return ${V}(sign(z.x), (p * 4.0) * expF(abs(z.x) * -2.0)); }
    return ${V}((sh.x * sh.y) / den, p / den);
  }`;
}
