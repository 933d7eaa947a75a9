import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { type LSTMCase, expectClose, fixture } from './helpers/fixtures.js';
import { buildLSTM, caseInputs, label, sumAll } from './helpers/lstm.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

// Gradients sum over L·N steps and reach magnitudes in the hundreds, where float32 resolution
// alone is ~3e-5: like torch.testing.assert_close, allow its float32 rtol on top of the 1e-4.
const ATOL = 1e-4;
const RTOL = 1.3e-6;
const files = ['lstm/float32.json', 'lstm/extras.json'];

describeEachBackend('nn.LSTM gradients of output.sum() match PyTorch autograd within 1e-4', () => {
  const cases = files.flatMap((f) => fixture<{ cases: LSTMCase[] }>(f).cases).filter((k) => k.grads && !k.training);
  for (const c of cases) {
    it(label(c), async () => {
      const m = buildLSTM(c);
      const { x, hx } = caseInputs(c);
      await expectNoLeak(async () => {
        const params = m.parameters();
        const { value, grads } = tf.variableGrads(() => sumAll(m.forward(x, hx)[0]), params);
        value.dispose();
        for (const [name] of m.named_parameters()) await expectClose(grads[m[name as `weight_${string}`].name]!, c.grads![name]!, ATOL, `d/d${name}`, RTOL);
        tf.dispose(grads);
        const wrt = hx ? [x, hx[0], hx[1]] : [x];
        const g = tf.grads((...ins: tf.Tensor[]) => sumAll(m.forward(ins[0]!, hx ? [ins[1]!, ins[2]!] : undefined)[0]))(wrt);
        await expectClose(g[0]!, c.grads!.input!, ATOL, 'd/dinput', RTOL);
        if (hx) {
          await expectClose(g[1]!, c.grads!.h_0!, ATOL, 'd/dh_0', RTOL);
          await expectClose(g[2]!, c.grads!.c_0!, ATOL, 'd/dc_0', RTOL);
        }
        tf.dispose(g);
      });
      expect(c.grads).to.not.equal(null);
      tf.dispose([x, ...(hx ?? [])]);
      m.dispose();
    });
  }
});
