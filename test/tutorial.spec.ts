import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { type FixtureTensor, expectBitExact, expectClose, fixture, toTensor } from './helpers/fixtures.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

interface Step {
  title: string; seed: string | null; continue?: boolean; config: { input_size: number; hidden_size: number; dtype?: string };
  input: FixtureTensor; repr: string; params?: Record<string, FixtureTensor>; output: FixtureTensor; h_n: FixtureTensor; c_n: FixtureTensor;
}

// The seed tutorial (shared/seed/lstm-in-pytorch.txt), replayed by compat/make_fixtures.py with
// real PyTorch; its printed 4-decimal values are these, rounded.
describeEachBackend('the seed tutorial\'s examples give PyTorch\'s values', () => {
  const steps = fixture<{ steps: Step[] }>('lstm/tutorial.json').steps;
  let lstm2: InstanceType<typeof nn.LSTM> | null = null;
  after(() => { lstm2?.dispose(); lstm2 = null; });

  for (const step of steps) {
    it(step.title, async () => {
      let m: InstanceType<typeof nn.LSTM>;
      if (step.continue && lstm2) {
        m = lstm2;
      } else {
        torch.manual_seed(BigInt(step.seed ?? 42));
        const { dtype, ...cfg } = step.config;
        m = new nn.LSTM({ ...cfg, dtype: dtype === 'complex64' ? torch.complex64 : torch.float32 });
        if (step.title.startsWith('lstm2')) { lstm2?.dispose(); lstm2 = m; }
      }
      expect(String(m)).to.equal(step.repr);
      for (const [name, p] of Object.entries(step.params ?? {})) await expectBitExact(m[name as `weight_${string}`], p, name);
      const x = toTensor(step.input);
      await expectNoLeak(async () => {
        const [out, [h, c]] = m.forward(x);
        await expectClose(out, step.output, 1e-5, 'output');
        await expectClose(h, step.h_n, 1e-5, 'h_n');
        await expectClose(c, step.c_n, 1e-5, 'c_n');
        tf.dispose([out, h, c]);
      });
      x.dispose();
      if (m !== lstm2) m.dispose();
    });
  }

  it('lstm1(tensor1) prints what the tutorial prints', async () => {
    torch.manual_seed(42);
    const m = new nn.LSTM(6, 3);
    const x = tf.tensor2d([[8, -3, 0, 1, 5, -2]]);
    const [out, [h, c]] = m.forward(x);
    // Read once asynchronously: on webgpu in Node only values already on the CPU read synchronously.
    await Promise.all([out.data(), c.data()]);
    // The tutorial: tensor([[-0.2443, 0.0840, 0.4837]]) and c_n tensor([[-0.2616, 0.0902, 0.5288]]).
    expect(torch.format(out)).to.equal('tensor([[-0.2443,  0.0840,  0.4837]])');
    expect(torch.format(c)).to.equal('tensor([[-0.2616,  0.0902,  0.5288]])');
    tf.dispose([x, out, h, c]);
    m.dispose();
  });
});
