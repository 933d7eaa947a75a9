// One LSTM layer in one direction, float32, in WebAssembly SIMD: the `wasm` backend's
// TorchLSTMLayer kernel (src/kernels/wasm/lstm_layer.ts drives it). AssemblyScript, compiled by
// scripts/build-wasm.mjs single-threaded and with threads (shared memory, one `run` per thread,
// spin-then-wait barriers between the phases of each step), each as a SIMD build (multiply, then
// add) and a relaxed-SIMD build (f32x4.relaxed_madd: fused multiply-adds, where the engine has
// them); see madd below.
//
// Math (torch's CPU LSTM, gate order i, f, g, o; N rows, H units, K = input or hidden width):
//   gates    = ((b_ih + b_hh) + x[t]·W_ihᵀ) + h·W_hhᵀ    per step, in that order (see run)
//   c        = σ(f)·c + σ(i)·tanh(g);  h = σ(o)·tanh(c);  h = h·W_hrᵀ when projecting
//
// Weights are packed in panels of 16 columns: panel p holds units 4p..4p+3 of the four gates,
// for every k: [i0..i3 f0..f3 g0..g3 o0..o3], so one panel's 4 accumulators hold whole cells and
// the gate math runs on them in registers. Units are padded to Hp (multiple of 4) with zero
// weights: padded cells stay 0. The projection's W_hrᵀ is packed in panels of 16 output columns.
//
// All buffers are laid out by the JavaScript driver; every pointer is a byte offset.

// Control block (i32 words), written by the driver before each run.
const C_L: i32 = 0;        // steps
const C_N: i32 = 1;        // rows (batch)
const C_I: i32 = 2;        // input width
const C_HP: i32 = 3;       // padded units (multiple of 4)
const C_S: i32 = 4;        // stride of h / output rows (floats)
const C_PQ: i32 = 5;       // projection panels (0: no projection)
const C_REV: i32 = 6;      // 1: walk the steps backwards
const C_THREADS: i32 = 7;  // threads taking part in this run
const C_X: i32 = 8;        // x (L, N, I), rows XS floats apart
const C_WIH: i32 = 9;      // packed W_ihᵀ: Hp/4 panels of I·16
const C_WHH: i32 = 10;     // packed W_hhᵀ: Hp/4 panels of S·16 (rows ≥ the real width are zero)
const C_BIAS: i32 = 11;    // packed b_ih + b_hh: Hp/4 panels of 16
const C_WHR: i32 = 12;     // packed W_hrᵀ: PQ panels of Hp·16
const C_H0: i32 = 13;      // h_0 (N, S)
const C_C: i32 = 14;       // c (N, Hp): c_0 in, c_n out
const C_SUMS: i32 = 15;    // scratch (N, 4·Hp): a step's gate sums (batch 1)
const C_HC: i32 = 16;      // scratch (N, Hp): o·tanh(c) before the projection
const C_Y: i32 = 17;       // output (L, N, ·), rows YS floats apart (S used); its last written step is h_n
const C_BAR: i32 = 18;     // barrier: two i32 (arrivals, generation)
const C_XS: i32 = 20;      // stride of x rows (floats, ≥ I): a previous layer's output rows are S apart
const C_YS: i32 = 21;      // stride of output rows (floats, ≥ S): both directions of a layer share rows

const SPIN: i32 = 50000;
const C_ABORT: i32 = 27;  // set by a worker whose run failed: barriers stop waiting

@inline function ctrl(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }

/**
 * Arrives at the barrier without waiting: returns the generation to pass to awaitBarrier. Work
 * done between the two (this thread's own, needing nobody else's) absorbs the other threads' lag.
 */
function arrive(bar: usize, threads: i32): i32 {
  let gen = 0;
  if (ASC_FEATURE_THREADS) {
    if (threads <= 1) return 0;
    gen = atomic.load<i32>(bar + 4);
    if (atomic.add<i32>(bar, 1) == threads - 1) {
      atomic.store<i32>(bar, 0);
      atomic.add<i32>(bar + 4, 1);
      atomic.notify(bar + 4);
    }
  }
  return gen;
}

/** Waits until every thread of the run has arrived at the barrier of generation gen (spins, then sleeps). */
function awaitBarrier(bar: usize, threads: i32, gen: i32): void {
  if (ASC_FEATURE_THREADS) {
    if (threads <= 1) return;
    let spins = 0;
    const abort = bar + <usize>((C_ABORT - C_BAR) << 2);
    while (atomic.load<i32>(bar + 4) == gen && !atomic.load<i32>(abort)) {
      if (++spins > SPIN) atomic.wait<i32>(bar + 4, gen, -1);
    }
  }
}

/** Waits until every thread of the run has arrived. */
@inline function barrier(bar: usize, threads: i32): void { awaitBarrier(bar, threads, arrive(bar, threads)); }

// ---- multiply-add: fused (one rounding) in the relaxed-SIMD build, multiply then add otherwise ----

/** a·b + c: f32x4.relaxed_madd where the build enables relaxed SIMD (an FMA on x86-64 with FMA3 and
 * on ARM64), else a multiply and an add. Which one is fixed per build, so every thread of a run
 * computes every value with the same instructions. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** c - a·b (fused in the relaxed-SIMD build). */
@inline function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

// ---- float32 activations on 4 lanes (Cephes expf / tanhf, ≤ 2 ulp on their ranges) ----

@inline function vexp(x: v128): v128 {
  // pmax/pmin are single instructions (min/max's NaN and ±0 rules cost several); NaN stays NaN.
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.3));
  // n = round(x·log2 e): adding 1.5·2^23 leaves n in the low mantissa bits of t.
  const t = madd(x, f32x4.splat(1.44269504088896341), f32x4.splat(12582912.0));
  const n = f32x4.sub(t, f32x4.splat(12582912.0));
  const r = nmadd(n, f32x4.splat(-2.12194440e-4), nmadd(n, f32x4.splat(0.693359375), x));
  const z = f32x4.mul(r, r);
  let y = f32x4.splat(1.9875691500e-4);
  y = madd(y, r, f32x4.splat(1.3981999507e-3));
  y = madd(y, r, f32x4.splat(8.3334519073e-3));
  y = madd(y, r, f32x4.splat(4.1665795894e-2));
  y = madd(y, r, f32x4.splat(1.6666665459e-1));
  y = madd(y, r, f32x4.splat(5.0000001201e-1));
  y = f32x4.add(madd(y, z, r), f32x4.splat(1.0));
  // 2^n: t's bits are 0x4B400000 + n.
  const e = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4B400000)), 23);
  return f32x4.mul(y, e);
}

@inline function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

@inline function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  // |x| ≥ 0.625: 1 - 2/(e^{2|x|} + 1), with x's sign.
  const one = f32x4.splat(1.0);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(vexp(f32x4.add(ax, ax)), one)));
  // |x| < 0.625: |x| + |x|³·P(x²).
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = madd(p, z, f32x4.splat(2.06390887954e-2));
  p = madd(p, z, f32x4.splat(-5.37397155531e-2));
  p = madd(p, z, f32x4.splat(1.33314422036e-1));
  p = madd(p, z, f32x4.splat(-3.33332819422e-1));
  const small = madd(f32x4.mul(p, z), ax, ax);
  // Torch parity: x's sign on both branches, so tanh(-0) is -0 (x + x·(p·z) would give +0).
  return v128.or(v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.625))), v128.and(x, i32x4.splat(0x80000000)));
}

/** For tests: dst = σ(src) (which 0) or tanh(src) (which 1), n floats (a multiple of 4), as the cells compute them. */
export function activations(which: i32, src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const x = v128.load(src + (<usize>i << 2));
    v128.store(dst + (<usize>i << 2), which == 0 ? vsigmoid(x) : vtanh(x));
  }
}

/**
 * cell for two rows (or panels) at once, their steps interleaved: the same values, but with two
 * independent chains in view the engine overlaps them (a cell's σ, tanh, c and tanh(c) are one
 * long dependency chain); ~20% less time per cell than two cells one after the other.
 */
@inline function cell2(ai0: v128, af0: v128, ag0: v128, ao0: v128, ai1: v128, af1: v128, ag1: v128, ao1: v128,
  cPtr0: usize, hPtr0: usize, cPtr1: usize, hPtr1: usize): void {
  const i0 = vsigmoid(ai0); const i1 = vsigmoid(ai1);
  const f0 = vsigmoid(af0); const f1 = vsigmoid(af1);
  const g0 = vtanh(ag0); const g1 = vtanh(ag1);
  const o0 = vsigmoid(ao0); const o1 = vsigmoid(ao1);
  const c0 = madd(f0, v128.load(cPtr0), f32x4.mul(i0, g0));
  const c1 = madd(f1, v128.load(cPtr1), f32x4.mul(i1, g1));
  v128.store(cPtr0, c0); v128.store(cPtr1, c1);
  const t0 = vtanh(c0); const t1 = vtanh(c1);
  v128.store(hPtr0, f32x4.mul(o0, t0)); v128.store(hPtr1, f32x4.mul(o1, t1));
}

/** c and h for one row and one panel (4 units) from the gate accumulators. */
@inline function cell(ai: v128, af: v128, ag: v128, ao: v128, cPtr: usize, hPtr: usize): void {
  const c = madd(vsigmoid(af), v128.load(cPtr), f32x4.mul(vsigmoid(ai), vtanh(ag)));
  v128.store(cPtr, c);
  v128.store(hPtr, f32x4.mul(vsigmoid(ao), vtanh(c)));
}

// ---- GEMM panels: rows of A (stride lda floats) times one packed panel (K·16 floats) ----

/**
 * Two rows of `A·panel` added to the 16-float rows at init0/init1, written to out0/out1 (or,
 * with gate, run through the cells): A rows a0/a1 of k floats times panel w (k·16 floats).
 */
@inline function panel2(a0: usize, a1: usize, w: usize, k: i32, init0: usize, init1: usize, out0: usize, out1: usize,
  gate: bool, c0: usize, c1: usize): void {
  let s00 = v128.load(init0); let s01 = v128.load(init0, 16); let s02 = v128.load(init0, 32); let s03 = v128.load(init0, 48);
  let s10 = v128.load(init1); let s11 = v128.load(init1, 16); let s12 = v128.load(init1, 32); let s13 = v128.load(init1, 48);
  let ap = a0;
  const d = a1 - a0;
  let wp = w;
  const we = w + (<usize>k << 6);
  while (wp < we) {
    const x0 = v128.load32_splat(ap);
    const x1 = v128.load32_splat(ap + d);
    const w0 = v128.load(wp); const w1 = v128.load(wp, 16); const w2 = v128.load(wp, 32); const w3 = v128.load(wp, 48);
    s00 = madd(x0, w0, s00); s01 = madd(x0, w1, s01);
    s02 = madd(x0, w2, s02); s03 = madd(x0, w3, s03);
    s10 = madd(x1, w0, s10); s11 = madd(x1, w1, s11);
    s12 = madd(x1, w2, s12); s13 = madd(x1, w3, s13);
    ap += 4; wp += 64;
  }
  if (gate) {
    cell2(s00, s01, s02, s03, s10, s11, s12, s13, c0, out0, c1, out1);
  } else {
    v128.store(out0, s00); v128.store(out0, s01, 16); v128.store(out0, s02, 32); v128.store(out0, s03, 48);
    v128.store(out1, s10); v128.store(out1, s11, 16); v128.store(out1, s12, 32); v128.store(out1, s13, 48);
  }
}

/** One row of panel2 (the odd row left over). */
@inline function panel1(a0: usize, w: usize, k: i32, init0: usize, out0: usize, gate: bool, c0: usize): void {
  let s00 = v128.load(init0); let s01 = v128.load(init0, 16); let s02 = v128.load(init0, 32); let s03 = v128.load(init0, 48);
  let ap = a0;
  let wp = w;
  const we = w + (<usize>k << 6);
  while (wp < we) {
    const x0 = v128.load32_splat(ap);
    s00 = madd(x0, v128.load(wp), s00); s01 = madd(x0, v128.load(wp, 16), s01);
    s02 = madd(x0, v128.load(wp, 32), s02); s03 = madd(x0, v128.load(wp, 48), s03);
    ap += 4; wp += 64;
  }
  if (gate) {
    cell(s00, s01, s02, s03, c0, out0);
  } else {
    v128.store(out0, s00); v128.store(out0, s01, 16); v128.store(out0, s02, 32); v128.store(out0, s03, 48);
  }
}

/** A zero panel row, for accumulations that start from 0 (the projection). */
const ZEROS: usize = memory.data(64, 16);
/** Where gemm stores its cache-line touches (never read). */
const SINK: usize = memory.data(64, 64);

/**
 * out[r, panel] = init[r, panel] + A[r]·panel for rows 0..m, panels [p0, p1) of width 16 (A:
 * lda-strided rows of k floats times w's panels of k·16). init: panel p of row r starts at
 * init + p·initPanel + r·initStride floats (0 strides repeat it). gate: out holds h (4 floats
 * per panel, stride outStride) and c is updated, instead of 16 floats.
 */
function gemm(a: usize, lda: i32, w: usize, k: i32, m: i32, p0: i32, p1: i32, init: usize, initPanel: i32,
  initStride: i32, out: usize, outStride: i32, gate: bool, c: usize, cStride: i32): void {
  const outW: i32 = gate ? 4 : 16;
  // Each row pair also touches its share of the next panel's cache lines, so that the next panel
  // is in L1 when its first pair runs (wasm has no prefetch instruction).
  const pairs = m >> 1;
  const lines = pairs ? ((k + pairs - 1) / pairs) : 0; // 64-byte lines (one k row of a panel) per pair
  let sink = i32x4.splat(0);
  for (let p = p0; p < p1; p++) {
    const wp = w + (<usize>(p * k) << 6);
    const ip = init + (<usize>(p * initPanel) << 2);
    const wn = wp + (<usize>k << 6);
    const wEnd = p + 1 < p1 ? wn + (<usize>k << 6) : wn;
    let r = 0;
    for (; r + 1 < m; r += 2) {
      let t = wn + (<usize>((r >> 1) * lines) << 6);
      const te = min(t + (<usize>lines << 6), wEnd);
      while (t < te) { sink = v128.or(sink, v128.load(t)); t += 64; }
      panel2(a + (<usize>(r * lda) << 2), a + (<usize>((r + 1) * lda) << 2), wp, k,
        ip + (<usize>(r * initStride) << 2), ip + (<usize>((r + 1) * initStride) << 2),
        out + (<usize>(r * outStride + p * outW) << 2), out + (<usize>((r + 1) * outStride + p * outW) << 2),
        gate, c + (<usize>(r * cStride + p * 4) << 2), c + (<usize>((r + 1) * cStride + p * 4) << 2));
    }
    if (r < m) {
      panel1(a + (<usize>(r * lda) << 2), wp, k, ip + (<usize>(r * initStride) << 2),
        out + (<usize>(r * outStride + p * outW) << 2), gate, c + (<usize>(r * cStride + p * 4) << 2));
    }
  }
  v128.store(SINK, sink);
}

/** This thread's share [lo, hi) of n panels. */
@inline function shareLo(n: i32, tid: i32, threads: i32): i32 { return <i32>((<i64>n * tid) / threads); }

/** Runs the layer (every thread of the run calls this with its id; thread 0 is the caller). */
export function run(base: usize, tid: i32): void {
  const L = ctrl(base, C_L); const N = ctrl(base, C_N); const I = ctrl(base, C_I);
  const Hp = ctrl(base, C_HP); const S = ctrl(base, C_S); const PQ = ctrl(base, C_PQ);
  const rev = ctrl(base, C_REV); const threads = ctrl(base, C_THREADS); const XS = ctrl(base, C_XS);
  const YS = ctrl(base, C_YS);
  const x = <usize>ctrl(base, C_X); const wih = <usize>ctrl(base, C_WIH); const whh = <usize>ctrl(base, C_WHH);
  const bias = <usize>ctrl(base, C_BIAS); const whr = <usize>ctrl(base, C_WHR); const h0 = <usize>ctrl(base, C_H0);
  const c = <usize>ctrl(base, C_C); const sums = <usize>ctrl(base, C_SUMS); const hc = <usize>ctrl(base, C_HC);
  const y = <usize>ctrl(base, C_Y); const bar = base + (<usize>C_BAR << 2);
  const panels = Hp >> 2;
  const G = Hp << 2;
  const g0 = shareLo(panels, tid, threads);
  const g1 = shareLo(panels, tid + 1, threads);
  const q0 = shareLo(PQ, tid, threads);
  const q1 = shareLo(PQ, tid + 1, threads);
  // Each thread reads and writes only its own panels of the gate sums and of c below: a barrier
  // is needed only once h is complete. A step's x·W_ihᵀ needs no h, so each thread computes the
  // next step's (into its panels of the sums) between arriving at the step's barrier and waiting
  // on it: a thread that finished early works instead of waiting (same sums, same order:
  // b + x·W_ihᵀ is kept in float32, as the accumulators hold it, before h·W_hhᵀ is added).
  inputSums(x + (<usize>((rev ? L - 1 : 0) * N * XS) << 2), XS, wih, I, N, g0, g1, bias, sums, G);
  let prev = h0;
  let ldp = S; // h_0's rows are S apart, the output's YS
  for (let s = 0; s < L; s++) {
    const t = rev ? L - 1 - s : s;
    const yt = y + (<usize>(t * N * YS) << 2);
    const cellOut = PQ ? hc : yt;
    const cellStride = PQ ? Hp : YS;
    if (N == 1) {
      // Batch 1: gate sums (b + x·W_ihᵀ + h·W_hhᵀ) into the scratch row first, then the gate math
      // over the thread's panels: independent iterations, so the long σ/tanh dependency chains of
      // consecutive panels overlap (faster on W2; slower for N ≥ 2).
      gemm(prev, ldp, whh, S, 1, g0, g1, sums, 16, 0, sums, G, false, 0, 0);
      let p = g0;
      for (; p + 1 < g1; p += 2) {
        const gp = sums + (<usize>(p * 16) << 2);
        cell2(v128.load(gp), v128.load(gp, 16), v128.load(gp, 32), v128.load(gp, 48),
          v128.load(gp, 64), v128.load(gp, 80), v128.load(gp, 96), v128.load(gp, 112),
          c + (<usize>(p * 4) << 2), cellOut + (<usize>(p * 4) << 2), c + (<usize>(p * 4 + 4) << 2), cellOut + (<usize>(p * 4 + 4) << 2));
      }
      if (p < g1) {
        const gp = sums + (<usize>(p * 16) << 2);
        cell(v128.load(gp), v128.load(gp, 16), v128.load(gp, 32), v128.load(gp, 48), c + (<usize>(p * 4) << 2),
          cellOut + (<usize>(p * 4) << 2));
      }
    } else {
      gemm(prev, ldp, whh, S, N, g0, g1, sums, 16, G, cellOut, cellStride, true, c, Hp);
    }
    if (PQ) {
      barrier(bar, threads);
      gemm(hc, Hp, whr, Hp, N, q0, q1, ZEROS, 0, 0, yt, YS, false, 0, 0);
    }
    const gen = arrive(bar, threads);
    if (s + 1 < L) inputSums(x + (<usize>((rev ? t - 1 : t + 1) * N * XS) << 2), XS, wih, I, N, g0, g1, bias, sums, G);
    awaitBarrier(bar, threads, gen);
    prev = yt;
    ldp = YS;
  }
}

/** sums[r, panels g0..g1) = b + x[r]·W_ihᵀ for the N rows of one step's x (rows XS floats apart). */
@inline function inputSums(xt: usize, XS: i32, wih: usize, I: i32, N: i32, g0: i32, g1: i32, bias: usize, sums: usize,
  G: i32): void {
  gemm(xt, XS, wih, I, N, g0, g1, bias, 16, 0, sums, G, false, 0, 0);
}

/**
 * Packs a torch (4H, K) gate weight (rows i, f, g, o) into Hp/4 panels of kp·16 floats; rows
 * k ≥ K and units ≥ H are zero.
 */
export function packGates(src: usize, dst: usize, H: i32, K: i32, Hp: i32, kp: i32): void {
  for (let p = 0; p < (Hp >> 2); p++) {
    for (let k = 0; k < kp; k++) {
      const d = dst + (<usize>((p * kp + k) * 16) << 2);
      for (let q = 0; q < 4; q++) {
        for (let l = 0; l < 4; l++) {
          const u = p * 4 + l;
          const v: f32 = u < H && k < K ? load<f32>(src + (<usize>((q * H + u) * K + k) << 2)) : 0;
          store<f32>(d + (<usize>(q * 4 + l) << 2), v);
        }
      }
    }
  }
}

/** Packs b_ih + b_hh (either may be absent: ptr 0) into Hp/4 panels of 16 floats. */
export function packBias(bih: usize, bhh: usize, dst: usize, H: i32, Hp: i32): void {
  for (let p = 0; p < (Hp >> 2); p++) {
    for (let q = 0; q < 4; q++) {
      for (let l = 0; l < 4; l++) {
        const u = p * 4 + l;
        let v: f32 = 0;
        if (u < H) {
          const j = <usize>(q * H + u) << 2;
          if (bih) v = load<f32>(bih + j);
          if (bhh) v = bhh && bih ? v + load<f32>(bhh + j) : load<f32>(bhh + j);
        }
        store<f32>(dst + (<usize>(p * 16 + q * 4 + l) << 2), v);
      }
    }
  }
}

/** Packs torch's W_hr (P, H) as W_hrᵀ in PQ panels of Hp·16 floats (16 output columns each). */
export function packProj(src: usize, dst: usize, P: i32, H: i32, Hp: i32, PQ: i32): void {
  for (let q = 0; q < PQ; q++) {
    for (let k = 0; k < Hp; k++) {
      for (let j = 0; j < 16; j++) {
        const col = q * 16 + j;
        const v: f32 = col < P && k < H ? load<f32>(src + (<usize>(col * H + k) << 2)) : 0;
        store<f32>(dst + (<usize>((q * Hp + k) * 16 + j) << 2), v);
      }
    }
  }
}

/** Where the driver may start laying out buffers. */
export function heapBase(): usize { return (__heap_base + 63) & ~<usize>63; }

// The complex64 kernel's linear layers, in the same module (same memory, same runtime).
export { cpack, clinear } from './complex_linear';
