import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { manual_seed } from '../src/torch.js';
import { Embedding } from '../src/nn/embedding.js';
import { Linear } from '../src/nn/linear.js';
import { LSTM } from '../src/nn/lstm.js';
import { Module } from '../src/nn/module.js';
import { normal_ } from '../src/nn/init.js';
import { normalFloat32 } from '../src/random/normal.js';
import { type FixtureTensor, expectBitExact, fixture, values } from './helpers/fixtures.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

interface NormalFixture {
  streams: { seed: number; n: number; mean: number; std: number; values: FixtureTensor }[];
  cached: { seed: number; sizes: number[]; values: FixtureTensor[] };
}
interface EmbeddingCase {
  seed: number; num_embeddings: number; embedding_dim: number; padding_idx: number | null; repr: string;
  weight: FixtureTensor; indices: number[][]; output: FixtureTensor;
}

function throwsTorch(fn: () => unknown, name: string, message: string): void {
  try { fn(); } catch (e) {
    expect(`${(e as Error).name}: ${(e as Error).message}`).to.equal(`${name}: ${message}`);
    return;
  }
  expect.fail(`expected ${name}: ${message}`);
}

function sameBits(got: Float32Array, want: FixtureTensor, what: string): void {
  const g = new Uint32Array(Float32Array.from(got).buffer);
  const w = new Uint32Array(values(want).buffer);
  expect(g.length, what).to.equal(w.length);
  const bad = g.findIndex((x, i) => x !== w[i]);
  expect(bad, `${what}: first differing element (got ${got[bad]}, torch ${values(want)[bad]})`).to.equal(-1);
}

describe('torch normal_ (CPU) bit for bit', () => {
  const f = fixture<NormalFixture>('modules/normal.json');
  for (const s of f.streams) {
    it(`seed ${s.seed}: ${s.n} draws of N(${s.mean}, ${s.std}) (${s.n >= 16 ? 'vectorised Box-Muller' : 'double, cached'} path)`, () => {
      manual_seed(s.seed);
      sameBits(normalFloat32(new Float32Array(s.n), s.mean, s.std), s.values, `n=${s.n}`);
    });
  }

  it('the cached second value carries across small calls and is forgotten on manual_seed', () => {
    manual_seed(f.cached.seed);
    f.cached.sizes.forEach((n, i) => sameBits(normalFloat32(new Float32Array(n)), f.cached.values[i]!, `call ${i} (n=${n})`));
    manual_seed(f.cached.seed);
    sameBits(normalFloat32(new Float32Array(1)), f.cached.values[0]!, 'after re-seeding');
  });

  it('nn.init.normal_ fills a variable like torch', () => {
    const s = f.streams.find((k) => k.n === 17)!;
    manual_seed(s.seed);
    const w = tf.variable(tf.zeros([17]));
    normal_(w, s.mean, s.std);
    sameBits(w.dataSync() as Float32Array, s.values, 'normal_');
    w.dispose();
  });
});

describeEachBackend('nn.Embedding matches PyTorch', () => {
  for (const c of fixture<{ cases: EmbeddingCase[] }>('modules/embedding.json').cases) {
    it(`${c.repr} (seed ${c.seed}): init bit-exact, lookup`, async () => {
      manual_seed(c.seed);
      const m = new Embedding(c.num_embeddings, c.embedding_dim, { padding_idx: c.padding_idx });
      expect(String(m)).to.equal(c.repr);
      await expectBitExact(m.weight, c.weight, 'weight');
      const idx = tf.tensor2d(c.indices, undefined, 'int32');
      await expectNoLeak(async () => {
        const y = m.forward(idx);
        await expectBitExact(y, c.output, 'output');
        y.dispose();
      });
      idx.dispose();
      m.dispose();
    });
  }

  it('the padding row gets no gradient; other rows sum their lookups', async () => {
    const m = new Embedding(4, 2, 1);
    const idx = tf.tensor1d([1, 2, 2, 0], 'int32');
    const { grads } = tf.variableGrads(() => tf.sum(m.forward(idx)) as tf.Scalar, [m.weight]);
    expect(Array.from(await grads[m.weight.name]!.data())).to.deep.equal([1, 1, 0, 0, 2, 2, 0, 0]);
    tf.dispose([idx, ...Object.values(grads)]);
    m.dispose();
  });

  it('max_norm renormalises the looked-up rows in place', async () => {
    const w = tf.tensor2d([[3, 4], [0.3, 0.4], [6, 8]]);
    const m = new Embedding(3, 2, { max_norm: 1, _weight: w });
    const idx = tf.tensor1d([0, 1], 'int32');
    tf.dispose(m.forward(idx));
    const got = Array.from(await m.weight.data());
    expect(got[0]).to.be.closeTo(0.6, 1e-6);
    expect(got[1]).to.be.closeTo(0.8, 1e-6);
    expect(got.slice(2)).to.deep.equal(Array.from(Float32Array.from([0.3, 0.4, 6, 8])));
    tf.dispose([w, idx]);
    m.dispose();
  });

  it('torch\'s errors: out-of-range and negative indices, float indices, padding_idx range', () => {
    const m = new Embedding(10, 3);
    for (const bad of [10, -1]) {
      const i = tf.tensor1d([bad], 'int32');
      throwsTorch(() => m.forward(i), 'IndexError', 'index out of range in self');
      i.dispose();
    }
    const fl = tf.zeros([2]);
    throwsTorch(() => m.forward(fl), 'RuntimeError', "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)");
    fl.dispose();
    m.dispose();
    throwsTorch(() => new Embedding(10, 3, 10), 'AssertionError', 'Padding_idx must be within num_embeddings');
    throwsTorch(() => new Embedding(10, 3, -11), 'AssertionError', 'Padding_idx must be within num_embeddings');
    throwsTorch(() => new Embedding(-1, 3), 'RuntimeError', 'Trying to create tensor with negative dimension -1: [-1, 3]');
  });
});

describe('modules draw from the default generator in torch\'s construction order', () => {
  it('Linear, Embedding (both normal_ paths, with the cached value), LSTM interleaved', async () => {
    const f = fixture<{ seed: number; params: Record<string, FixtureTensor>[] }>('modules/mixed.json');
    manual_seed(f.seed);
    const mods: Module[] = [new Linear(3, 2), new Embedding(1, 3), new Linear(2, 2), new Embedding(1, 1), new Embedding(4, 5),
      new LSTM(2, 3), new Embedding(3, 1)];
    for (const [i, m] of mods.entries()) {
      for (const [k, p] of m.named_parameters()) await expectBitExact(p, f.params[i]![k]!, `module ${i} ${k}`);
      m.dispose();
    }
  });
});
