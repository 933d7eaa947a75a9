import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { manual_seed } from '../src/torch.js';
import { Linear } from '../src/nn/linear.js';
import { _calculate_fan_in_and_fan_out, calculate_gain, kaiming_uniform_ } from '../src/nn/init.js';
import { bindArgs } from '../src/nn/args.js';
import { type FixtureTensor, expectBitExact, expectClose, fixture, toTensor } from './helpers/fixtures.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

interface LinearCase {
  seed: number; in_features: number; out_features: number; bias: boolean; repr: string;
  params: Record<string, FixtureTensor>; input: FixtureTensor; output: FixtureTensor;
}
interface LinearFixture { cases: LinearCase[]; errors: { in_features: number; out_features: number; shape: number[]; message: string }[] }

function throwsTorch(fn: () => unknown, name: string, message: string): void {
  try { fn(); } catch (e) {
    expect(`${(e as Error).name}: ${(e as Error).message}`).to.equal(`${name}: ${message}`);
    return;
  }
  expect.fail(`expected ${name}: ${message}`);
}

describeEachBackend('nn.Linear matches PyTorch', () => {
  const f = fixture<LinearFixture>('modules/linear.json');

  for (const c of f.cases) {
    it(`Linear(${c.in_features}, ${c.out_features}, bias=${c.bias}): init bit-exact, forward, repr`, async () => {
      manual_seed(c.seed);
      const m = new Linear(c.in_features, c.out_features, { bias: c.bias });
      expect(String(m)).to.equal(c.repr);
      expect(Object.keys(m.state_dict())).to.deep.equal(Object.keys(c.params));
      for (const [k, p] of m.named_parameters()) await expectBitExact(p, c.params[k]!, k);
      const x = toTensor(c.input);
      await expectNoLeak(async () => {
        const y = m.forward(x);
        await expectClose(y, c.output, 1e-5, 'output');
        y.dispose();
      });
      x.dispose();
      m.dispose();
    });
  }

  it('a wrong last dimension raises torch\'s RuntimeError text', () => {
    for (const e of f.errors) {
      const m = new Linear(e.in_features, e.out_features);
      const x = tf.zeros(e.shape);
      throwsTorch(() => m.forward(x), 'RuntimeError', e.message);
      x.dispose();
      m.dispose();
    }
    const m = new Linear(3, 2);
    const s = tf.scalar(1);
    throwsTorch(() => m.forward(s), 'RuntimeError', 'both arguments to matmul need to be at least 1D, but they are 0D and 2D');
    const i = tf.zeros([4, 3], 'int32');
    throwsTorch(() => m.forward(i), 'RuntimeError', 'mat1 and mat2 must have the same dtype');
    tf.dispose([s, i]);
    m.dispose();
  });

  it('gradients flow to weight, bias and input', async () => {
    const m = new Linear(3, 2);
    const x = tf.ones([4, 3]);
    const { grads } = tf.variableGrads(() => tf.sum(m.forward(x)) as tf.Scalar, m.parameters());
    expect(Array.from(await grads[m.bias!.name]!.data())).to.deep.equal([4, 4]);
    expect(Array.from(await grads[m.weight.name]!.data())).to.deep.equal([4, 4, 4, 4, 4, 4]);
    tf.dispose([x, ...Object.values(grads)]);
    m.dispose();
  });
});

describe('nn.Linear arguments and nn.init helpers', () => {
  it('positional, keyword and mixed arguments bind like Python, with Python\'s TypeErrors', () => {
    const a = new Linear(6, 3, false);
    const b = new Linear({ in_features: 6, out_features: 3, bias: false });
    const c = new Linear(6, 3, { bias: false, device: null, dtype: null });
    for (const m of [a, b, c]) { expect(String(m)).to.equal('Linear(in_features=6, out_features=3, bias=False)'); m.dispose(); }
    const L = Linear as unknown as new (...a: unknown[]) => Linear;
    throwsTorch(() => new L(3), 'TypeError', "Linear.__init__() missing 1 required positional argument: 'out_features'");
    throwsTorch(() => new L(3, 2, true, null, null, 4), 'TypeError', 'Linear.__init__() takes from 3 to 6 positional arguments but 7 were given');
    throwsTorch(() => new L(3, 2, { foo: 1 }), 'TypeError', "Linear.__init__() got an unexpected keyword argument 'foo'");
    throwsTorch(() => new L(3, 2, true, { bias: false }), 'TypeError', "Linear.__init__() got multiple values for argument 'bias'");
    throwsTorch(() => new L(-1, 3), 'RuntimeError', 'Trying to create tensor with negative dimension -1: [3, -1]');
    throwsTorch(() => new L(2.5, 3), 'TypeError', "empty(): argument 'size' must be tuple of SymInts, but found element of type float at pos 2");
    throwsTorch(() => bindArgs('f', ['a', 'b', 'c'], 3, []), 'TypeError', "f() missing 3 required positional arguments: 'a', 'b', and 'c'");
  });

  it('fan in/out, gain and kaiming_uniform_ follow torch.nn.init', () => {
    expect(_calculate_fan_in_and_fan_out([3, 6])).to.deep.equal([6, 3]);
    expect(_calculate_fan_in_and_fan_out([4, 2, 3, 5])).to.deep.equal([30, 60]);
    throwsTorch(() => _calculate_fan_in_and_fan_out([3]), 'ValueError', 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
    expect(calculate_gain('leaky_relu', Math.sqrt(5))).to.equal(0.5773502691896257);
    expect(calculate_gain('relu')).to.equal(Math.SQRT2);
    const w = tf.variable(tf.zeros([3, 4]));
    throwsTorch(() => kaiming_uniform_(w, 0, 'fan_x' as 'fan_in'), 'ValueError', "Mode fan_x not supported, please use one of ['fan_in', 'fan_out']");
    w.dispose();
  });
});
