import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

describeEachBackend('modules own their parameters: after dispose() nothing they made stays alive', () => {
  it('nn.LSTM (every option), nn.Linear, nn.Embedding and nn.Sequential: built and disposed, no tensor or byte left', async () => {
    torch.manual_seed(0);
    await expectNoLeak(() => {
      const modules: nn.Module[] = [
        new nn.LSTM(3, 4),
        new nn.LSTM(3, 5, { num_layers: 2, bidirectional: true, proj_size: 2 }),
        new nn.LSTM(3, 4, { bias: false }),
        new nn.LSTM(2, 3, { dtype: torch.complex64 }),
        new nn.Linear(3, 2),
        new nn.Linear(3, 2, { bias: false }),
        new nn.Embedding(5, 3, { padding_idx: 1 }),
        new nn.Sequential(new nn.Embedding(5, 3), new nn.LSTM(3, 4), new nn.Linear(4, 2)),
      ];
      for (const m of modules) m.dispose();
    });
  });

  it('nn.Embedding built from a given weight shares its values; the caller\'s tensor stays the caller\'s', async () => {
    const w = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    await expectNoLeak(() => {
      const e = new nn.Embedding(3, 2, { _weight: w });
      expect(Array.from(e.weight.dataSync())).to.deep.equal([1, 2, 3, 4, 5, 6]);
      e.dispose();
    });
    expect(w.isDisposed).to.equal(false);
    expect(Array.from(w.dataSync())).to.deep.equal([1, 2, 3, 4, 5, 6]);
    w.dispose();
  });

  it('nn.LSTM.from_state_dict: the module and the state_dict are disposed separately, nothing else stays', async () => {
    torch.manual_seed(1);
    const src = new nn.LSTM(3, 4, { num_layers: 2 });
    const sd = src.state_dict();
    await expectNoLeak(() => { nn.LSTM.from_state_dict(sd).dispose(); });
    src.dispose();
  });
});
