/*
 * The cpu kernel backward's matrix products (lstm_layer.ts), on Float32Arrays in torch's layout;
 * the forward's, on packed weights, are in lstm_steps.ts.
 */

/**
 * `acc[accOff + i·n + j] += Σ_p a[aOff + i·k + p] · b[j·k + p]`: C += A·Bᵀ with B in torch's
 * (out, in) weight layout, as dot products kept in registers (2 rows x 4 columns at a time, a
 * last odd row by gemvNT), which JavaScript engines run several times faster than the axpy order.
 */
export function gemmNT(acc: Float32Array | Float64Array, accOff: number, a: Float32Array, aOff: number, m: number,
  k: number, b: Float32Array, n: number): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s00 = 0; let s01 = 0; let s02 = 0; let s03 = 0; let s10 = 0; let s11 = 0; let s12 = 0; let s13 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!;
        const x1 = a[a1 + p]!;
        const w0 = b[b0 + p]!;
        const w1 = b[b1 + p]!;
        const w2 = b[b2 + p]!;
        const w3 = b[b3 + p]!;
        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
      }
      const r0 = accOff + i * n + j;
      const r1 = r0 + n;
      acc[r0]! += s00; acc[r0 + 1]! += s01; acc[r0 + 2]! += s02; acc[r0 + 3]! += s03;
      acc[r1]! += s10; acc[r1 + 1]! += s11; acc[r1 + 2]! += s12; acc[r1 + 3]! += s13;
    }
    for (; j < n; j++) {
      let s0 = 0;
      let s1 = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) { s0 += a[a0 + p]! * b[bj + p]!; s1 += a[a1 + p]! * b[bj + p]!; }
      acc[accOff + i * n + j]! += s0;
      acc[accOff + (i + 1) * n + j]! += s1;
    }
  }
  // One row (batch 1, or the odd row).
  for (; i < m; i++) gemvNT(acc, accOff + i * n, a, aOff + i * k, k, b, n);
}

/**
 * One row of gemmNT: `acc[r0 + j] += Σ_p a[a0 + p] · b[j·k + p]` for j < n, 8 columns at a time
 * (8 independent sums; a function of its own, which V8 optimizes better than a second loop nest
 * in gemmNT). Each sum runs over p in order, as in gemmNT's other blocks.
 */
export function gemvNT(acc: Float32Array | Float64Array, r0: number, a: Float32Array, a0: number, k: number,
  b: Float32Array, n: number): void {
  let j = 0;
  for (; j + 7 < n; j += 8) {
    const b0 = j * k; const b1 = b0 + k; const b2 = b1 + k; const b3 = b2 + k;
    const b4 = b3 + k; const b5 = b4 + k; const b6 = b5 + k; const b7 = b6 + k;
    let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0; let s4 = 0; let s5 = 0; let s6 = 0; let s7 = 0;
    for (let p = 0; p < k; p++) {
      const x0 = a[a0 + p]!;
      s0 += x0 * b[b0 + p]!; s1 += x0 * b[b1 + p]!; s2 += x0 * b[b2 + p]!; s3 += x0 * b[b3 + p]!;
      s4 += x0 * b[b4 + p]!; s5 += x0 * b[b5 + p]!; s6 += x0 * b[b6 + p]!; s7 += x0 * b[b7 + p]!;
    }
    acc[r0 + j]! += s0; acc[r0 + j + 1]! += s1; acc[r0 + j + 2]! += s2; acc[r0 + j + 3]! += s3;
    acc[r0 + j + 4]! += s4; acc[r0 + j + 5]! += s5; acc[r0 + j + 6]! += s6; acc[r0 + j + 7]! += s7;
  }
  for (; j < n; j++) {
    let s0 = 0;
    const bj = j * k;
    for (let p = 0; p < k; p++) s0 += a[a0 + p]! * b[bj + p]!;
    acc[r0 + j]! += s0;
  }
}
