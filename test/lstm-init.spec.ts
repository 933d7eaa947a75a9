import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { type FixtureTensor, type LSTMCase, expectBitExact, fixture } from './helpers/fixtures.js';
import { buildLSTM, label } from './helpers/lstm.js';
import { describeEachBackend } from './helpers/backends.js';

const files = ['lstm/float32.json', 'lstm/extras.json'];

describeEachBackend('nn.LSTM init: manual_seed + construction is bit-identical to PyTorch', () => {
  for (const file of files) {
    for (const c of fixture<{ cases: LSTMCase[] }>(file).cases) {
      it(label(c), async () => {
        const m = buildLSTM(c);
        const names = m.named_parameters().map(([n]) => n);
        expect(names).to.deep.equal(Object.keys(c.params));
        for (const [name, p] of m.named_parameters()) await expectBitExact(p, c.params[name]!, name);
        m.dispose();
      });
    }
  }

  it('successive constructions continue the same stream (mixed float32 / complex64)', async function () {
    if (!tf.getKernel('Complex', tf.getBackend())) this.skip(); // this backend has no complex64 tensors
    const f = fixture<{ mixed_stream: { seed: number; modules: { config: Record<string, unknown>; params: Record<string, FixtureTensor> }[] } }>('lstm/complex64.json');
    torch.manual_seed(f.mixed_stream.seed);
    const made = f.mixed_stream.modules.map(({ config }) => {
      const { dtype, ...cfg } = config as { dtype: string; input_size: number; hidden_size: number };
      return new nn.LSTM({ ...cfg, dtype: dtype === 'complex64' ? torch.complex64 : torch.float32 });
    });
    for (const [i, m] of made.entries()) {
      for (const [name, p] of m.named_parameters()) await expectBitExact(p, f.mixed_stream.modules[i]!.params[name]!, name);
      m.dispose();
    }
  });

  it('without manual_seed, two processes-worth of seeds differ (entropy) and initial_seed tells them', () => {
    const s1 = torch.seed();
    const a = new nn.LSTM(2, 2);
    const s2 = torch.seed();
    const b = new nn.LSTM(2, 2);
    expect(s1).to.not.equal(s2);
    expect(Array.from(a.weight_ih_l0.dataSync())).to.not.deep.equal(Array.from(b.weight_ih_l0.dataSync()));
    a.dispose(); b.dispose();
    expect(tf.memory().numTensors).to.be.a('number');
  });
});
