import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { getRuntime, wasmKernelBuild } from '../src/kernels/wasm/simd_runtime.js';
import { LSTM_LAYER_RELAXED } from '../src/kernels/wasm/lstm_layer_binary.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

/** TFJS_TORCH_WASM_BUILD in Node (`npm run test:relaxed-simd` sets it); undefined in a browser. */
const WANTED = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TFJS_TORCH_WASM_BUILD;

describeEachBackend('the wasm kernel build', (backend) => {
  if (backend !== 'wasm') return;

  it('is the relaxed-SIMD one (fused multiply-add) exactly where the engine validates relaxed SIMD', async () => {
    torch.manual_seed(1);
    const m = new nn.LSTM(3, 8);
    const x = tf.randomNormal([2, 1, 3]);
    await expectNoLeak(async () => {
      const [o, [h, c]] = m.forward(x);
      await o.data();
      tf.dispose([o, h, c]);
    });
    const relaxed = WebAssembly.validate(Uint8Array.from(atob(LSTM_LAYER_RELAXED), (ch) => ch.charCodeAt(0)));
    expect(wasmKernelBuild()).to.equal(relaxed ? 'relaxed-simd' : 'simd');
    // `npm run test:relaxed-simd` must test the fused build, not fall back to the other silently.
    if (WANTED === 'relaxed-simd') expect(wasmKernelBuild()).to.equal('relaxed-simd');
    x.dispose();
    m.dispose();
  });

  it('is ready soon after an nn.LSTM is built (a browser page instantiates it asynchronously), and then runs the forward', async () => {
    torch.manual_seed(2);
    const m = new nn.LSTM(3, 8); // starts the instantiation in a page (Node compiles synchronously on first use)
    const x = tf.randomNormal([2, 1, 3]);
    for (let i = 0; i < 200 && !getRuntime(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(getRuntime(), 'the kernel instance').to.not.equal(null);
    await expectNoLeak(async () => {
      const prof = await tf.profile(() => { const [o, hc] = m.forward(x); tf.dispose([o, ...hc]); });
      expect(prof.kernelNames).to.include('TorchLSTMLayer');
    });
    x.dispose();
    m.dispose();
  });
});
