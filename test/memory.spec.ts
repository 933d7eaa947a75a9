import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { describeEachBackend } from './helpers/backends.js';

/**
 * The documented memory bound of a forward (README, "Memory"), in bytes of tf.memory() above what
 * was allocated before: one transposed copy of the weights, 2 x one direction's input projection
 * (L·N·4H: the projection and its per-step split, briefly both alive), the layer input
 * (L·N·max(H_in, D·H_out)), (D + 1) x one direction's output (L·N·H_out: the directions done so
 * far, plus this one's steps and their stack), and O(N·H) step state (32·N·4H floats).
 */
function bound(m: InstanceType<typeof nn.LSTM>, L: number, N: number): number {
  const D = m.bidirectional ? 2 : 1;
  // complex64: every value is two floats (its parameters' sizes count complex elements).
  const parts = m.weight_ih_l0.dtype === 'complex64' ? 2 : 1;
  const hOut = m.proj_size || m.hidden_size;
  const H = m.hidden_size;
  const weights = m.parameters().reduce((s, p) => s + p.size, 0);
  return 4 * parts * (weights + 2 * L * N * 4 * H + L * N * Math.max(m.input_size, D * hOut) + (D + 1) * L * N * hOut + 32 * N * 4 * H);
}

describeEachBackend('memory: a forward stays within its documented bound and frees everything, GPU memory included', () => {
  const configs: [string, number, number, number, number, { num_layers: number; bidirectional?: boolean; proj_size?: number; batch_first?: boolean; complex?: boolean }][] = [
    ['2 layers', 60, 16, 24, 48, { num_layers: 2 }],
    ['3 layers, bidirectional, projected, batch first', 40, 8, 16, 32, { num_layers: 3, bidirectional: true, proj_size: 12, batch_first: true }],
    ['complex64, 2 layers', 30, 8, 12, 24, { num_layers: 2, complex: true }],
    ['complex64, 2 layers, bidirectional, projected', 20, 4, 12, 24, { num_layers: 2, bidirectional: true, proj_size: 6, complex: true }],
  ];
  for (const [name, L, N, I, H, cfg] of configs) {
    it(`${name}: L=${L} N=${N} H_in=${I} H=${H}`, async () => {
      torch.manual_seed(0);
      const { complex, ...options } = cfg;
      const m = new nn.LSTM(I, H, { ...options, dtype: complex ? torch.complex64 : torch.float32 }).eval();
      const shape = cfg.batch_first ? [N, L, I] : [L, N, I];
      const x = complex ? tf.tidy(() => tf.complex(tf.randomNormal(shape), tf.randomNormal(shape))) : tf.randomNormal(shape);
      const base = tf.memory();
      const prof = await tf.profile(() => { const [o, hc] = m.forward(x); tf.dispose([o, ...hc]); });
      const peak = prof.peakBytes - base.numBytes;
      expect(peak).to.be.at.most(bound(m, L, N));
      expect(tf.memory().numBytes).to.equal(base.numBytes);
      expect(tf.memory().numTensors).to.equal(base.numTensors);
      // GPU memory in use (webgl, webgpu): the first forward uploaded x and the weights; a second
      // one, outputs disposed, must leave it where it was.
      const gpu = () => (tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number }).numBytesInGPU;
      const gpuBefore = gpu();
      const [o, hc] = m.forward(x);
      await o.data();
      tf.dispose([o, ...hc]);
      expect(gpu(), 'numBytesInGPU after a second forward').to.equal(gpuBefore);
      x.dispose();
      m.dispose();
    });
  }
});
