import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { functional } from 'tfjs-torch';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

/** Arguments complex sigmoid/tanh meet (Im of gates), the quadrant boundaries, and a few large ones. */
function args(): Float32Array {
  const xs: number[] = [0, -0, 1e-30, -1e-8, 0.3, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 2 * Math.PI, 100, -100, 1000.5, -5000.25, 12000];
  for (let i = 0; i < 4000; i++) xs.push((i - 2000) * 0.01731);
  return Float32Array.from(xs);
}

describeEachBackend('functional.sincos: float32 sin and cos within 1.5 ulp of the exact values', () => {
  it('sincos (the backend\'s route) and sincosF32 (float32 arithmetic only) against Math.sin/cos', async () => {
    const xs = args();
    const x = tf.tensor1d(xs);
    for (const [name, f] of [['sincos', functional.sincos], ['sincosF32', functional.sincosF32]] as const) {
      await expectNoLeak(async () => {
        const [s, c] = f(x);
        const [sv, cv] = [await s.data(), await c.data()];
        let worst = 0;
        for (let i = 0; i < xs.length; i++) {
          for (const [got, want] of [[sv[i]!, Math.sin(xs[i]!)], [cv[i]!, Math.cos(xs[i]!)]]) {
            // error in units of the float32 spacing at the exact value (1 ulp = 2^-23 relative, 2^-149 at 0)
            const ulp = Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(want) || 2 ** -149)) - 23));
            worst = Math.max(worst, Math.abs(got - want) / ulp);
          }
        }
        expect(worst, `${name}: worst error in ulps`).to.be.at.most(1.5);
        tf.dispose([s, c]);
      });
    }
    x.dispose();
  });
});
