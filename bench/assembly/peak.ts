// The arithmetic ceiling of WebAssembly SIMD on a machine, for the benchmark (compiled and run by
// bench/ceiling.ts, not part of the library), measured by two kinds of loop: `peak`, 12
// independent f32x4 multiply-add chains held in registers, no memory traffic (12 chains × 4
// lanes × 2 flops = 96 flops per iteration), and the GEMM inner loops below.
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

// ---- GEMM inner loops: the ceiling of real multiply-add work, with its loads ----
// A kernel's products need their operands loaded: a block of R rows × C columns keeps R·C/4
// accumulators in registers and per k loads R broadcasts and C/4 panel vectors. V8 (Node 20)
// allocates 15 xmm registers to wasm SIMD, so blocks past 9 accumulators spill every iteration;
// these are the three shapes that fit (the LSTM kernel's 2×16, 3×12 and 4×8), each run over
// K = 384 (W1's first layer: I + H) with its operands in L1, the accumulators loaded and stored
// once per pass as the kernel does. 2·R·C·K flops per call of `gemm*` per pass.

const K: i32 = 384;
const A: usize = memory.data(4 * 4 * K, 64);   // up to 4 rows of K floats (k-major for 3×12 and 4×8)
const W: usize = memory.data(64 * K, 64);      // a panel: K rows of up to 16 floats
const OUT: usize = memory.data(256, 64);

/** Fills A and W with small values (no denormals, no overflow over millions of passes). */
export function init(seed: f32): void {
  for (let i = 0; i < 4 * K; i++) store<f32>(A + (<usize>i << 2), seed * 1e-3 * <f32>(i % 7 + 1));
  for (let i = 0; i < 16 * K; i++) store<f32>(W + (<usize>i << 2), seed * 1e-3 * <f32>(i % 5 + 1));
  for (let i = 0; i < 64; i++) store<f32>(OUT + (<usize>i << 2), 0);
}

/** The kernel's block (assembly/lstm_layer.ts panel2): rows a0 and a1 (row-major A, the second
 * at a fixed distance) times a 16-column panel, walked by pointers. */
export function gemm2x16(passes: i32): f32 {
  const d: usize = <usize>K << 2;
  for (let r = 0; r < passes; r++) {
    let s00 = v128.load(OUT); let s01 = v128.load(OUT, 16); let s02 = v128.load(OUT, 32); let s03 = v128.load(OUT, 48);
    let s10 = v128.load(OUT, 64); let s11 = v128.load(OUT, 80); let s12 = v128.load(OUT, 96); let s13 = v128.load(OUT, 112);
    let ap = A; let wp = W; const we = W + (<usize>K << 6);
    while (wp < we) {
      const x0 = v128.load32_splat(ap);
      const x1 = v128.load32_splat(ap + d);
      const w0 = v128.load(wp); const w1 = v128.load(wp, 16); const w2 = v128.load(wp, 32); const w3 = v128.load(wp, 48);
      s00 = madd(x0, w0, s00); s01 = madd(x0, w1, s01); s02 = madd(x0, w2, s02); s03 = madd(x0, w3, s03);
      s10 = madd(x1, w0, s10); s11 = madd(x1, w1, s11); s12 = madd(x1, w2, s12); s13 = madd(x1, w3, s13);
      ap += 4; wp += 64;
    }
    v128.store(OUT, s00); v128.store(OUT, s01, 16); v128.store(OUT, s02, 32); v128.store(OUT, s03, 48);
    v128.store(OUT, s10, 64); v128.store(OUT, s11, 80); v128.store(OUT, s12, 96); v128.store(OUT, s13, 112);
  }
  return load<f32>(OUT);
}

/** 3 rows (k-major A) × 12 columns: 9 accumulators. */
export function gemm3x12(passes: i32): f32 {
  for (let r = 0; r < passes; r++) {
    let s00 = v128.load(OUT); let s01 = v128.load(OUT, 16); let s02 = v128.load(OUT, 32);
    let s10 = v128.load(OUT, 48); let s11 = v128.load(OUT, 64); let s12 = v128.load(OUT, 80);
    let s20 = v128.load(OUT, 96); let s21 = v128.load(OUT, 112); let s22 = v128.load(OUT, 128);
    let ap = A; let wp = W; const we = W + <usize>(K * 48);
    while (wp < we) {
      const w0 = v128.load(wp); const w1 = v128.load(wp, 16); const w2 = v128.load(wp, 32);
      let x = v128.load32_splat(ap); s00 = madd(x, w0, s00); s01 = madd(x, w1, s01); s02 = madd(x, w2, s02);
      x = v128.load32_splat(ap, 4); s10 = madd(x, w0, s10); s11 = madd(x, w1, s11); s12 = madd(x, w2, s12);
      x = v128.load32_splat(ap, 8); s20 = madd(x, w0, s20); s21 = madd(x, w1, s21); s22 = madd(x, w2, s22);
      ap += 12; wp += 48;
    }
    v128.store(OUT, s00); v128.store(OUT, s01, 16); v128.store(OUT, s02, 32);
    v128.store(OUT, s10, 48); v128.store(OUT, s11, 64); v128.store(OUT, s12, 80);
    v128.store(OUT, s20, 96); v128.store(OUT, s21, 112); v128.store(OUT, s22, 128);
  }
  return load<f32>(OUT);
}

/** 4 rows (k-major A) × 8 columns: 8 accumulators, two panel loads per k. */
export function gemm4x8(passes: i32): f32 {
  for (let r = 0; r < passes; r++) {
    let s00 = v128.load(OUT); let s01 = v128.load(OUT, 16); let s10 = v128.load(OUT, 32); let s11 = v128.load(OUT, 48);
    let s20 = v128.load(OUT, 64); let s21 = v128.load(OUT, 80); let s30 = v128.load(OUT, 96); let s31 = v128.load(OUT, 112);
    let ap = A; let wp = W; const we = W + (<usize>K << 5);
    while (wp < we) {
      const w0 = v128.load(wp); const w1 = v128.load(wp, 16);
      let x = v128.load32_splat(ap); s00 = madd(x, w0, s00); s01 = madd(x, w1, s01);
      x = v128.load32_splat(ap, 4); s10 = madd(x, w0, s10); s11 = madd(x, w1, s11);
      x = v128.load32_splat(ap, 8); s20 = madd(x, w0, s20); s21 = madd(x, w1, s21);
      x = v128.load32_splat(ap, 12); s30 = madd(x, w0, s30); s31 = madd(x, w1, s31);
      ap += 16; wp += 32;
    }
    v128.store(OUT, s00); v128.store(OUT, s01, 16); v128.store(OUT, s10, 32); v128.store(OUT, s11, 48);
    v128.store(OUT, s20, 64); v128.store(OUT, s21, 80); v128.store(OUT, s30, 96); v128.store(OUT, s31, 112);
  }
  return load<f32>(OUT);
}

/** Where A (0), W (1) and the output rows (2) lie, for tests. */
export function at(which: i32): usize { return which == 0 ? A : which == 1 ? W : OUT; }
