import { SINCOS_CONSTANTS } from '../functional/trig.js';

/**
 * Correctly rounded float32 exp, sin, cos, sinh and cosh for the complex GPU kernels, as shader
 * source in WGSL or GLSL: each is computed in float-float arithmetic (an unevaluated sum hi + lo
 * of two float32s, about 48 bits) and its hi part returned, which is the float32 nearest the
 * exact value unless that lies within about 2⁻²⁴ ulp of a rounding boundary. The CPU kernel rounds
 * Math.exp / Math.sin / ... (double) to float32, i.e. the same values; GPU built-ins are several
 * ulp off (SwiftShader's exp: 52), and in the ill-conditioned complex recurrence last-bit
 * differences grow past the tolerance.
 *
 * The float-float operations are the classic error-free transformations (Knuth's two-sum,
 * Dekker's split and two-product). Shader compilers may reassociate and fuse float arithmetic
 * (SwiftShader simplified `(a + b) - a` to `b`, fused `4097·a - a`, and computes WGSL's `fma`
 * unfused), which turns those into no-ops; so every intermediate they depend on passes through
 * `opq`, a multiplication by 1 that the compiler cannot see: WGSL `min(uniforms.INFINITY, 1.0)`,
 * GLSL the uniform `ffOne` (GLSL_FF_UNIFORM), which the program must declare and set to 1.
 * test/gpu-complex-math.spec.ts checks the results are correctly rounded.
 */

/** The uniform a GLSL program using the library declares (and sets to 1). */
export const GLSL_FF_UNIFORM = { name: 'ffOne', type: 'float' } as const;

/** A shader language. */
export type Lang = 'wgsl' | 'glsl';

/** A float32 value as a literal that converts back to it exactly. */
export const lit = (v: number): string => Math.fround(v).toPrecision(17);

/** v as float-float constant parts [hi, lo] (v a double). */
function ff(v: number): [number, number] {
  const hi = Math.fround(v);
  return [hi, Math.fround(v - hi)];
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
/** Taylor coefficients: exp (1/n!, n ≤ 11), sin ((-1)^k/(2k+1)!, k ≤ 7), cos ((-1)^k/(2k)!, k ≤ 8), sinh (1/(2k+1)!, k ≤ 8). */
const EXP_C = Array.from({ length: 12 }, (_, n) => 1 / factorial(n));
const SIN_C = Array.from({ length: 8 }, (_, k) => (-1) ** k / factorial(2 * k + 1));
const COS_C = Array.from({ length: 9 }, (_, k) => (-1) ** k / factorial(2 * k));
const SINH_C = Array.from({ length: 9 }, (_, k) => 1 / factorial(2 * k + 1));

/** ln 2 = L1 + L2 + L3: L1 with 15 significant bits (k·L1 exact for |k| ≤ 2⁸), L2, L3 float32. */
const LN2 = (() => {
  const l1 = 0.693145751953125;
  const l2 = Math.fround(Math.LN2 - l1);
  return [l1, l2, Math.fround(Math.LN2 - l1 - l2)];
})();

/** Past these, exp is +∞ or 0 in float32. */
export const EXP_OVERFLOW = 88.72283935546875;
export const EXP_UNDERFLOW = -103.97208404541016;

/**
 * What shader code written once for both languages needs: whether it is WGSL, the float and
 * 2-vector type names, a function header and a (mutable) local declaration.
 */
export function shaderSyntax(lang: Lang) {
  const W = lang === 'wgsl';
  return {
    W,
    F: W ? 'f32' : 'float',
    V: W ? 'vec2<f32>' : 'vec2',
    fn: (name: string, params: [string, string][], ret: string) => (W
      ? `fn ${name}(${params.map(([n, t]) => `${n} : ${t}`).join(', ')}) -> ${ret}`
      : `${ret} ${name}(${params.map(([n, t]) => `${t} ${n}`).join(', ')})`),
    decl: (name: string, type: string) => (W ? `var ${name} : ${type}` : `${type} ${name}`),
  };
}

/** The library in `lang`: functions expF(x) → f32, sincosF(x) → (sin, cos), sinhcosh(x) → (sinh, cosh). */
export function floatFloatLib(lang: Lang): string {
  const { W, F, V, fn, decl } = shaderSyntax(lang);
  const c = (v: number) => { const [h, l] = ff(v); return `${V}(${lit(h)}, ${lit(l)})`; };
  // Horner in float-float: coefficients cs (doubles) in z (a float-float variable), into `out`.
  const horner = (out: string, z: string, cs: number[]) => [`${decl(out, V)} = ${c(cs[cs.length - 1]!)};`,
    ...cs.slice(0, -1).reverse().map((k) => `${out} = ff_add(ff_mul(${out}, ${z}), ${c(k)});`)].join('\n    ');
  /** 2^e for an int expression e in the normal range, from its bits. */
  const pow2 = (e: string) => (W ? `bitcast<f32>((${e} + 127) << 23u)` : `intBitsToFloat((${e} + 127) << 23)`);
  const inf = W ? 'uniforms.INFINITY' : 'uintBitsToFloat(0x7f800000u)';
  const { INV_PIO2, PIO2_PARTS } = SINCOS_CONSTANTS;
  const [A, B, C, D] = PIO2_PARTS as [number, number, number, number];
  return `
  ${fn('opq', [['x', F]], F)} { return x * ${W ? 'min(uniforms.INFINITY, 1.0)' : 'ffOne'}; }
  ${fn('two_sum', [['a', F], ['b', F]], V)} {
    ${decl('s', F)} = opq(a + b);
    ${decl('bb', F)} = opq(s - a);
    return ${V}(s, (a - (s - bb)) + (b - bb));
  }
  ${fn('quick_two_sum', [['a', F], ['b', F]], V)} {
    ${decl('s', F)} = opq(a + b);
    return ${V}(s, b - (s - a));
  }

  ${fn('split', [['a', F]], V)} {
    ${decl('t', F)} = opq(4097.0 * a);
    ${decl('hi', F)} = t - opq(t - a);
    return ${V}(hi, a - hi);
  }
  ${fn('two_prod', [['a', F], ['b', F]], V)} {
    ${decl('p', F)} = opq(a * b);
    ${decl('x', V)} = split(a);
    ${decl('y', V)} = split(b);
    ${decl('e', F)} = opq(x.x * y.x - p);
    e = opq(e + x.x * y.y);
    e = opq(e + x.y * y.x);
    return ${V}(p, e + x.y * y.y);
  }
  ${fn('ff_add', [['a', V], ['b', V]], V)} {
    ${decl('s', V)} = two_sum(a.x, b.x);
    ${decl('t', V)} = two_sum(a.y, b.y);
    ${decl('u', V)} = quick_two_sum(s.x, opq(s.y + t.x));
    return quick_two_sum(u.x, opq(u.y + t.y));
  }
  ${fn('ff_mul', [['a', V], ['b', V]], V)} {
    ${decl('p', V)} = two_prod(a.x, b.x);
    return quick_two_sum(p.x, opq(p.y + opq(a.x * b.y + a.y * b.x)));
  }
  ${fn('ff_mul_f', [['a', V], ['b', F]], V)} {
    ${decl('p', V)} = two_prod(a.x, b);
    return quick_two_sum(p.x, opq(p.y + a.y * b));
  }
  ${fn('ff_div', [['a', V], ['b', V]], V)} {
    ${decl('q1', F)} = a.x / b.x;
    ${decl('r', V)} = ff_add(a, -ff_mul_f(b, q1));
    ${decl('q2', F)} = r.x / b.x;
    r = ff_add(r, -ff_mul_f(b, q2));
    return ff_add(quick_two_sum(q1, q2), ${V}(r.x / b.x, 0.0));
  }
  ${fn('exp_ff', [['x', F]], V)} {
    if (x > ${lit(EXP_OVERFLOW)}) { return ${V}(${inf}, 0.0); }
    if (x < ${lit(EXP_UNDERFLOW)}) { return ${V}(0.0, 0.0); }
    ${decl('k', F)} = floor(x * ${lit(1 / Math.LN2)} + 0.5);
    ${decl('r', V)} = two_sum(x, -(k * ${lit(LN2[0]!)}));
    r = ff_add(r, -two_prod(k, ${lit(LN2[1]!)}));
    r = ff_add(r, ${V}(-(k * ${lit(LN2[2]!)}), 0.0));
    ${horner('p', 'r', EXP_C)}
    ${decl('ki', W ? 'i32' : 'int')} = ${W ? 'i32' : 'int'}(k);
    ${decl('k1', W ? 'i32' : 'int')} = ki / 2;
    // 2^k as two factors, each in the normal range (results below 2^-126 round once, in the second).
    return ${V}((p.x * ${pow2('k1')}) * ${pow2('ki - k1')}, (p.y * ${pow2('k1')}) * ${pow2('ki - k1')});
  }
  ${fn('expF', [['x', F]], F)} { return exp_ff(x).x; }
  ${fn('sincosF', [['x', F]], V)} {
    ${decl('k', F)} = floor(x * ${lit(INV_PIO2)} + 0.5);
    ${decl('r', V)} = two_sum(x, -(k * ${lit(A)}));
    r = ff_add(r, ${V}(-(k * ${lit(B)}), 0.0));
    r = ff_add(r, ${V}(-(k * ${lit(C)}), 0.0));
    r = ff_add(r, -two_prod(k, ${lit(D)}));
    ${decl('z', V)} = ff_mul(r, r);
    ${horner('ps', 'z', SIN_C)}
    ${horner('pc', 'z', COS_C)}
    ${decl('s', F)} = ff_mul(ps, r).x;
    ${decl('co', F)} = pc.x;
    ${decl('q', F)} = k - floor(k * 0.25) * 4.0;
    if (q == 1.0 || q == 3.0) { ${decl('t', F)} = s; s = co; co = t; }
    if (q >= 2.0) { s = -s; }
    if (q == 1.0 || q == 2.0) { co = -co; }
    return ${V}(s, co);
  }
  ${fn('sinhcosh', [['a', F]], V)} {
    ${decl('e', V)} = exp_ff(a);
    ${decl('ie', V)} = ff_div(${V}(1.0, 0.0), e);
    ${decl('sh', F)} = ff_add(e, -ie).x * 0.5;
    if (abs(a) < 1.0) {
      ${decl('z', V)} = two_prod(a, a);
      ${horner('ps', 'z', SINH_C)}
      sh = ff_mul_f(ps, a).x;
    }
    return ${V}(sh, ff_add(e, ie).x * 0.5);
  }`;
}
