import { Generator, default_generator } from './generator.js';
import { fmaf } from './uniform.js';

const f = Math.fround;
const i32 = new Int32Array(1);
const f32 = new Float32Array(i32.buffer);

function bits(x: number): number { f32[0] = x; return i32[0]!; }
function fromBits(b: number): number { i32[0] = b; return f32[0]!; }

// avx_mathfun.h constants (`static const float`, so rounded to float32 once).
const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
  -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1].map(f);
const COS_P = [2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002].map(f);
const FOPI = f(1.27323954473516);
const TWO_PI = f(2 * Math.PI);

/**
 * `log256_ps` of avx_mathfun.h (Cephes logf) for one lane, x in (0, 1].
 * Torch parity: GCC builds the AVX2 kernel with FMA and contracts every `mul` whose only use
 * is an `add`/`sub` into one fused multiply-add; those are the `fmaf` calls.
 */
function log256(xIn: number): number {
  let x = Math.max(f(xIn), 2 ** -126);
  const b = bits(x);
  let e = f(((b >>> 23) - 0x7f) + 1);
  x = fromBits((b & ~0x7f800000) | bits(0.5));
  const below = x < SQRTHF;
  const tmp = below ? x : 0;
  x = f(x - 1);
  e = f(e - (below ? 1 : 0));
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P[0]!;
  for (let k = 1; k < LOG_P.length; k++) y = fmaf(y, x, LOG_P[k]!);
  y = f(y * x);
  y = fmaf(y, z, f(e * LOG_Q1));
  y = fmaf(-z, 0.5, y);
  x = f(x + y);
  return fmaf(e, LOG_Q2, x);
}

/** `sincos256_ps` of avx_mathfun.h (Cephes sinf/cosf) for one lane, x >= 0; returns [sin, cos]. */
function sincos256(xIn: number): [number, number] {
  let x = Math.abs(f(xIn));
  let j = Math.trunc(f(x * FOPI)) | 0;
  j = (j + 1) & ~1;
  const yj = j;
  const sinSign = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  const cosSign = (~(j - 2) & 4) !== 0;
  x = fmaf(yj, DP1, x);
  x = fmaf(yj, DP2, x);
  x = fmaf(yj, DP3, x);
  const z = f(x * x);
  let y = fmaf(COS_P[0]!, z, COS_P[1]!);
  y = fmaf(y, z, COS_P[2]!);
  y = f(y * z);
  y = fmaf(y, z, -f(z * 0.5));
  y = f(y + 1);
  let y2 = fmaf(SIN_P[0]!, z, SIN_P[1]!);
  y2 = fmaf(y2, z, SIN_P[2]!);
  y2 = f(y2 * z);
  y2 = fmaf(y2, x, x);
  const ysin2 = polyMask ? y2 : 0;
  const ysin1 = polyMask ? 0 : y;
  y2 = f(y2 - ysin2);
  y = f(y - ysin1);
  const s = f(ysin1 + ysin2);
  const c = f(y + y2);
  return [sinSign ? -s : s, cosSign ? -c : c];
}

/** `normal_fill_16_AVX2`: Box-Muller on 16 uniforms in place (first 8 → cos, last 8 → sin). */
function fill16(data: Float32Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[at + j]!);
    const u2 = data[at + j + 8]!;
    const radius = f(Math.sqrt(f(-2 * log256(u1))));
    const [s, c] = sincos256(f(TWO_PI * u2));
    data[at + j] = fmaf(f(radius * c), std, mean);
    data[at + j + 8] = fmaf(f(radius * s), std, mean);
  }
}

/**
 * One `at::normal_distribution<double>(mean, std)` draw.
 * Torch parity: CPUGeneratorImpl caches the second Box-Muller value (next_double_normal_sample)
 * and forgets it when re-seeded.
 */
function normalDouble(mean: number, std: number, generator: Generator = default_generator): number {
  const cached = generator.next_double_normal_sample;
  if (cached !== null) {
    generator.next_double_normal_sample = null;
    return cached * std + mean;
  }
  const u1 = Number(generator.random64() & ((1n << 53n) - 1n)) * 2 ** -53;
  const u2 = Number(generator.random64() & ((1n << 53n) - 1n)) * 2 ** -53;
  const r = Math.sqrt(-2 * Math.log(1 - u2));
  const theta = 2 * Math.PI * u1;
  generator.next_double_normal_sample = r * Math.sin(theta);
  return r * Math.cos(theta) * std + mean;
}

/**
 * torch's CPU `normal_(mean, std)` for a contiguous float32 tensor of `out.length` elements.
 * Torch parity: 16 or more elements take the vectorised Box-Muller path (`normal_fill_AVX2`,
 * float32 Cephes log/sincos, 24-bit uniforms, the last block redrawn when the size is not a
 * multiple of 16); fewer take one double-precision draw per element, each pair using two 53-bit
 * uniforms and caching the sine value in the generator.
 *
 * @example
 * ```ts
 * import { torch } from 'tfjs-torch';
 * import { normalFloat32 } from './random/normal.js';   // internal module (src/)
 * torch.manual_seed(0);
 * normalFloat32(new Float32Array(20));   // torch.empty(20).normal_() after manual_seed(0)
 * ```
 */
export function normalFloat32(out: Float32Array, mean = 0, std = 1,
  generator: Generator = default_generator): Float32Array {
  const n = out.length;
  if (n >= 16) {
    const m = f(mean);
    const s = f(std);
    for (let i = 0; i < n; i++) out[i] = (generator.random() & 0xffffff) * 2 ** -24;
    for (let i = 0; i + 16 <= n; i += 16) fill16(out, i, m, s);
    if (n % 16 !== 0) {
      const at = n - 16;
      for (let i = 0; i < 16; i++) out[at + i] = (generator.random() & 0xffffff) * 2 ** -24;
      fill16(out, at, m, s);
    }
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = normalDouble(mean, std, generator);
  return out;
}
