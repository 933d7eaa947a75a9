import * as tf from '@tensorflow/tfjs';
import { type LSTMCase, expectClose, fixture } from './helpers/fixtures.js';
import { buildLSTM, caseInputs, label } from './helpers/lstm.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

const ATOL = 1e-5;
const files = ['lstm/float32.json', 'lstm/extras.json'];

describeEachBackend('nn.LSTM forward (float32) agrees with PyTorch within 1e-5', () => {
  // Every case on every backend: with the GPU step kernels all of them take 11-19 s on SwiftShader.
  for (const c of files.flatMap((f) => fixture<{ cases: LSTMCase[] }>(f).cases)) {
    it(label(c), async () => {
      const m = buildLSTM(c);
      const { x, hx } = caseInputs(c);
      await expectNoLeak(async () => {
        const [out, [h, cN]] = m.forward(x, hx);
        await expectClose(out, c.output, ATOL, 'output');
        await expectClose(h, c.h_n, ATOL, 'h_n');
        await expectClose(cN, c.c_n, ATOL, 'c_n');
        tf.dispose([out, h, cN]);
      });
      tf.dispose([x, ...(hx ?? [])]);
      m.dispose();
    });
  }
});
