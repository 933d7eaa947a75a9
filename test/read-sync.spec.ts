import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { torch } from 'tfjs-torch';
import { describeEachBackend } from './helpers/backends.js';

const noSyncGpuReads = () => tf.getBackend() === 'webgpu';

describeEachBackend('synchronous reads (printing, saving): work, or say how to make them work', () => {
  it('torch.format of a computed tensor; on webgpu after one await data()', async () => {
    const x = tf.tensor2d([[1, -2]]);
    const y = tf.mul(x, 0.5);
    if (noSyncGpuReads()) {
      expect(() => torch.format(y)).to.throw(/cannot read the tensor to format synchronously on the webgpu backend.*await tensor\.data\(\)/)
        .with.property('name', 'RuntimeError');
      await y.data();
    }
    expect(torch.format(y)).to.equal('tensor([[ 0.5000, -1.0000]])');
    const z = tf.complex(tf.mul(x, 2), x);
    if (noSyncGpuReads()) await z.data();
    expect(torch.format(z)).to.equal('tensor([[ 2.0000+1.0000j, -4.0000-2.0000j]])');
    // complex64 reads hand out interleaved (re, im) on every backend (wasm's needed this library's patch).
    expect(Array.from(await z.data())).to.deep.equal([2, 1, -4, -2]);
    tf.dispose([x, y, z]);
  });
});
