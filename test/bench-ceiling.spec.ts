// node-only: bench/ceiling.ts compiles AssemblyScript and starts worker threads
import { expect } from 'chai';
import { measureCeilings } from '../bench/ceiling.js';
import { LSTM_LAYER_RELAXED } from '../src/kernels/wasm/lstm_layer_binary.js';

describe('bench ceilings (bench/ceiling.ts)', () => {
  it('compile bench/assembly/peak.ts and measure a finite rate for each path', async function () {
    this.timeout(60000);
    const c = await measureCeilings(1);
    expect(Object.keys(c.wasmSimd)).to.deep.equal(['1']);
    expect(Object.keys(c.jsScalar)).to.deep.equal(['1']);
    for (const g of [c.wasmSimd[1]!, c.jsScalar[1]!]) expect(g).to.be.a('number').and.to.be.greaterThan(0).and.to.be.below(1e4);
    // The fused multiply-add ceiling only where this process validates relaxed SIMD (the kernel's build tells).
    const relaxed = WebAssembly.validate(Uint8Array.from(atob(LSTM_LAYER_RELAXED), (ch) => ch.charCodeAt(0)));
    if (relaxed) expect(c.wasmFma?.[1]).to.be.a('number').and.to.be.greaterThan(0).and.to.be.below(1e4);
    else expect(c.wasmFma).to.equal(undefined);
  });
});
