import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { manual_seed } from '../src/torch.js';
import { Linear } from '../src/nn/linear.js';
import { Embedding } from '../src/nn/embedding.js';
import { LSTM } from '../src/nn/lstm.js';
import { Module } from '../src/nn/module.js';
import { lstmFromStateDict } from '../src/nn/lstm_from_state_dict.js';
import { type FixtureTensor, expectBitExact, expectClose, fixture, toTensor } from './helpers/fixtures.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

interface CharLMFixture {
  V: number; E: number; H: number; P: number; seed: number; repr: string; keys: string[];
  params: Record<string, FixtureTensor>; indices: number[][]; logits: FixtureTensor; load_error: string;
}

/** The Python CharLM of compat/make_module_fixtures.py, ported by subclassing Module. */
class CharLM extends Module {
  declare readonly embed: Embedding;
  declare readonly lstm: LSTM;
  declare readonly fc: Linear;
  constructor(V: number, E: number, H: number, P: number) {
    super();
    this.add_module('embed', new Embedding(V, E));
    this.add_module('lstm', new LSTM(E, H, { num_layers: 2, proj_size: P, batch_first: true }));
    this.add_module('fc', new Linear(P, V));
  }

  forward(idx: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [out, [h, c]] = this.lstm.forward(this.embed.forward(idx));
      tf.dispose([h, c]);
      return this.fc.forward(out);
    });
  }
}

function throwsTorch(fn: () => unknown, name: string, message: string): void {
  try { fn(); } catch (e) {
    expect(`${(e as Error).name}: ${(e as Error).message}`).to.equal(`${name}: ${message}`);
    return;
  }
  expect.fail(`expected ${name}: ${message}`);
}

const sdOf = (params: Record<string, FixtureTensor>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, toTensor(v)]));

describeEachBackend('a whole Embedding -> LSTM -> Linear model matches PyTorch', () => {
  const f = fixture<CharLMFixture>('modules/charlm.json');

  it('state_dict keys and order, init bit for bit after manual_seed, repr', async () => {
    manual_seed(f.seed);
    const m = new CharLM(f.V, f.E, f.H, f.P);
    expect(Object.keys(m.state_dict())).to.deep.equal(f.keys);
    for (const [k, p] of m.named_parameters()) await expectBitExact(p, f.params[k]!, k);
    expect(String(m)).to.equal(f.repr);
    m.dispose();
  });

  it('forward logits within 1e-5 of torch (eval mode), no leaks', async () => {
    manual_seed(f.seed);
    const m = new CharLM(f.V, f.E, f.H, f.P).eval();
    const idx = tf.tensor2d(f.indices, undefined, 'int32');
    await expectNoLeak(async () => {
      const y = m.forward(idx);
      await expectClose(y, f.logits, 1e-5, 'logits');
      y.dispose();
    });
    idx.dispose();
    m.dispose();
  });

  it('load_state_dict across the tree: torch\'s weights load, and torch\'s report for bad keys', async () => {
    manual_seed(1);
    const m = new CharLM(f.V, f.E, f.H, f.P).eval();
    const sd = sdOf(f.params);
    expect(m.load_state_dict(sd)).to.deep.equal({ missing_keys: [], unexpected_keys: [] });
    for (const [k, p] of m.named_parameters()) await expectBitExact(p, f.params[k]!, k);
    const { 'fc.bias': _gone, ...partial } = sd;
    const extra = tf.zeros([2]);
    const wrong = tf.zeros([28, 5]);
    throwsTorch(() => m.load_state_dict({ ...partial, 'extra.weight': extra, 'lstm.weight_hh_l1': wrong }), 'RuntimeError', f.load_error);
    expect(m.load_state_dict({ ...partial, 'extra.weight': extra }, { strict: false }))
      .to.deep.equal({ missing_keys: ['fc.bias'], unexpected_keys: ['extra.weight'] });
    const idx = tf.tensor2d(f.indices, undefined, 'int32');
    const y = m.forward(idx);
    await expectClose(y, f.logits, 1e-5, 'logits after load');
    tf.dispose([...Object.values(sd), extra, wrong, idx, y]);
    m.dispose();
  });
});

describeEachBackend('LSTM.from_state_dict', () => {
  const f = fixture<CharLMFixture>('modules/charlm.json');

  it('infers the configuration under a prefix and loads the weights', async () => {
    const sd = sdOf(f.params);
    const lstm = lstmFromStateDict(sd, { prefix: 'lstm', batch_first: true });
    expect(String(lstm)).to.equal(`LSTM(${f.E}, ${f.H}, proj_size=${f.P}, num_layers=2, batch_first=True)`);
    for (const [k, p] of lstm.named_parameters()) await expectBitExact(p, f.params[`lstm.${k}`]!, k);
    lstm.dispose();
    tf.dispose(Object.values(sd));
  });

  it('round-trips every LSTM shape: bias, bidirectional, proj_size, layers', () => {
    const configs = [{ num_layers: 1 }, { num_layers: 3, bias: false }, { num_layers: 2, bidirectional: true, proj_size: 2 },
      { bidirectional: true, bias: false }];
    for (const cfg of configs) {
      const src = new LSTM(4, 5, cfg);
      const lstm = lstmFromStateDict(src.state_dict());
      expect(String(lstm)).to.equal(String(src));
      for (const [k, p] of lstm.named_parameters()) expect(Array.from(p.dataSync())).to.deep.equal(Array.from(src.state_dict()[k]!.dataSync()));
      src.dispose();
      lstm.dispose();
    }
  });

  it('clear ValueErrors when the keys do not describe an LSTM', () => {
    const src = new LSTM(4, 5, { num_layers: 2 });
    const sd = src.state_dict();
    throwsTorch(() => lstmFromStateDict(sd, { prefix: 'rnn.' }), 'ValueError',
      'state_dict does not describe an LSTM under prefix \'rnn.\': missing key "rnn.weight_ih_l0"');
    const { weight_hh_l1: _gone, ...noHh } = sd;
    throwsTorch(() => lstmFromStateDict(noHh), 'ValueError', 'state_dict does not describe an LSTM under prefix \'\': missing key "weight_hh_l1"');
    const bad = tf.zeros([20, 3]);
    throwsTorch(() => lstmFromStateDict({ ...sd, weight_hh_l0: bad }), 'ValueError',
      'state_dict does not describe an LSTM: "weight_hh_l0" has shape torch.Size([20, 3]), expected torch.Size([20, 5])');
    const odd = tf.zeros([7, 4]);
    throwsTorch(() => lstmFromStateDict({ ...sd, weight_ih_l0: odd }), 'ValueError',
      'state_dict does not describe an LSTM: "weight_ih_l0" has shape torch.Size([7, 4]), expected (4*hidden_size, input_size)');
    const stray = tf.zeros([20]);
    throwsTorch(() => lstmFromStateDict({ ...sd, bias_ih_l7: stray }), 'ValueError',
      'state_dict does not describe an LSTM: unexpected key(s) "bias_ih_l7"');
    tf.dispose([bad, odd, stray]);
    src.dispose();
  });
});
