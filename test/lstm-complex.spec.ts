import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { type LSTMCase, expectBitExact, expectClose, fixture, maxDiff } from './helpers/fixtures.js';
import { buildLSTM, caseInputs, label } from './helpers/lstm.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

const ATOL = 1e-5;

/**
 * The complex recurrence is ill-conditioned near the poles of complex sigmoid (its gates are not
 * bounded by 1): there torch's own complex64 result is off from its complex128 result by δ well
 * above 1e-5, and no float32 code with another rounding order can agree with it more closely
 * than about 2δ. So the bound is 1e-5 + 2δ per tensor (δ = 0, i.e. plain 1e-5, in most cases).
 */
/*
 * Every case passes on every backend: the complex kernels (cpu and wasm: kernels/cpu/lstm_complex.ts;
 * webgl and webgpu: kernels/lstm_complex_layer.ts) sum each matmul as torch's CPU matmul does
 * (reference BLAS cgemm: complex products in k order, each rounded to float32, the bias last).
 * Summed otherwise (the op path's four real matmuls, nearly exact sums), one ill-conditioned case
 * ended 1.4x past its bound on cpu and wasm; with the GPU backends' own exp, sin and cos, seven did
 * there (1.05x-1.45x), hence the correctly rounded ones in kernels/float_float.ts.
 */
function tolerance(c: LSTMCase, key: 'output' | 'h_n' | 'c_n'): number {
  return ATOL + 2 * maxDiff(c[key], c.complex128![key]);
}

describeEachBackend('complex64 nn.LSTM agrees with PyTorch (init bit-exact, forward within 1e-5 per component)', () => {
  before(function () {
    // A backend without complex64 tensors cannot run this suite; the module says so (see below).
    if (!tf.getKernel('Complex', tf.getBackend())) this.skip();
  });

  // Every case on every backend: with the complex GPU kernels the whole list takes seconds on
  // SwiftShader too (composed from tfjs ops, it was sharded between the GPU runs).
  for (const c of fixture<{ cases: LSTMCase[] }>('lstm/complex64.json').cases) {
    it(label(c), async () => {
      const m = buildLSTM(c);
      for (const [name, p] of m.named_parameters()) {
        expect(p.dtype).to.equal('complex64');
        await expectBitExact(p, c.params[name]!, name);
      }
      const { x, hx } = caseInputs(c);
      await expectNoLeak(async () => {
        const [out, [h, cN]] = m.forward(x, hx);
        expect([out.dtype, h.dtype, cN.dtype]).to.deep.equal(['complex64', 'complex64', 'complex64']);
        await expectClose(out, c.output, tolerance(c, 'output'), 'output');
        await expectClose(h, c.h_n, tolerance(c, 'h_n'), 'h_n');
        await expectClose(cN, c.c_n, tolerance(c, 'c_n'), 'c_n');
        tf.dispose([out, h, cN]);
      });
      tf.dispose([x, ...(hx ?? [])]);
      m.dispose();
    });
  }

  it('parameters are complex64 and usable with tf.real / tf.imag; state_dict round-trips', () => {
    torch.manual_seed(0);
    const a = new nn.LSTM(2, 3, { dtype: torch.complex64 });
    const b = new nn.LSTM(2, 3, { dtype: torch.complex64 });
    b.load_state_dict(a.state_dict());
    const re = tf.real(b.weight_ih_l0);
    const im = tf.imag(b.weight_ih_l0);
    expect(Array.from(re.dataSync())).to.deep.equal(Array.from(tf.real(a.weight_ih_l0).dataSync()));
    expect(im.shape).to.deep.equal([12, 2]);
    tf.dispose([re, im]);
    a.dispose(); b.dispose();
  });

  it('asking for gradients raises a clear NotImplementedError (forward only)', () => {
    const m = new nn.LSTM(2, 3, { dtype: torch.complex64 });
    const x = tf.complex(tf.ones([4, 1, 2]), tf.ones([4, 1, 2]));
    const loss = () => tf.sum(tf.real(m.forward(x)[0])) as tf.Scalar;
    expect(() => tf.variableGrads(loss, m.parameters())).to.throw(/complex64 LSTMs support forward only/).with.property('name', 'NotImplementedError');
    expect(() => tf.grad((y: tf.Tensor) => tf.sum(tf.real(m.forward(y)[0])))(x)).to.throw(/not supported/).with.property('name', 'NotImplementedError');
    x.dispose(); m.dispose();
  });

  it('dtype mismatches raise torch\'s ValueError both ways', () => {
    const c = new nn.LSTM(2, 3, { dtype: torch.complex64 });
    const f = new nn.LSTM(2, 3);
    const xr = tf.zeros([4, 1, 2]);
    const xc = tf.complex(xr, xr);
    expect(() => c.forward(xr)).to.throw('input must have the type torch.complex64, got type torch.float32').with.property('name', 'ValueError');
    expect(() => f.forward(xc)).to.throw('input must have the type torch.float32, got type torch.complex64').with.property('name', 'ValueError');
    tf.dispose([xr, xc]); c.dispose(); f.dispose();
  });
});
