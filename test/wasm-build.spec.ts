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

  it('computes σ and tanh (Cephes\' float32 polynomials) within 1e-7 of float64 over [-30, 30], saturating exactly, NaN as NaN', async () => {
    for (let i = 0; i < 200 && !getRuntime(); i++) await new Promise((r) => setTimeout(r, 10));
    const rt = getRuntime()!;
    // tanh switches polynomials at |x| = 0.625; exp's argument is clamped to [-87.3, 88.3].
    const special = [0, -0, 1e-30, -1e-30, 0.625, -0.625, 44.5, -44.5, 100, -100, 1e30, -1e30, Infinity, -Infinity, NaN];
    const n = Math.ceil((600001 + special.length) / 4) * 4;
    const xs = new Float32Array(n);
    for (let i = 0; i <= 600000; i++) xs[i] = -30 + i * 1e-4;
    xs.set(special, 600001);
    const src = rt.alloc(n);
    const dst = rt.alloc(n);
    const exact = [(x: number) => 1 / (1 + Math.exp(-x)), Math.tanh];
    for (const which of [0, 1]) {
      rt.f32().set(xs, src >> 2);
      rt.exports.activations(which, src, dst, n);
      const ys = rt.f32().slice(dst >> 2, (dst >> 2) + n);
      let worst = 0;
      for (let i = 0; i < 600001 + special.length - 1; i++) worst = Math.max(worst, Math.abs(ys[i]! - exact[which]!(xs[i]!)));
      const name = which ? 'tanh' : 'σ';
      expect(worst, `${name}: max abs error over [-30, 30] and the special values`).to.be.at.most(1e-7);
      const at = (x: number) => ys[600001 + special.findIndex((v) => Object.is(v, x))]!;
      expect(at(Infinity), `${name}(+∞)`).to.equal(1);
      expect(at(1e30), `${name}(1e30)`).to.equal(1);
      expect(at(100), `${name}(100)`).to.equal(1);
      expect(Number.isNaN(at(NaN)), `${name}(NaN)`).to.equal(true);
      if (which) {
        expect(at(-Infinity), 'tanh(-∞)').to.equal(-1);
        // Torch parity: torch.tanh keeps the sign of zero.
        expect(Object.is(at(-0), -0), 'tanh(-0) is -0').to.equal(true);
        expect(Object.is(at(0), 0), 'tanh(+0) is +0').to.equal(true);
        expect(at(1e-30), 'tanh(1e-30)').to.be.closeTo(1e-30, 1e-36);
        expect(at(-1e-30), 'tanh(-1e-30)').to.be.closeTo(-1e-30, 1e-36);
      } else {
        expect(at(-Infinity), 'σ(-∞)').to.be.within(0, 1e-30);
        expect(at(-100), 'σ(-100)').to.be.within(0, 1e-30);
        expect(at(0), 'σ(0)').to.equal(0.5);
      }
    }
    rt.free(src);
    rt.free(dst);
  });
});
