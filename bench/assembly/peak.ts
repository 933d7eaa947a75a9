// The arithmetic ceiling of WebAssembly SIMD on a machine, for the benchmark (compiled and run by
// bench/ceiling.ts, not part of the library): 12 independent f32x4 multiply-then-add chains held
// in registers, no memory traffic; 12 chains × 4 lanes × 2 flops = 96 flops per iteration.
// Compiled twice: multiply then add (what the SIMD kernel build uses), and with relaxed SIMD as
// fused multiply-adds (f32x4.relaxed_madd, the relaxed-SIMD build's; Node 20 validates it only
// with --experimental-wasm-relaxed-simd).

@inline function madd(s: v128, a: v128, m: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(s, a, m);
  return f32x4.add(f32x4.mul(s, a), m);
}

/** Runs `iters` iterations; returns a lane of the sums so the work cannot be optimized away. */
export function peak(iters: i32, seed: f32): f32 {
  const m = f32x4.splat(seed); const a = f32x4.splat(0.9999999);
  let s0 = f32x4.splat(0.1); let s1 = f32x4.splat(0.2); let s2 = f32x4.splat(0.3); let s3 = f32x4.splat(0.4);
  let s4 = f32x4.splat(0.5); let s5 = f32x4.splat(0.6); let s6 = f32x4.splat(0.7); let s7 = f32x4.splat(0.8);
  let s8 = f32x4.splat(0.9); let s9 = f32x4.splat(1.0); let sa = f32x4.splat(1.1); let sb = f32x4.splat(1.2);
  for (let i = 0; i < iters; i++) {
    s0 = madd(s0, a, m); s1 = madd(s1, a, m);
    s2 = madd(s2, a, m); s3 = madd(s3, a, m);
    s4 = madd(s4, a, m); s5 = madd(s5, a, m);
    s6 = madd(s6, a, m); s7 = madd(s7, a, m);
    s8 = madd(s8, a, m); s9 = madd(s9, a, m);
    sa = madd(sa, a, m); sb = madd(sb, a, m);
  }
  const t = f32x4.add(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)), f32x4.add(f32x4.add(s4, s5), f32x4.add(s6, s7)));
  return f32x4.extract_lane(f32x4.add(t, f32x4.add(f32x4.add(s8, s9), f32x4.add(sa, sb))), 0);
}
