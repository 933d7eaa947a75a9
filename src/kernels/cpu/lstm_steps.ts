/*
 * The cpu kernel's forward: one thread's share of a layer, step by step, on weights packed for
 * it. Used by the single-threaded forward (lstm_layer.ts, one share of all units) and by the
 * worker threads of lstm_parallel.ts, which run these functions from their source text: keep
 * them free of imports and of names from outside this file.
 *
 * A share is units [u0, u0 + U) of every gate (and, with a projection, outputs [q0, q0 + Q) of
 * h). Its weight rows are packed into blocks of 8 rows, interleaved (block b holds row 8b + c's
 * element p at b·8k + 8p + c), in plain JavaScript arrays of doubles: V8 runs the dot products
 * over them ~1.8x faster than over the Float32Arrays in torch's layout (fewer index
 * computations and bounds checks, no float32 -> float64 conversions). Each sum still runs over p
 * in order from 0, so every value is the same whatever the share: results do not depend on the
 * thread count.
 */

/** One thread's packed weights. Columns of the gate sums are g·U + i (gate g, unit u0 + i). */
export interface Share {
  u0: number; U: number; n8: number;
  q0: number; Q: number; p8: number;
  wih: number[]; whh: number[]; whr: number[] | null;
  bih: number[]; bhh: number[];
}

/** A layer's sizes: L steps, N rows, I inputs, H units, P outputs (H, or proj_size); `reverse` walks the steps backwards. */
export interface LayerDims { L: number; N: number; I: number; H: number; P: number; reverse: boolean }

/** What the backward pass keeps of each step (single-threaded forward only). */
export interface StepTape {
  act: Float32Array;    // (L, N, 4H): σ(i), σ(f), tanh(g), σ(o)
  tanhC: Float32Array;  // (L, N, H)
  hc: Float32Array;     // (L, N, H): o * tanh(c), before the projection
  hPrev: Float32Array;  // (L, N, P): h entering step t
  cPrev: Float32Array;  // (L, N, H): c entering step t
}

/** A JavaScript array of n doubles (zeros), in V8's unboxed double representation whatever is stored later. */
export function doubles(n: number): number[] {
  const a = [0.5];
  for (let i = 1; i < n; i++) a.push(0);
  a[0] = 0;
  if (n === 0) a.pop();
  return a;
}

/**
 * Rows starts[s] + i (i < count) of `w` (rows of length k), in that order, packed in blocks of
 * 8 interleaved rows; the last block is padded with zero rows.
 */
export function packRows(w: Float32Array, k: number, starts: number[], count: number): number[] {
  const n = starts.length * count;
  const out = doubles(Math.ceil(n / 8) * 8 * k);
  for (let j = 0; j < n; j++) {
    const src = (starts[Math.floor(j / count)]! + (j % count)) * k;
    const dst = Math.floor(j / 8) * 8 * k + (j % 8);
    for (let p = 0; p < k; p++) out[dst + 8 * p] = w[src + p]!;
  }
  return out;
}

/** Packs a share: gate units [u0, u1) and projection outputs [q0, q1). Absent biases are zeros. */
export function packShare(wIh: Float32Array, wHh: Float32Array, bIh: Float32Array | null, bHh: Float32Array | null,
  wHr: Float32Array | null, I: number, H: number, P: number, u0: number, u1: number, q0: number, q1: number): Share {
  const U = u1 - u0;
  const gates = [u0, H + u0, 2 * H + u0, 3 * H + u0];
  const bias = (b: Float32Array | null) => {
    const out = doubles(4 * U);
    if (b) for (let j = 0; j < 4 * U; j++) out[j] = b[gates[Math.floor(j / U)]! + (j % U)]!;
    return out;
  };
  return {
    u0, U, n8: Math.ceil((4 * U) / 8), q0, Q: q1 - q0, p8: Math.ceil((q1 - q0) / 8),
    wih: packRows(wIh, I, gates, U), whh: packRows(wHh, P, gates, U),
    whr: wHr ? packRows(wHr, H, [q0], q1 - q0) : null, bih: bias(bIh), bhh: bias(bHh),
  };
}

/**
 * Packs thread tid's share of `threads`: units [H·tid/threads, H·(tid+1)/threads) and, with a
 * projection, outputs likewise of P (the single-threaded forward is share 0 of 1; the caller,
 * tid 0, and every worker of a pool split the same way). Without w_ih (no input), I is taken as 0.
 */
export function packThreadShare(wIh: Float32Array | null, wHh: Float32Array, bIh: Float32Array | null,
  bHh: Float32Array | null, wHr: Float32Array | null, I: number, H: number, P: number, tid: number, threads: number): Share {
  const part = (n: number, t: number) => Math.floor((n * t) / threads);
  return packShare(wIh ?? new Float32Array(0), wHh, bIh, bHh, wHr, wIh ? I : 0, H, P, part(H, tid), part(H, tid + 1),
    wHr ? part(P, tid) : 0, wHr ? part(P, tid + 1) : 0);
}

/**
 * `out[i·8n8 + j] = Σ_p a[a0 + i·k + p] · w_j[p]` for rows i < m and the n8 blocks of packed
 * rows w: two rows and four columns at a time (eight sums in registers), a last odd row by
 * gemvPacked.
 */
export function gemmPacked(out: number[], a: Float32Array, a0: number, m: number, k: number, w: number[], n8: number): void {
  const S = 8 * n8;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const ai = a0 + i * k; const aj = ai + k; const oi = i * S; const oj = oi + S;
    for (let b = 0; b < 2 * n8; b++) {
      let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0; let t0 = 0; let t1 = 0; let t2 = 0; let t3 = 0;
      let q = (b >> 1) * 8 * k + (b & 1) * 4;
      for (let p = 0; p < k; p++, q += 8) {
        const x0 = a[ai + p]!; const x1 = a[aj + p]!;
        const w0 = w[q]!; const w1 = w[q + 1]!; const w2 = w[q + 2]!; const w3 = w[q + 3]!;
        s0 += x0 * w0; s1 += x0 * w1; s2 += x0 * w2; s3 += x0 * w3;
        t0 += x1 * w0; t1 += x1 * w1; t2 += x1 * w2; t3 += x1 * w3;
      }
      const o = oi + 4 * b; const o2 = oj + 4 * b;
      out[o] = s0; out[o + 1] = s1; out[o + 2] = s2; out[o + 3] = s3;
      out[o2] = t0; out[o2 + 1] = t1; out[o2 + 2] = t2; out[o2 + 3] = t3;
    }
  }
  if (i < m) gemvPacked(out, i * S, a, a0 + i * k, k, w, n8);
}

/**
 * One row of gemmPacked, eight columns at a time (a function of its own: V8 optimizes it better
 * than a second loop nest in gemmPacked).
 */
export function gemvPacked(out: number[], o0: number, a: Float32Array, a0: number, k: number, w: number[], n8: number): void {
  for (let b = 0; b < n8; b++) {
    let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0; let s4 = 0; let s5 = 0; let s6 = 0; let s7 = 0;
    let q = b * 8 * k;
    for (let p = 0; p < k; p++, q += 8) {
      const x0 = a[a0 + p]!;
      s0 += x0 * w[q]!; s1 += x0 * w[q + 1]!; s2 += x0 * w[q + 2]!; s3 += x0 * w[q + 3]!;
      s4 += x0 * w[q + 4]!; s5 += x0 * w[q + 5]!; s6 += x0 * w[q + 6]!; s7 += x0 * w[q + 7]!;
    }
    const o = o0 + 8 * b;
    out[o] = s0; out[o + 1] = s1; out[o + 2] = s2; out[o + 3] = s3;
    out[o + 4] = s4; out[o + 5] = s5; out[o + 6] = s6; out[o + 7] = s7;
  }
}

/**
 * The gate math of one step for the share's units and rows 0..N: gate sums x·W_ihᵀ (sx) and
 * h·W_hhᵀ (sh), row stride S; c updated in place (row stride H at cOff); o·tanh(c) written to hc
 * (row stride hcStride at hcOff). With a tape, the activations of step t are kept.
 */
export function cellStep(w: Share, sx: number[], sh: number[], S: number, c: Float32Array, cOff: number,
  hc: Float32Array, hcOff: number, hcStride: number, N: number, H: number, tape: StepTape | null, t: number): void {
  const U = w.U; const u0 = w.u0; const bih = w.bih; const bhh = w.bhh;
  for (let r = 0; r < N; r++) {
    const s0 = r * S;
    const cr = cOff + r * H + u0;
    const hr = hcOff + r * hcStride + u0;
    for (let i = 0; i < U; i++) {
      // Torch parity: pre = b_ih + x·W_ihᵀ and (h·W_hhᵀ + b_hh) are each rounded to float32, then added.
      const gi = Math.fround(Math.fround(bhh[i]! + sh[s0 + i]!) + Math.fround(bih[i]! + sx[s0 + i]!));
      const gf = Math.fround(Math.fround(bhh[U + i]! + sh[s0 + U + i]!) + Math.fround(bih[U + i]! + sx[s0 + U + i]!));
      const gg = Math.fround(Math.fround(bhh[2 * U + i]! + sh[s0 + 2 * U + i]!) + Math.fround(bih[2 * U + i]! + sx[s0 + 2 * U + i]!));
      const go = Math.fround(Math.fround(bhh[3 * U + i]! + sh[s0 + 3 * U + i]!) + Math.fround(bih[3 * U + i]! + sx[s0 + 3 * U + i]!));
      const si = Math.fround(1 / (1 + Math.exp(-gi)));
      const sf = Math.fround(1 / (1 + Math.exp(-gf)));
      const tg = Math.fround(Math.tanh(gg));
      const so = Math.fround(1 / (1 + Math.exp(-go)));
      const cv = Math.fround(sf * c[cr + i]! + si * tg);
      const tc = Math.fround(Math.tanh(cv));
      c[cr + i] = cv;
      hc[hr + i] = so * tc;
      if (tape) {
        const a = t * N * 4 * H + r * 4 * H + u0 + i;
        tape.act[a] = si; tape.act[a + H] = sf; tape.act[a + 2 * H] = tg; tape.act[a + 3 * H] = so;
        tape.tanhC[t * N * H + r * H + u0 + i] = tc;
      }
    }
  }
}

/**
 * One share of a layer over all steps: per step the gate sums of its units, their cells, and
 * (after `sync`, the barrier between threads; null on one thread) its share of the projection.
 * x is (L, N, I) at xOff, h0 (N, P) at h0Off, c (N, H) at cOff (updated in place), hc (N, H) at
 * hcOff (scratch for o·tanh(c) with a projection), out (L, N, P) at outOff; h is out's last step.
 */
export function layerSteps(w: Share, x: Float32Array, xOff: number, h0: Float32Array, h0Off: number,
  c: Float32Array, cOff: number, hc: Float32Array, hcOff: number, out: Float32Array, outOff: number,
  L: number, N: number, I: number, H: number, P: number, rev: boolean, sync: (() => void) | null, tape: StepTape | null): void {
  const S = 8 * w.n8;
  const sx = doubles(N * S);
  const sh = doubles(N * S);
  const whr = w.whr;
  const sp = whr ? doubles(N * 8 * w.p8) : sx;
  let prev = h0;
  let prevOff = h0Off;
  for (let s = 0; s < L; s++) {
    const t = rev ? L - 1 - s : s;
    const yt = outOff + t * N * P;
    if (tape) {
      tape.hPrev.set(prev.subarray(prevOff, prevOff + N * P), t * N * P);
      tape.cPrev.set(c.subarray(cOff, cOff + N * H), t * N * H);
    }
    if (I > 0) gemmPacked(sx, x, xOff + t * N * I, N, I, w.wih, w.n8);
    gemmPacked(sh, prev, prevOff, N, P, w.whh, w.n8);
    // Without a projection h is o·tanh(c), written straight into this step's output row.
    if (whr) cellStep(w, sx, sh, S, c, cOff, hc, hcOff, H, N, H, tape, t);
    else cellStep(w, sx, sh, S, c, cOff, out, yt, P, N, H, tape, t);
    if (tape) tape.hc.set(whr ? hc.subarray(hcOff, hcOff + N * H) : out.subarray(yt, yt + N * H), t * N * H);
    if (sync) sync();
    if (whr) {
      gemmPacked(sp, hc, hcOff, N, H, whr, w.p8);
      for (let r = 0; r < N; r++) for (let q = 0; q < w.Q; q++) out[yt + r * P + w.q0 + q] = sp[r * 8 * w.p8 + q]!;
      if (sync) sync();
    }
    prev = out;
    prevOff = yt;
  }
}
