import { Generator, default_generator } from './generator.js';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/**
 * `fround(a * b + c)` with a single rounding, i.e. a float32 fused multiply-add, for float32
 * inputs whose product is exact in float64 (true when a and b are float32).
 *
 * The double sum `s = p + c` is exact up to an error `e` (TwoSum); rounding `s` to odd (a sticky
 * last bit when `e != 0`) and then to float32 gives the correctly rounded result, because float64
 * carries more than 2 * 24 + 2 bits.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bp = s - c;
  const e = (p - bp) + (c - (s - bp));
  if (e === 0 || !Number.isFinite(s)) return Math.fround(s);
  f64[0] = s;
  if ((u64[0]! & 1n) === 0n) {
    // Round to odd: step one ulp towards the exact value.
    const towardsZero = (s > 0) !== (e > 0);
    u64[0] = towardsZero ? u64[0]! - 1n : u64[0]! + 1n;
  }
  return Math.fround(f64[0]!);
}

/**
 * torch's `uniform_(from, to)` for a float32 tensor on the CPU: one 32-bit draw per element,
 * `x = (r & 0xFFFFFF) * 2^-24`, then `x * (to - from) + from` in float32.
 * Torch parity: x86 builds of PyTorch (AVX2/AVX512 kernels) contract the last expression into
 * one fused multiply-add, so it is rounded once, not twice.
 *
 * @param out filled in place, element by element in memory order.
 */
export function uniformFloat32(out: Float32Array, from: number, to: number,
  generator: Generator = default_generator): Float32Array {
  const lo = Math.fround(from);
  const range = Math.fround(Math.fround(to) - lo);
  for (let i = 0; i < out.length; i++) {
    const x = (generator.random() & 0xffffff) * 2 ** -24;
    out[i] = fmaf(x, range, lo);
  }
  return out;
}
