import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { type FixtureTensor, expectBitExact, fixture, values } from './helpers/fixtures.js';
import { useBackend } from './helpers/backends.js';

interface Streams {
  streams: { seed: string; initial_seed: string; draws: { from: number; to: number; values: number[] }[]; complex: FixtureTensor }[];
  overflow: { seed: string; error: [string, string] | null }[];
  float_seeds: { seed: number; initial_seed: string }[];
}

describe('torch generator: manual_seed, initial_seed and uniform_ match PyTorch bit for bit', () => {
  const f = fixture<Streams>('random/uniform.json');
  before(async () => { await useBackend('cpu'); });

  for (const s of f.streams) {
    it(`seed ${s.seed}: initial_seed and 5 x 1500 uniform_ draws`, () => {
      torch.manual_seed(BigInt(s.seed));
      expect(torch.initial_seed()).to.equal(BigInt(s.initial_seed));
      for (const d of s.draws) {
        const w = tf.variable(tf.zeros([d.values.length]));
        nn.init.uniform_(w, d.from, d.to);
        const got = new Uint32Array(Float32Array.from(w.dataSync()).buffer);
        const want = new Uint32Array(Float32Array.from(d.values).buffer);
        const bad = got.findIndex((g, i) => g !== want[i]);
        w.dispose();
        expect(bad, `U(${d.from}, ${d.to}) first differing draw`).to.equal(-1);
      }
    });

    it(`seed ${s.seed}: complex uniform_ interleaves re and im draws`, async () => {
      torch.manual_seed(BigInt(s.seed));
      for (const d of s.draws) nn.init.uniform_(tf.variable(tf.zeros([d.values.length])), d.from, d.to).dispose();
      const w = tf.variable(tf.complex(tf.zeros([40]), tf.zeros([40])));
      nn.init.uniform_(w, -0.5, 0.5);
      await expectBitExact(w, s.complex, 'complex draws');
      w.dispose();
    });
  }

  it('seeds outside [-2^63, 2^64) raise torch\'s RuntimeError', () => {
    expect(f.overflow.length).to.be.greaterThan(0);
    for (const o of f.overflow) {
      expect(o.error).to.not.equal(null);
      expect(() => torch.manual_seed(BigInt(o.seed))).to.throw(o.error![1]).with.property('name', o.error![0]);
    }
  });

  it('number seeds are truncated like Python int()', () => {
    for (const s of f.float_seeds) {
      torch.manual_seed(s.seed);
      expect(torch.initial_seed()).to.equal(BigInt(s.initial_seed));
    }
  });

  it('torch.seed() seeds from entropy and initial_seed reports it', () => {
    const a = torch.seed();
    expect(torch.initial_seed()).to.equal(a);
    const b = torch.seed();
    expect(a).to.not.equal(b);
    expect(a < 2n ** 53n && b < 2n ** 53n).to.equal(true);
  });

  it('a Generator object is independent of the default one', () => {
    const g = new torch.Generator(7);
    torch.manual_seed(7);
    const x = tf.variable(tf.zeros([10]));
    nn.init.uniform_(x, 0, 1, g);
    const y = tf.variable(tf.zeros([10]));
    nn.init.uniform_(y, 0, 1);
    expect(Array.from(x.dataSync())).to.deep.equal(Array.from(y.dataSync()));
    expect(values({ shape: [1], dtype: 'float32', data: [1] })[0]).to.equal(1);
    x.dispose(); y.dispose();
  });
});
