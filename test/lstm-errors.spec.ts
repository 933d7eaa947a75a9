import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { useBackend } from './helpers/backends.js';

/** Asserts fn throws an Error named `name` whose message is exactly `message`. */
function throwsTorch(fn: () => unknown, name: string, message: string): void {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught, `expected ${name}: ${message}`).to.be.instanceOf(Error);
  const err = caught as Error;
  expect(`${err.name}: ${err.message}`).to.equal(`${name}: ${message}`);
}

const DROPOUT = 'dropout should be a number in range [0, 1] representing the probability of an element being zeroed';

describe('nn.LSTM errors carry torch\'s exception class and text', () => {
  before(async () => { await useBackend('cpu'); });

  describe('constructor', () => {
    for (const bad of [-0.1, 1.5, true, false, '0.5', NaN]) {
      it(`dropout=${String(bad)} (${typeof bad})`, () => {
        throwsTorch(() => new nn.LSTM(3, 4, { num_layers: 2, dropout: bad as number }), 'ValueError', DROPOUT);
      });
    }
    it('a dropout string that is not a number fails in float() like Python', () => {
      throwsTorch(() => new nn.LSTM(3, 4, { dropout: 'abc' as unknown as number }), 'ValueError', "could not convert string to float: 'abc'");
    });
    it('hidden_size must be an int', () => {
      throwsTorch(() => new nn.LSTM(3, 2.5), 'TypeError', 'hidden_size should be of type int, got: float');
      throwsTorch(() => new nn.LSTM(3, '4' as unknown as number), 'TypeError', 'hidden_size should be of type int, got: str');
    });
    it('hidden_size, num_layers, proj_size ranges', () => {
      throwsTorch(() => new nn.LSTM(3, 0), 'ValueError', 'hidden_size must be greater than zero');
      throwsTorch(() => new nn.LSTM(3, -2), 'ValueError', 'hidden_size must be greater than zero');
      throwsTorch(() => new nn.LSTM(3, 4, 0), 'ValueError', 'num_layers must be greater than zero');
      throwsTorch(() => new nn.LSTM(3, 4, { proj_size: -1 }), 'ValueError', 'proj_size should be a positive integer or zero to disable projections');
      throwsTorch(() => new nn.LSTM(3, 4, { proj_size: 4 }), 'ValueError', 'proj_size has to be smaller than hidden_size');
      throwsTorch(() => new nn.LSTM(3, 4, { proj_size: 7 }), 'ValueError', 'proj_size has to be smaller than hidden_size');
    });
    it('non-integer or negative input_size / num_layers / proj_size', () => {
      throwsTorch(() => new nn.LSTM(2.5, 4), 'TypeError', 'input_size should be of type int, got: float');
      throwsTorch(() => new nn.LSTM(-1, 4), 'ValueError', 'input_size must be greater than or equal to zero');
      throwsTorch(() => new nn.LSTM(3, 4, 1.5), 'TypeError', 'num_layers should be of type int, got: float');
      throwsTorch(() => new nn.LSTM(3, 4, { proj_size: 1.5 }), 'TypeError', 'proj_size should be of type int, got: float');
    });
    it('Python argument binding errors', () => {
      throwsTorch(() => new (nn.LSTM as unknown as new (...a: unknown[]) => unknown)(3), 'TypeError', "RNNBase.__init__() missing 1 required positional argument: 'hidden_size'");
      throwsTorch(() => new nn.LSTM(3, 4, 2, { num_layers: 2 } as never), 'TypeError', "RNNBase.__init__() got multiple values for argument 'num_layers'");
      throwsTorch(() => new nn.LSTM(3, 4, { nonlinearity: 'tanh' } as never), 'TypeError', "RNNBase.__init__() got an unexpected keyword argument 'nonlinearity'");
    });
    it('float64 is rejected: tfjs has no float64', () => {
      throwsTorch(() => new nn.LSTM(3, 4, { dtype: torch.float64 }), 'ValueError',
        'torch.float64 is not supported: TensorFlow.js has no 64-bit floating point tensors; use torch.float32');
    });
    it('dropout > 0 with one layer works but warns like torch', async () => {
      const seen: string[] = [];
      const onWarning = (w: Error) => { if (w.name === 'UserWarning') seen.push(w.message); };
      process.on('warning', onWarning);
      const m = new nn.LSTM(3, 4, { dropout: 0.3 });
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
      expect(seen).to.deep.equal(['dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.3 and num_layers=1']);
      expect(m.dropout).to.equal(0.3);
      m.dispose();
    });
  });

  describe('forward', () => {
    let m: InstanceType<typeof nn.LSTM>;
    before(() => { m = new nn.LSTM(3, 4); });
    after(() => m.dispose());
    const t = (shape: number[], dtype: tf.DataType = 'float32') => tf.zeros(shape, dtype);

    it('input rank', () => {
      throwsTorch(() => m.forward(t([3])), 'ValueError', 'LSTM: Expected input to be 2D or 3D, got 1D instead');
      throwsTorch(() => m.forward(t([1, 1, 1, 3])), 'ValueError', 'LSTM: Expected input to be 2D or 3D, got 4D instead');
    });
    it('input feature size', () => {
      throwsTorch(() => m.forward(t([2, 1, 4])), 'RuntimeError', 'input.size(-1) must be equal to input_size. Expected 3, got 4');
      throwsTorch(() => m.forward(t([2, 5])), 'RuntimeError', 'input.size(-1) must be equal to input_size. Expected 3, got 5');
    });
    it('empty sequence', () => {
      throwsTorch(() => m.forward(t([0, 2, 3])), 'RuntimeError', 'Expected sequence length to be larger than 0 in RNN');
    });
    it('hidden sizes: expected as a tuple, got as a list', () => {
      throwsTorch(() => m.forward(t([5, 2, 3]), [t([1, 3, 4]), t([1, 2, 4])]), 'RuntimeError', 'Expected hidden[0] size (1, 2, 4), got [1, 3, 4]');
      throwsTorch(() => m.forward(t([5, 2, 3]), [t([1, 2, 4]), t([2, 2, 4])]), 'RuntimeError', 'Expected hidden[1] size (1, 2, 4), got [2, 2, 4]');
      throwsTorch(() => m.forward(t([5, 3]), [t([1, 5]), t([1, 4])]), 'RuntimeError', 'Expected hidden[0] size (1, 1, 4), got [1, 1, 5]');
    });
    it('hx rank must follow the input\'s batchedness', () => {
      throwsTorch(() => m.forward(t([5, 2, 3]), [t([2, 4]), t([1, 2, 4])]), 'RuntimeError', 'For batched 3-D input, hx and cx should also be 3-D but got (2-D, 3-D) tensors');
      throwsTorch(() => m.forward(t([5, 3]), [t([1, 4]), t([1, 1, 4])]), 'RuntimeError', 'For unbatched 2-D input, hx and cx should also be 2-D but got (2-D, 3-D) tensors');
      throwsTorch(() => m.forward(t([5, 2, 3]), [t([1, 2, 4])] as never), 'IndexError', 'tuple index out of range');
    });
    it('dtypes', () => {
      throwsTorch(() => m.forward(t([2, 1, 3], 'int32')), 'ValueError', 'input must have the type torch.float32, got type torch.int32');
      throwsTorch(() => m.forward(tf.complex(t([2, 1, 3]), t([2, 1, 3]))), 'ValueError', 'input must have the type torch.float32, got type torch.complex64');
      throwsTorch(() => m.forward(t([2, 1, 3]), [t([1, 1, 4], 'int32'), t([1, 1, 4])]), 'RuntimeError', 'mat1 and mat2 must have the same dtype');
    });
    it('errors allocate nothing', () => {
      const before = tf.memory().numTensors;
      const x = t([2, 1, 4]);
      try { m.forward(x); } catch { /* expected */ }
      x.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    });
  });
});
