import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { type LSTMCase, expectClose, fixture } from './helpers/fixtures.js';
import { buildLSTM, caseInputs } from './helpers/lstm.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

describeEachBackend('dropout between layers, training mode only', () => {
  it('dropout=1 in training mode zeroes layer 2\'s input, exactly as PyTorch computes it', async () => {
    const c = fixture<{ cases: LSTMCase[] }>('lstm/extras.json').cases.find((k) => k.training)!;
    const m = buildLSTM(c);
    expect(m.training).to.equal(true);
    const { x, hx } = caseInputs(c);
    await expectNoLeak(async () => {
      const [out, [h, cc]] = m.forward(x, hx);
      await expectClose(out, c.output, 1e-5, 'output');
      await expectClose(h, c.h_n, 1e-5, 'h_n');
      await expectClose(cc, c.c_n, 1e-5, 'c_n');
      tf.dispose([out, h, cc]);
    });
    tf.dispose([x, ...hx!]);
    m.dispose();
  });

  it('dropout=0.5: training forwards are random and scaled, eval forwards are deterministic', async () => {
    torch.manual_seed(3);
    const m = new nn.LSTM(4, 8, { num_layers: 2, dropout: 0.5 });
    const x = tf.randomNormal([6, 64, 4]);
    await expectNoLeak(async () => {
      const run = () => { const [o, hc] = m.forward(x); tf.dispose(hc); return o; };
      const a = run();
      const b = run();
      const maxDiff = async (u: tf.Tensor, v: tf.Tensor) => {
        const d = tf.tidy(() => tf.max(tf.abs(tf.sub(u, v))));
        const v0 = (await d.data())[0]!;
        d.dispose();
        return v0;
      };
      expect(await maxDiff(a, b)).to.be.greaterThan(1e-3);
      m.eval();
      const e1 = run();
      const e2 = run();
      expect(await maxDiff(e1, e2)).to.equal(0);
      tf.dispose([a, b, e1, e2]);
      m.train();
    });
    expect(m.training).to.equal(true);
    x.dispose();
    m.dispose();
  });

  it('train() and eval() return the module and set training recursively', () => {
    const m = new nn.LSTM(2, 2);
    expect(m.eval()).to.equal(m);
    expect(m.training).to.equal(false);
    expect(m.train().training).to.equal(true);
    expect(m.train(false).training).to.equal(false);
    m.dispose();
  });
});
