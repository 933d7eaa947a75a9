import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

/** The fused kernel each backend's forward runs (the fixture specs check their numbers). */
const FUSED: Record<string, string> = { cpu: 'TorchLSTMLayer', webgpu: 'TorchLSTMCell', webgl: 'TorchLSTMCell' };

describeEachBackend('fused LSTM kernels: which one runs, and gradients through the reference path', (backend) => {
  it(`a forward runs ${FUSED[backend] ?? 'the op-composed path (no fused kernel on this backend yet)'}`, async () => {
    torch.manual_seed(0);
    const m = new nn.LSTM(3, 5, { num_layers: 2, proj_size: 2, bidirectional: true });
    const x = tf.randomNormal([4, 2, 3]);
    await expectNoLeak(async () => {
      const prof = await tf.profile(() => { const [o, hc] = m.forward(x); tf.dispose([o, ...hc]); });
      const names = new Set(prof.kernelNames);
      if (FUSED[backend]) expect([...names]).to.include(FUSED[backend]);
      else expect([...names].filter((n) => n.startsWith('TorchLSTM'))).to.deep.equal([]);
    });
    x.dispose();
    m.dispose();
  });

  it('while a gradient is recorded, the forward takes the differentiable path and gives the same output', async () => {
    torch.manual_seed(0);
    const m = new nn.LSTM(3, 4);
    const x = tf.randomNormal([6, 2, 3]);
    await expectNoLeak(async () => {
      const [plain, hc] = m.forward(x);
      let taped: tf.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const [o, hc2] = m.forward(x);
        taped = tf.keep(tf.clone(o));
        tf.dispose(hc2);
        return tf.sum(o) as tf.Scalar;
      }, m.parameters());
      const a = (await plain.data()) as Float32Array;
      const b = (await taped!.data()) as Float32Array;
      const worst = a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i]!)), 0);
      expect(worst).to.be.at.most(1e-6);
      expect(Object.keys(grads).length).to.equal(4);
      tf.dispose([plain, ...hc, taped!, value, ...Object.values(grads)]);
    });
    x.dispose();
    m.dispose();
  });
});
