// node-only: bench/ceiling.ts compiles AssemblyScript and starts worker threads
import { expect } from 'chai';
import { compilePeak, measureCeilings } from '../bench/ceiling.js';
import { LSTM_LAYER_RELAXED } from '../src/kernels/wasm/lstm_layer_binary.js';

describe('bench ceilings (bench/ceiling.ts)', () => {
  it('compile bench/assembly/peak.ts and measure a finite rate for each path', async function () {
    this.timeout(60000);
    const c = await measureCeilings(1);
    expect(Object.keys(c.wasmSimd)).to.deep.equal(['1']);
    expect(Object.keys(c.jsScalar)).to.deep.equal(['1']);
    for (const g of [c.wasmSimd[1]!, c.jsScalar[1]!]) expect(g).to.be.a('number').and.to.be.greaterThan(0).and.to.be.below(1e4);
    // A WebAssembly path's ceiling is the better of its chains loop and its GEMM loops.
    expect(c.wasmSimd[1]).to.equal(Math.max(c.loops!.simdChains[1]!, c.loops!.simdGemm[1]!));
    // The fused multiply-add ceiling only where this process validates relaxed SIMD (the kernel's build tells).
    const relaxed = WebAssembly.validate(Uint8Array.from(atob(LSTM_LAYER_RELAXED), (ch) => ch.charCodeAt(0)));
    if (relaxed) {
      expect(c.wasmFma?.[1]).to.be.a('number').and.to.be.greaterThan(0).and.to.be.below(1e4);
      expect(c.wasmFma![1]).to.equal(Math.max(c.loops!.fmaChains![1]!, c.loops!.fmaGemm![1]!));
    } else {
      expect(c.wasmFma).to.equal(undefined);
    }
  });

  it('GEMM loops compute their products (rows × panel, as the rates count them)', async function () {
    this.timeout(60000);
    const ex = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(await compilePeak())), { env: { abort() {} } }).exports as unknown as
      { memory: WebAssembly.Memory; init(seed: number): void; at(which: number): number } & Record<string, (passes: number) => number>;
    const K = 384;
    // [export, rows, columns, A k-major (rows interleaved per k)]
    for (const [fn, R, C, kMajor] of [['gemm2x16', 2, 16, false], ['gemm3x12', 3, 12, true], ['gemm4x8', 4, 8, true]] as const) {
      ex.init(0.5);
      ex[fn]!(1);
      const f32 = new Float32Array(ex.memory.buffer);
      const a = ex.at(0) >> 2;
      const w = ex.at(1) >> 2;
      const out = ex.at(2) >> 2;
      for (let r = 0; r < R; r++) {
        for (let j = 0; j < C; j++) {
          let want = 0;
          for (let k = 0; k < K; k++) want += f32[a + (kMajor ? k * R + r : r * K + k)]! * f32[w + k * C + j]!;
          expect(f32[out + r * C + j], `${fn} row ${r} column ${j}`).to.be.closeTo(want, 1e-6 * Math.abs(want) + 1e-9);
        }
      }
    }
  });
});
