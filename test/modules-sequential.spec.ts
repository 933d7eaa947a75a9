import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { manual_seed } from '../src/torch.js';
import { Linear } from '../src/nn/linear.js';
import { Dropout } from '../src/nn/dropout.js';
import { Embedding } from '../src/nn/embedding.js';
import { Sequential } from '../src/nn/sequential.js';
import { Module } from '../src/nn/module.js';
import { type FixtureTensor, expectBitExact, expectClose, fixture } from './helpers/fixtures.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';
import { toTensor } from './helpers/fixtures.js';

function throwsTorch(fn: () => unknown, name: string, message: string): void {
  try { fn(); } catch (e) {
    expect(`${(e as Error).name}: ${(e as Error).message}`).to.equal(`${name}: ${message}`);
    return;
  }
  expect.fail(`expected ${name}: ${message}`);
}

interface SeqFixture {
  seed: number; repr: string; keys: string[]; params: Record<string, FixtureTensor>;
  input: FixtureTensor; output: FixtureTensor; nested_repr: string;
}

describeEachBackend('nn.Sequential matches PyTorch', () => {
  const f = fixture<SeqFixture>('modules/sequential.json');

  it('children 0, 1, ...: dotted state_dict keys, init bit-exact, repr, eval forward', async () => {
    manual_seed(f.seed);
    const seq = new Sequential(new Linear(4, 8), new Dropout(0.1), new Linear(8, 2)).eval();
    expect(String(seq)).to.equal(f.repr);
    expect(Object.keys(seq.state_dict())).to.deep.equal(f.keys);
    for (const [k, p] of seq.named_parameters()) await expectBitExact(p, f.params[k]!, k);
    const x = toTensor(f.input);
    await expectNoLeak(async () => {
      const y = seq.forward(x);
      await expectClose(y, f.output, 1e-5, 'output');
      y.dispose();
    });
    x.dispose();
    seq.dispose();
  });

  it('nested repr, indexing, length, append, slice, iteration, train/eval recursion', () => {
    const inner = new Sequential(new Linear(3, 3));
    const seq = new Sequential(new Linear(2, 3), new Dropout(), inner);
    expect(String(seq)).to.equal(f.nested_repr);
    expect(seq.length).to.equal(3);
    expect(seq.get(-1)).to.equal(inner);
    expect(seq.get(1)).to.be.instanceOf(Dropout);
    throwsTorch(() => seq.get(3), 'IndexError', 'index 3 is out of range');
    throwsTorch(() => seq.get(-4), 'IndexError', 'index -4 is out of range');
    expect([...seq].length).to.equal(3);
    expect(Object.keys(seq.state_dict())).to.deep.equal(['0.weight', '0.bias', '2.0.weight', '2.0.bias']);
    seq.eval();
    expect(inner.get(0).training).to.equal(false);
    const head = seq.slice(0, 2);
    expect(String(head)).to.equal('Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): Dropout(p=0.5, inplace=False)\n)');
    seq.append(new Linear(3, 1));
    expect(seq.length).to.equal(4);
    expect(String(new Sequential())).to.equal('Sequential()');
    throwsTorch(() => new Sequential(new Linear(1, 1), 3 as unknown as Module), 'TypeError', 'int is not a Module subclass');
    seq.dispose();
  });

  it('a Map (torch\'s OrderedDict) names the children', () => {
    const seq = new Sequential(new Map<string, Module>([['embed', new Embedding(5, 2)], ['fc', new Linear(2, 3)]]));
    expect(Object.keys(seq.state_dict())).to.deep.equal(['embed.weight', 'fc.weight', 'fc.bias']);
    const idx = tf.tensor2d([[0, 4]], [1, 2], 'int32');
    const y = seq.forward(idx);
    expect(y.shape).to.deep.equal([1, 2, 3]);
    tf.dispose([idx, y]);
    seq.dispose();
  });
});

describeEachBackend('nn.Dropout', () => {
  it('training: zeroes about p of the elements and scales the rest by 1/(1-p); eval: identity', async () => {
    const d = new Dropout(0.25);
    const x = tf.ones([200, 200]);
    await expectNoLeak(async () => {
      const y = d.forward(x);
      const v = await y.data();
      const zeros = v.filter((e) => e === 0).length;
      expect(zeros / v.length).to.be.closeTo(0.25, 0.01);
      expect(v.every((e) => e === 0 || e === Math.fround(1 / 0.75))).to.equal(true);
      y.dispose();
      const z = d.eval().forward(x);
      expect(Array.from(await z.data()).every((e) => e === 1)).to.equal(true);
      z.dispose();
    });
    d.train();
    const all = new Dropout(1).forward(x);
    expect(Array.from(await all.data()).every((e) => e === 0)).to.equal(true);
    tf.dispose([x, all]);
  });

  it('repr and torch\'s p check', () => {
    expect(String(new Dropout())).to.equal('Dropout(p=0.5, inplace=False)');
    expect(String(new Dropout(0.25, true))).to.equal('Dropout(p=0.25, inplace=True)');
    expect(String(new Dropout({ p: 0.1 }))).to.equal('Dropout(p=0.1, inplace=False)');
    throwsTorch(() => new Dropout(1.5), 'ValueError', 'dropout probability has to be between 0 and 1, but got 1.5');
    throwsTorch(() => new Dropout(-0.1), 'ValueError', 'dropout probability has to be between 0 and 1, but got -0.1');
    throwsTorch(() => new Dropout(2), 'ValueError', 'dropout probability has to be between 0 and 1, but got 2');
    expect(String(new Dropout(NaN))).to.equal('Dropout(p=nan, inplace=False)');
  });
});

describe('module reprs match PyTorch', () => {
  it('Linear, Embedding, Dropout, Sequential', () => {
    const { reprs } = fixture<{ reprs: string[] }>('modules/repr.json');
    const mods: Module[] = [new Linear(6, 3), new Linear(6, 3, false), new Embedding(10, 3), new Embedding(10, 3, 0),
      new Embedding(10, 3, -1), new Embedding(10, 3, { max_norm: 1.0 }), new Dropout(), new Dropout(0.25, true), new Sequential()];
    expect(mods.map(String)).to.deep.equal(reprs);
    for (const m of mods) m.dispose();
  });
});
