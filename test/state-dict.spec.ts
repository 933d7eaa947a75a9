import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { type LSTMCase, expectBitExact, expectClose, fixture, toTensor } from './helpers/fixtures.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

const HEAD = 'Error(s) in loading state_dict for LSTM:\n\t';

function throwsRuntime(fn: () => unknown, message: string): void {
  try { fn(); } catch (e) {
    expect((e as Error).name).to.equal('RuntimeError');
    expect((e as Error).message).to.equal(message);
    return;
  }
  expect.fail('expected a RuntimeError');
}

describeEachBackend('state_dict and load_state_dict', () => {
  it('state_dict keys are torch\'s, in registration order, holding the parameters', () => {
    const m = new nn.LSTM(3, 4, { num_layers: 2, bidirectional: true, proj_size: 2 });
    const sd = m.state_dict();
    expect(Object.keys(sd)).to.deep.equal(m._flat_weights_names);
    expect(Object.keys(sd).slice(0, 5)).to.deep.equal(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0']);
    expect(sd.weight_ih_l1_reverse!.shape).to.deep.equal([16, 4]);
    m.dispose();
  });

  it('a state_dict from PyTorch loads, and the forward then matches PyTorch', async () => {
    const c = fixture<{ cases: LSTMCase[] }>('lstm/float32.json').cases.find((k) => k.config.num_layers === 3 && k.config.bidirectional && k.config.proj_size && k.hx)!;
    torch.manual_seed(1);
    const { dtype: _d, ...cfg } = c.config;
    const m = new nn.LSTM(cfg).eval();
    const sd = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, toTensor(v)]));
    const x = toTensor(c.input);
    const hx = [toTensor(c.hx![0]), toTensor(c.hx![1])] as [tf.Tensor, tf.Tensor];
    const res = m.load_state_dict(sd);
    expect(res).to.deep.equal({ missing_keys: [], unexpected_keys: [] });
    for (const [k, p] of m.named_parameters()) await expectBitExact(p, c.params[k]!, k);
    await expectNoLeak(async () => {
      const [out, [h, cc]] = m.forward(x, hx);
      await expectClose(out, c.output, 1e-5, 'output');
      tf.dispose([out, h, cc]);
    });
    tf.dispose([...Object.values(sd), x, ...hx]);
    m.dispose();
  });

  it('round trip: one module\'s state_dict loads into another, bit for bit', async () => {
    const a = new nn.LSTM(3, 5, 2);
    const b = new nn.LSTM(3, 5, 2);
    await expectNoLeak(() => { b.load_state_dict(a.state_dict()); });
    for (const [k, p] of b.named_parameters()) expect(Array.from(p.dataSync())).to.deep.equal(Array.from(a.state_dict()[k]!.dataSync()));
    a.dispose();
    expect(b.weight_hh_l1.isDisposed).to.equal(false);
    b.dispose();
  });

  it('missing, unexpected and size-mismatched keys: torch\'s report, nothing changed', () => {
    const m = new nn.LSTM(6, 3);
    const before = Array.from(m.weight_hh_l0.dataSync());
    const sd = { ...m.state_dict() };
    const wrong = tf.zeros([12, 5]);
    const extra = tf.zeros([2]);
    const zerosHh = tf.zeros([12, 3]);
    const { bias_hh_l0: _gone, ...partial } = sd;
    throwsRuntime(() => m.load_state_dict({ ...partial, weight_ih_l0: wrong, foo: extra, weight_hh_l0: zerosHh }),
      `${HEAD}Missing key(s) in state_dict: "bias_hh_l0". \n\tUnexpected key(s) in state_dict: "foo". \n\t` +
      'size mismatch for weight_ih_l0: copying a param with shape torch.Size([12, 5]) from checkpoint, the shape in current model is torch.Size([12, 6]).');
    expect(Array.from(m.weight_hh_l0.dataSync())).to.deep.equal(before);
    throwsRuntime(() => m.load_state_dict({ ...sd, weight_ih_l0: wrong }, { strict: false }),
      `${HEAD}size mismatch for weight_ih_l0: copying a param with shape torch.Size([12, 5]) from checkpoint, the shape in current model is torch.Size([12, 6]).`);
    const r = m.load_state_dict({ ...partial, foo: extra }, { strict: false });
    expect(r).to.deep.equal({ missing_keys: ['bias_hh_l0'], unexpected_keys: ['foo'] });
    expect(Array.from(m.weight_hh_l0.dataSync())).to.deep.equal(before);
    tf.dispose([wrong, extra, zerosHh]);
    m.dispose();
  });

  it('a Map works as a state_dict too, and values are cast to the parameter dtype', () => {
    const m = new nn.LSTM(1, 1, { bias: false });
    m.load_state_dict(new Map([['weight_ih_l0', tf.tensor2d([[1], [2], [3], [4]], [4, 1], 'int32')], ['weight_hh_l0', tf.ones([4, 1])]]));
    expect(m.weight_ih_l0.dtype).to.equal('float32');
    expect(Array.from(m.weight_ih_l0.dataSync())).to.deep.equal([1, 2, 3, 4]);
    m.dispose();
  });
});
